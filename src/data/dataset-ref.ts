import { IConstruct } from 'constructs';
import { invalid } from '../core/errors';
import { PodVolume, PodVolumeMount } from '../core/volume';

/** How workloads may mount a dataset's PersistentVolumeClaim. */
export enum DatasetAccessMode {
  /** Many pods read (the default): workloads mount it read-only. */
  READ_ONLY_MANY = 'ReadOnlyMany',
  /** Many pods read and write (writes go through the cache to the storage). */
  READ_WRITE_MANY = 'ReadWriteMany',
}

/** Options of {@link IDataset.volumeMount}. */
export interface DatasetVolumeMountOptions {
  /**
   * Mount read-only.
   * @default - true, unless the dataset's access mode is READ_WRITE_MANY
   */
  readonly readOnly?: boolean;
  /**
   * Directory of the dataset to mount.
   * @default - the dataset's root
   */
  readonly subPath?: string;
}

/**
 * A Fluid dataset: one declared in this app ({@link Dataset}) or one another app owns
 * (`Dataset.fromDatasetName()`). Workloads mount it, DataLoads warm its cache up.
 */
export interface IDataset extends IConstruct {
  /** Name of the Dataset (and of the PersistentVolumeClaim Fluid creates for it). */
  readonly name: string;
  /** Namespace of the Dataset, when known; workloads mounting it must run in it. */
  readonly namespace?: string;
  /** How workloads may mount the dataset. */
  readonly accessMode: DatasetAccessMode;
  /** Whether workloads mount the dataset read-only by default. */
  readonly readOnly: boolean;
  /**
   * Where the dataset's mounts appear in it (e.g. `['/clicks']`), when known: for an Alluxio dataset declared in
   * this app. DataLoad targets are checked against them.
   */
  readonly pathsInDataset?: string[];
  /**
   * The dataset as a pod volume: the PersistentVolumeClaim Fluid creates, named like the dataset. A workload of
   * another namespace mounting it is an error at synth.
   * @param readOnly mount the claim read-only (default: true, unless the access mode is READ_WRITE_MANY)
   */
  volume(readOnly?: boolean): PodVolume;
  /** Mounts the dataset at `path` in a container: `volumeMounts: [dataset.volumeMount('/data')]`. */
  volumeMount(path: string, options?: DatasetVolumeMountOptions): PodVolumeMount;
}

/** The PVC volume of `dataset` (shared by Dataset and imported datasets). */
export function datasetVolume(dataset: IDataset, readOnly: boolean | undefined): PodVolume {
  const ro = readOnly ?? dataset.readOnly;
  if (!ro && dataset.readOnly) {
    invalid(dataset, 'volume.readOnly', false, `dataset '${dataset.name}' is ReadOnlyMany; set accessMode: DatasetAccessMode.READ_WRITE_MANY to write to it`);
  }
  const volume = PodVolume.fromPersistentVolumeClaim(dataset.name, dataset.name, ro || undefined);
  // the PVC lives in the dataset's namespace: every workload checks at synth that its pods are in it too
  if (dataset.namespace !== undefined) volume._origin = { namespace: dataset.namespace, description: `dataset '${dataset.name}'` };
  return volume;
}

/** The mount of `dataset` at `path` (shared by Dataset and imported datasets). */
export function datasetVolumeMount(dataset: IDataset, path: string, options: DatasetVolumeMountOptions = {}): PodVolumeMount {
  const ro = options.readOnly ?? dataset.readOnly;
  return { volume: datasetVolume(dataset, ro), path, readOnly: ro, subPath: options.subPath };
}
