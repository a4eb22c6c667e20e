import { ApiObject, Lazy, Size } from 'cdk8s';
import { Cpu, ImagePullPolicy, RestartPolicy } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { KServeConfig, resolveKServeConfig } from './kserve-config';
import { StorageScheme, StorageUri } from './storage-uri';
import { checkWorkloadProps, Is, NODE_POOL_RULE } from '../core/checks';
import { ContainerSpec, isImageReference } from '../core/container';
import { PlatformContext } from '../core/context';
import { EnvVarValue } from '../core/env';
import { checkInteger, invalid } from '../core/errors';
import { checkDns1123Subdomain } from '../core/names';
import { INodePool } from '../core/node-pool';
import { PodTemplate, prune } from '../core/pod-template';
import { ComputeResources } from '../core/resources';
import { BATCH_JOB_STATUS, StatusContract } from '../core/status-contract';
import { upstreamPin } from '../core/versions';
import { PodVolume } from '../core/volume';
import { placeWorkload, WorkloadBase, WorkloadMetadataProps } from '../core/workload';

/** Pre-pulls a modelcar image on every node of a serving pool, so a new replica starts without pulling the model. */
export interface ModelcarPrePull {
  /** The pool whose nodes serve the model. */
  readonly pool: INodePool;
  /**
   * Secret used to pull the image from a private registry (a read-only credential: the push secret is never
   * handed to serving nodes).
   * @default - none (public image, or node credentials such as an ECR-enabled node role)
   */
  readonly pullSecretName?: string;
  /**
   * Image of the idle container that keeps the DaemonSet pods running.
   * @default 'registry.k8s.io/pause:3.10'
   */
  readonly pauseImage?: string;
}

/**
 * Props of {@link ModelcarImage}. `name`, `namespace`, `labels` and `annotations` are those of the build Job (the
 * namespace is also that of the Secrets it uses; the label `app.kubernetes.io/component: modelcar-build` is added).
 */
export interface ModelcarImageProps extends WorkloadMetadataProps {
  /**
   * Where the model comes from: `StorageUri.huggingFace()`, `.s3()`, `.gcs()`, `.https()` (fetched with KServe's
   * storage initializer) or `.pvc()` (read from the claim).
   */
  readonly source: StorageUri;
  /** Image to build, with a tag: `registry.example.com/models/llama-2-7b-chat:1.0`. */
  readonly image: string;
  /** Secret of type `kubernetes.io/dockerconfigjson` with credentials to push to the registry. */
  readonly pushSecretName: string;
  /**
   * Digest of the pushed image (`sha256:...`, printed by the build), to pin InferenceServices to it.
   * @default - the image is referenced by tag
   */
  readonly digest?: string;
  /**
   * Daemonless image builder with a shell (`crane` from go-containerregistry: appends a layer and pushes,
   * without a daemon, root or privileges).
   * @default 'gcr.io/go-containerregistry/crane/debug:v0.20.6'
   */
  readonly builderImage?: string;
  /**
   * Base image of the modelcar; it needs `sh`, `ln`, `ls` and `sleep` (KServe's modelcar sidecar runs them).
   * @default 'busybox:1.37.0'
   */
  readonly baseImage?: string;
  /**
   * Image that fetches `hf://`, `s3://`, `gs://` and `https://` sources.
   * @default - KServe's storage initializer of the pinned version (`kserve/storage-initializer:v0.20.0`)
   */
  readonly fetchImage?: string;
  /**
   * Environment of the fetch step: credentials by reference (e.g. `HF_TOKEN`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`).
   * @default {}
   */
  readonly sourceEnv?: { [name: string]: EnvVarValue };
  /**
   * Service account of the build (e.g. an IRSA role to read S3).
   * @default - the namespace's default account, with no API token mounted
   */
  readonly serviceAccountName?: string;
  /**
   * Size limit of the scratch volume holding the model and the layer (about twice the model size).
   * @default - no limit
   */
  readonly scratchSize?: Size;
  /**
   * Resources of the fetch and build steps.
   * @default - 1 CPU, 2 GiB
   */
  readonly resources?: ComputeResources;
  /**
   * Retries of the build Job.
   * @default 2
   */
  readonly backoffLimit?: number;
  /**
   * Pre-pull the image on the serving pool's nodes.
   * @default - no pre-pull
   */
  readonly prePull?: ModelcarPrePull;
  /**
   * The KServe installation the image is served by (its modelcar uid owns the files; modelcars must be on).
   * @default - the KServeConfig declared in the app, or KServe v0.20.0's defaults
   */
  readonly kserve?: KServeConfig;
}

/**
 * Packages a model as an OCI image for KServe modelcars: an in-cluster Job fetches the model (or reads it from
 * a PVC), layers it under `/models` on a small base image as a non-root user with a daemonless builder, and
 * pushes it with a push Secret. `storageUri()` returns the matching `oci://` URI for an InferenceService, so the
 * two cannot disagree. Optionally a DaemonSet pre-pulls the image on the serving GPU pool.
 *
 * The build runs under the restricted Pod Security Standard: `crane` needs neither a daemon, root nor
 * privileges, unlike Docker, BuildKit, Buildah or Kaniko.
 */
export class ModelcarImage extends WorkloadBase {
  /** Default builder image. */
  public static readonly DEFAULT_BUILDER_IMAGE = 'gcr.io/go-containerregistry/crane/debug:v0.20.6';
  /** Default base image. */
  public static readonly DEFAULT_BASE_IMAGE = 'busybox:1.37.0';
  /**
   * How the build's state is read: its batch/v1 Job has succeeded when condition `Complete` is `"True"` and has
   * failed for good (after `backoffLimit` retries) when condition `Failed` is `"True"`.
   */
  public static readonly STATUS: StatusContract = BATCH_JOB_STATUS;

  /** Image reference served (with the digest when given). */
  public readonly imageRef: string;
  /** The build Job (the primary object). */
  public readonly apiObject: ApiObject;
  /** {@link ModelcarImage.STATUS}. */
  public readonly statusContract: StatusContract = ModelcarImage.STATUS;
  /** `build`: the container that layers and pushes the image. */
  public readonly primaryContainerName: string = 'build';
  /** The pre-pull DaemonSet, if any (a supporting object). */
  public readonly prePull?: ApiObject;

  private readonly props: ModelcarImageProps;
  private readonly buildTemplate: PodTemplate;
  private readonly prePullTemplate?: PodTemplate;

  constructor(scope: Construct, id: string, props: ModelcarImageProps) {
    super(scope, id, { ...props, labels: { ...(props?.labels ?? {}), 'app.kubernetes.io/component': 'modelcar-build' }, maxNameLength: 63 });
    checkWorkloadProps(this, props, {
      source: Is.required(Is.instance('_validate', "must be a StorageUri, e.g. StorageUri.huggingFace('org/model')")),
      image: Is.required(Is.string()),
      pushSecretName: Is.required(Is.string()),
      digest: Is.string(),
      builderImage: Is.string(),
      baseImage: Is.string(),
      fetchImage: Is.string(),
      sourceEnv: Is.present('must be a map of environment variable names to EnvVarValues'),
      scratchSize: Is.size(),
      resources: Is.shape({}, 'must be ComputeResources'),
      backoffLimit: Is.integer(0, 2147483647),
      prePull: Is.shape({ pool: Is.required(NODE_POOL_RULE), pullSecretName: Is.string(), pauseImage: Is.string() },
        'must be ModelcarPrePull: { pool, pullSecretName?, pauseImage? }'),
      kserve: Is.instance('enableModelcar', 'must be a KServeConfig'),
    });
    this.props = props;
    const name = this.name;
    checkDns1123Subdomain(this, 'name', name);
    const lastPart = props.image.split('/').pop() ?? '';
    if (!isImageReference(props.image) || !lastPart.includes(':') || lastPart.includes('@')) {
      invalid(this, 'image', props.image, "must be an image reference with a tag and no digest, e.g. 'registry.example.com/models/llama:1.0'");
    }
    if (props.digest !== undefined && !/^sha256:[0-9a-f]{64}$/.test(props.digest)) {
      invalid(this, 'digest', props.digest, "must be 'sha256:' followed by 64 lowercase hex digits");
    }
    checkDns1123Subdomain(this, 'pushSecretName', props.pushSecretName);
    checkInteger(this, 'backoffLimit', props.backoffLimit, 0);
    const source = props.source._validate(this, 'source');
    if (props.source.scheme === StorageScheme.OCI) {
      invalid(this, 'source', source, 'the model source must be hf://, s3://, gs://, https:// or a PVC');
    }
    for (const [field, image] of [['builderImage', props.builderImage], ['baseImage', props.baseImage], ['fetchImage', props.fetchImage]]) {
      if (image !== undefined && !isImageReference(image)) invalid(this, field!, image, 'must be an image reference');
    }
    this.imageRef = props.digest ? `${props.image}@${props.digest}` : props.image;
    // the files are written, and the layer owned, by the user KServe runs the modelcar and model server as: read from
    // the KServe configuration when rendering, so a KServeConfig declared after this image counts
    const uid = () => resolveKServeConfig(this, props.kserve).uidModelcar;

    const workspace = PodVolume.fromEmptyDir('workspace', { sizeLimit: props.scratchSize });
    const pushSecret = PodVolume.fromSecret('push-secret', props.pushSecretName);
    const resources: ComputeResources = props.resources ?? { cpu: Cpu.units(1), memory: Size.gibibytes(2) };
    let layerDir = '/workspace/layer';
    const initContainers: ContainerSpec[] = [];
    const extraMounts = [];
    if (props.source.scheme === StorageScheme.PVC) {
      const [claim, ...rest] = source.slice('pvc://'.length).split('/');
      const claimVolume = PodVolume.fromPersistentVolumeClaim('source', claim, true);
      extraMounts.push({ volume: claimVolume, path: '/source', readOnly: true });
      layerDir = `/source${rest.length ? `/${rest.join('/')}` : ''}`;
    } else {
      initContainers.push({
        name: 'fetch',
        image: props.fetchImage ?? `kserve/storage-initializer:v${upstreamPin('kserve').version}`,
        args: [source, '/workspace/layer/models'],
        env: { HOME: EnvVarValue.fromValue('/workspace/home'), ...(props.sourceEnv ?? {}) },
        resources,
        volumeMounts: [{ volume: workspace, path: '/workspace' }],
      });
    }
    const script = () => [
      'set -eu',
      'mkdir -p /workspace/docker /workspace/stage',
      'cp /push-secret/.dockerconfigjson /workspace/docker/config.json',
      'export DOCKER_CONFIG=/workspace/docker',
      props.source.scheme === StorageScheme.PVC
        ? `ln -s '${layerDir}' /workspace/stage/models && tar -chf /workspace/layer.tar -C /workspace/stage models`
        : 'tar -cf /workspace/layer.tar -C /workspace/layer models',
      `crane mutate '${props.baseImage ?? ModelcarImage.DEFAULT_BASE_IMAGE}' --append /workspace/layer.tar --user ${uid()} -t '${props.image}'`,
      `echo "pushed ${props.image}@$(crane digest '${props.image}')"`,
      'rm -f /workspace/layer.tar /workspace/docker/config.json',
    ].join('\n');
    this.buildTemplate = new PodTemplate({
      restartPolicy: RestartPolicy.NEVER,
      serviceAccountName: props.serviceAccountName,
      security: { get runAsUser() { return uid(); }, get runAsGroup() { return uid(); } },
      initContainers,
      containers: [{
        name: 'build',
        image: props.builderImage ?? ModelcarImage.DEFAULT_BUILDER_IMAGE,
        get command() { return ['/busybox/sh', '-c', script()]; },
        resources,
        volumeMounts: [
          { volume: workspace, path: '/workspace' },
          { volume: pushSecret, path: '/push-secret', readOnly: true },
          ...extraMounts,
        ],
      }],
    });
    this.buildTemplate._nameFields({
      '': '',
      'initContainers[0].env': 'sourceEnv',
      'initContainers[0].image': 'fetchImage',
      'initContainers[0].resources': 'resources',
      'containers[0].image': 'builderImage',
      'containers[0].resources': 'resources',
    });
    this.apiObject = this.createApiObject('batch/v1', 'Job');

    if (props.prePull) {
      this.prePullTemplate = this.prePullPod(props.prePull);
      this.prePull = this.renderPrePull(name, props, this.prePullTemplate);
    }
    this.renderSpec(); // validate eagerly
    // the DaemonSet is rendered at synth too; render it once before cdk8s serializes, so errors keep their type
    this.node.addValidation({ validate: () => { this.prePullTemplate?.toPodTemplateSpec(this, 'pause'); return []; } });

    PlatformContext.of(this).check(() => {
      const cfg = resolveKServeConfig(this, props.kserve);
      if (!cfg.enableModelcar) {
        invalid(this, 'image', props.image, `modelcars are switched off in the KServe configuration${cfg.path ? ` (${cfg.path})` : ''}, `
          + 'so KServe cannot serve this image: set enableModelcar: true');
      }
    });
  }

  /** The build's pod template, then the pre-pull DaemonSet's (rendered at synth: changes through them count). */
  public get podTemplates(): PodTemplate[] {
    return this.prePullTemplate ? [this.buildTemplate, this.prePullTemplate] : [this.buildTemplate];
  }

  protected renderSpec(): any {
    return { backoffLimit: this.props.backoffLimit ?? 2, template: this.buildTemplate.toPodTemplateSpec(this, 'build') };
  }

  /** The `oci://` storage URI of this image, for an InferenceService predictor. */
  public storageUri(): StorageUri {
    return StorageUri.oci(this.imageRef);
  }

  private prePullPod(prePull: ModelcarPrePull): PodTemplate {
    const pauseImage = prePull.pauseImage ?? 'registry.k8s.io/pause:3.10';
    const tiny: ComputeResources = { cpu: Cpu.millis(10), memory: Size.mebibytes(16) };
    const template = new PodTemplate({
      labels: this.prePullLabels(),
      imagePullSecrets: prePull.pullSecretName ? [prePull.pullSecretName] : undefined,
      initContainers: [{
        name: 'pull',
        image: this.imageRef,
        imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
        command: ['sh', '-c', 'ls /models > /dev/null'],
        resources: tiny,
      }],
      containers: [{ name: 'pause', image: pauseImage, resources: tiny }],
    });
    template._nameFields({ '': 'prePull', 'initContainers[0].image': 'image', 'containers[0].image': 'prePull.pauseImage' });
    placeWorkload(this, 'prePull.pool', template, prePull.pool);
    return template;
  }

  private prePullLabels(): { [key: string]: string } {
    return { 'app.kubernetes.io/name': `${this.name}-prepull`.slice(0, 63).replace(/-+$/, ''), 'app.kubernetes.io/component': 'modelcar-prepull' };
  }

  private renderPrePull(name: string, props: ModelcarImageProps, template: PodTemplate): ApiObject {
    const labels = this.prePullLabels();
    return new ApiObject(this, 'PrePull', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: prune({ name: `${name}-prepull`.slice(0, 63).replace(/-+$/, ''), namespace: props.namespace, labels }),
      spec: Lazy.any({ produce: () => ({ selector: { matchLabels: labels }, template: template.toPodTemplateSpec(this, 'pause') }) }),
    });
  }
}
