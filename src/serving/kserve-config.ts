import { Construct, IConstruct } from 'constructs';
import { checkProps, Is } from '../core/checks';
import { PlatformContext } from '../core/context';
import { checkInteger, invalid } from '../core/errors';
import { ResourceNames } from '../core/names';

/** Registry key of the app's KServeConfig. */
const KSERVE_CONFIG = 'kserve-config';

/**
 * How KServe deploys an InferenceService (annotation `serving.kserve.io/deploymentMode`).
 * The mode decides which fields KServe honours, so this library validates against it.
 */
export enum DeploymentMode {
  /**
   * Knative Serving (formerly "Serverless"): revisions, request-based autoscaling (KPA) with scale-to-zero,
   * and `canaryTrafficPercent` rollouts. Needs Knative Serving and a networking layer.
   */
  KNATIVE = 'Knative',
  /**
   * Plain Kubernetes (formerly "RawDeployment"): Deployment, Service, HPA or KEDA. No revisions; canaries
   * are separate predictors listed in `spec.canary`.
   */
  STANDARD = 'Standard',
  /** ModelMesh: many models packed into shared multi-model runtime pods (separate ModelMesh controller). */
  MODEL_MESH = 'ModelMesh',
}

/** Props of {@link KServeConfig}: the settings of the cluster's KServe installation that change what is valid. */
export interface KServeConfigProps {
  /**
   * Whether modelcars are on: `storageUri: oci://...` serves a model packaged in an OCI image
   * (`storageInitializer.enableModelcar` in the `inferenceservice-config` ConfigMap).
   * @default true - as shipped in KServe v0.20.0
   */
  readonly enableModelcar?: boolean;
  /**
   * User id KServe runs the modelcar sidecar and the model server as (`storageInitializer.uidModelcar`).
   * @default 1010 - as shipped in KServe v0.20.0
   */
  readonly uidModelcar?: number;
  /**
   * Deployment mode used when an InferenceService sets none (`deploy.defaultDeploymentMode`).
   * @default DeploymentMode.KNATIVE - KServe v0.20.0 ships "Serverless", i.e. Knative
   */
  readonly defaultDeploymentMode?: DeploymentMode;
  /**
   * Annotation that names the Secret with storage credentials (`credentials.storageSecretNameAnnotation`).
   * @default 'serving.kserve.io/storageSecretName'
   */
  readonly storageSecretNameAnnotation?: string;
}

/**
 * The configuration of the KServe installation the app's InferenceServices and modelcar images target
 * (the `inferenceservice-config` ConfigMap of KServe v0.20.0). It emits nothing: it records the settings
 * so that mistakes that KServe would silently ignore, such as an `oci://` model with modelcars switched off,
 * are errors at synth time. Without one, the defaults KServe v0.20.0 ships with apply.
 */
export class KServeConfig extends Construct {
  /** Annotation KServe v0.20.0 reads the storage Secret name from. */
  public static readonly DEFAULT_STORAGE_SECRET_ANNOTATION = 'serving.kserve.io/storageSecretName';
  /** Modelcar user id of KServe v0.20.0. */
  public static readonly DEFAULT_UID_MODELCAR = 1010;

  /**
   * The KServe configuration declared in the app of `scope`, if exactly one is declared. Configurations register
   * themselves when constructed (no tree scan), so the answer is final once the whole app is declared: the library
   * reads it at synth, whatever the declaration order.
   * @returns undefined when the app declares none (KServe's defaults apply)
   */
  public static of(scope: IConstruct): KServeConfig | undefined {
    const found = PlatformContext.of(scope).list<KServeConfig>(KSERVE_CONFIG);
    return found.length === 1 ? found[0] : undefined;
  }

  /** Whether modelcars (`oci://` storage URIs) are on. */
  public readonly enableModelcar: boolean;
  /** User id of the modelcar sidecar and model server. */
  public readonly uidModelcar: number;
  /** Mode of InferenceServices that set none. */
  public readonly defaultDeploymentMode: DeploymentMode;
  /** Annotation naming the storage credentials Secret. */
  public readonly storageSecretNameAnnotation: string;

  constructor(scope: Construct, id: string, props: KServeConfigProps = {}) {
    super(scope, id);
    checkProps(this, props, {
      enableModelcar: Is.boolean(),
      uidModelcar: Is.integer(1, 2147483647),
      defaultDeploymentMode: Is.enumOf(DeploymentMode, 'DeploymentMode'),
      storageSecretNameAnnotation: Is.string(),
    });
    props = props ?? {};
    this.enableModelcar = props.enableModelcar ?? true;
    this.uidModelcar = props.uidModelcar ?? KServeConfig.DEFAULT_UID_MODELCAR;
    this.defaultDeploymentMode = props.defaultDeploymentMode ?? DeploymentMode.KNATIVE;
    this.storageSecretNameAnnotation = props.storageSecretNameAnnotation ?? KServeConfig.DEFAULT_STORAGE_SECRET_ANNOTATION;
    checkInteger(this, 'uidModelcar', props.uidModelcar, 1);
    if (!ResourceNames.isQualifiedName(this.storageSecretNameAnnotation)) {
      invalid(this, 'storageSecretNameAnnotation', this.storageSecretNameAnnotation, "must be an annotation key such as 'serving.kserve.io/storageSecretName'");
    }
    // the second KServeConfig of an app fails, whichever is declared first
    const others = PlatformContext.of(this).list<KServeConfig>(KSERVE_CONFIG);
    if (others.length) {
      invalid(this, 'KServeConfig', others[0].node.path, 'an app targets one KServe installation; declare a single KServeConfig');
    }
    PlatformContext.of(this).register(KSERVE_CONFIG, this);
  }
}

/** @internal Resolved KServe settings for `scope`: the explicit config, the app's one, or KServe's defaults. */
export interface ResolvedKServeConfig {
  readonly enableModelcar: boolean;
  readonly uidModelcar: number;
  readonly defaultDeploymentMode: DeploymentMode;
  readonly storageSecretNameAnnotation: string;
  readonly path?: string;
}

/** @internal */
export function resolveKServeConfig(scope: IConstruct, explicit?: KServeConfig): ResolvedKServeConfig {
  const c = explicit ?? KServeConfig.of(scope);
  return c ? {
    enableModelcar: c.enableModelcar,
    uidModelcar: c.uidModelcar,
    defaultDeploymentMode: c.defaultDeploymentMode,
    storageSecretNameAnnotation: c.storageSecretNameAnnotation,
    path: c.node.path,
  } : {
    enableModelcar: true,
    uidModelcar: KServeConfig.DEFAULT_UID_MODELCAR,
    defaultDeploymentMode: DeploymentMode.KNATIVE,
    storageSecretNameAnnotation: KServeConfig.DEFAULT_STORAGE_SECRET_ANNOTATION,
  };
}
