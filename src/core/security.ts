import { IConstruct } from 'constructs';
import { checkProps, Is } from './checks';
import { invalid } from './errors';

/** Kubernetes Pod Security Standards levels. */
export enum PodSecurityLevel {
  /** Hardened: non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp. The default. */
  RESTRICTED = 'restricted',
  /** Minimal restrictions that still prevent known privilege escalations. */
  BASELINE = 'baseline',
  /** Unrestricted. */
  PRIVILEGED = 'privileged',
}

/** Annotation recording an explicit opt-out of the restricted Pod Security Standard, with its reason. */
export const POD_SECURITY_ANNOTATION = 'ai-platform.cdk8s.io/pod-security';
/** Annotation holding the reason for an opt-out. */
export const POD_SECURITY_REASON_ANNOTATION = 'ai-platform.cdk8s.io/pod-security-reason';

/**
 * The security context of a workload's pods.
 *
 * By default pods meet the Kubernetes "restricted" Pod Security Standard: `runAsNonRoot`,
 * a non-root numeric user, `allowPrivilegeEscalation: false`, all capabilities dropped and the
 * `RuntimeDefault` seccomp profile. Opting out is explicit and must give a reason, which is
 * recorded on the workload as the annotations `ai-platform.cdk8s.io/pod-security` and
 * `ai-platform.cdk8s.io/pod-security-reason`.
 */
/**
 * Annotations that record a workload's explicit Pod Security opt-out on its objects and pods.
 */
export class PodSecurityAnnotations {
  /** The level the pods are built to meet when it is not restricted (`baseline` or `privileged`). */
  public static readonly LEVEL = POD_SECURITY_ANNOTATION;
  /** Why the workload cannot run restricted. */
  public static readonly REASON = POD_SECURITY_REASON_ANNOTATION;

  private constructor() {}
}

export interface PodSecurityOptions {
  /**
   * The Pod Security Standard the pods are built to meet. Anything but RESTRICTED is an opt-out and
   * needs `optOutReason`.
   * @default PodSecurityLevel.RESTRICTED
   */
  readonly level?: PodSecurityLevel;
  /**
   * Why the workload cannot run under the restricted standard (required for BASELINE and PRIVILEGED).
   * @default - none
   */
  readonly optOutReason?: string;
  /**
   * User ID the containers run as.
   * @default 1000
   */
  readonly runAsUser?: number;
  /**
   * Group ID the containers run as.
   * @default - same as runAsUser
   */
  readonly runAsGroup?: number;
  /**
   * Group that owns mounted volumes.
   * @default - same as runAsGroup
   */
  readonly fsGroup?: number;
  /**
   * Mount the root filesystem read-only (write to volumes only).
   * @default false
   */
  readonly readOnlyRootFilesystem?: boolean;
}

/** @internal */
export class PodSecurity {
  public readonly level: PodSecurityLevel;
  private readonly options: PodSecurityOptions;
  constructor(options: PodSecurityOptions = {}) {
    this.options = options ?? {};
    this.level = this.options.level ?? PodSecurityLevel.RESTRICTED;
  }

  public validate(scope: IConstruct, field: string): void {
    const o = this.options;
    checkProps(scope, o, { level: Is.enumOf(PodSecurityLevel, 'PodSecurityLevel'), optOutReason: Is.string() }, `${field}.`);
    if (this.level !== PodSecurityLevel.RESTRICTED && !o.optOutReason?.trim()) {
      invalid(scope, `${field}.optOutReason`, o.optOutReason, `an opt-out to the '${this.level}' Pod Security Standard must say why (set optOutReason)`);
    }
    checkProps(scope, o, {
      runAsUser: Is.integer(0, 2147483647),
      runAsGroup: Is.integer(0, 2147483647),
      fsGroup: Is.integer(0, 2147483647),
      readOnlyRootFilesystem: Is.boolean(),
    }, `${field}.`);
    if (this.level === PodSecurityLevel.RESTRICTED && o.runAsUser === 0) {
      invalid(scope, `${field}.runAsUser`, 0, 'the restricted Pod Security Standard forbids running as root (uid 0)');
    }
  }

  public podSecurityContext(): any {
    if (this.level === PodSecurityLevel.PRIVILEGED) {
      return undefined;
    }
    const uid = this.options.runAsUser ?? 1000;
    const gid = this.options.runAsGroup ?? uid;
    return {
      runAsNonRoot: uid !== 0 ? true : undefined,
      runAsUser: uid,
      runAsGroup: gid,
      fsGroup: this.options.fsGroup ?? gid,
      seccompProfile: { type: 'RuntimeDefault' },
    };
  }

  public containerSecurityContext(): any {
    if (this.level === PodSecurityLevel.PRIVILEGED) {
      return undefined;
    }
    return {
      allowPrivilegeEscalation: this.level === PodSecurityLevel.RESTRICTED ? false : undefined,
      capabilities: this.level === PodSecurityLevel.RESTRICTED ? { drop: ['ALL'] } : undefined,
      readOnlyRootFilesystem: this.options.readOnlyRootFilesystem ?? false,
      runAsNonRoot: this.level === PodSecurityLevel.RESTRICTED ? true : undefined,
    };
  }

  /** Annotations recording an opt-out (none for RESTRICTED). */
  public annotations(): { [key: string]: string } {
    if (this.level === PodSecurityLevel.RESTRICTED) return {};
    return { [POD_SECURITY_ANNOTATION]: this.level, [POD_SECURITY_REASON_ANNOTATION]: this.options.optOutReason ?? '' };
  }
}
