import { IConstruct } from 'constructs';
import { PlatformContext } from '../core/context';
import { invalid } from '../core/errors';
import { PodVolume, PodVolumeMount } from '../core/volume';
import { IWorkload } from '../core/workload';

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

/** The datasets behind the pod volumes their `volume()` returned. */
const DATASET_VOLUMES = new WeakMap<PodVolume, IDataset>();

/** The PVC volume of `dataset` (shared by Dataset and imported datasets). */
export function datasetVolume(dataset: IDataset, readOnly: boolean | undefined): PodVolume {
  const ro = readOnly ?? dataset.readOnly;
  if (!ro && dataset.readOnly) {
    invalid(dataset, 'volume.readOnly', false, `dataset '${dataset.name}' is ReadOnlyMany; set accessMode: DatasetAccessMode.READ_WRITE_MANY to write to it`);
  }
  const volume = PodVolume.fromPersistentVolumeClaim(dataset.name, dataset.name, ro || undefined);
  DATASET_VOLUMES.set(volume, dataset);
  return volume;
}

/** The mount of `dataset` at `path` (shared by Dataset and imported datasets). */
export function datasetVolumeMount(dataset: IDataset, path: string, options: DatasetVolumeMountOptions = {}): PodVolumeMount {
  const ro = options.readOnly ?? dataset.readOnly;
  return { volume: datasetVolume(dataset, ro), path, readOnly: ro, subPath: options.subPath };
}

/**
 * Checks at synth that the workload's pods mount datasets of its own namespace only: Fluid's PersistentVolumeClaim
 * lives in the dataset's namespace, and a pod of another namespace stays Pending. The field named is the mount's
 * user-facing path (through the pod templates' field names). Known only when both namespaces are.
 * @internal
 */
export function checkDatasetNamespaces(workload: IWorkload): void {
  PlatformContext.of(workload).check(() => {
    const namespace = workload.namespace;
    if (namespace === undefined) return;
    for (const template of workload.podTemplates) {
      template.containers.forEach((c, i) => (c.volumeMounts ?? []).forEach((m, j) => {
        const dataset = m?.volume ? DATASET_VOLUMES.get(m.volume) : undefined;
        if (dataset === undefined || dataset.namespace === undefined || dataset.namespace === namespace) return;
        invalid(workload, template._field(`containers[${i}].volumeMounts[${j}].volume`), dataset.name,
          `dataset '${dataset.name}' is in namespace '${dataset.namespace}' and its PersistentVolumeClaim can be mounted only by pods of that namespace, not '${namespace}'`);
      }));
    }
  });
}
