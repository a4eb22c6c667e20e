// Public API of src/platform/ (one export line per construct file).
export { AiPlatform } from './ai-platform';
export type { AiPlatformGpuPoolProps, AiPlatformProps } from './ai-platform';
export { ArgoCdHealthChecks, ArgoCdHealthStatus } from './argocd-health';
export type { ArgoCdHealthChecksProps } from './argocd-health';
export { FluxSourceKind, GitOpsOutput } from './gitops';
export type { ArgoCdSyncWavesOptions, FluxKustomizationsOptions, SynthesizedFile } from './gitops';
export { PlatformApp } from './platform-app';
export type { PlatformAppProps } from './platform-app';
export { PlatformNamespace } from './platform-namespace';
export type { NamespacePodSecurity, PlatformNamespaceOptions, PlatformNamespaceProps, PodSecurityRequirement } from './platform-namespace';
export { PlatformTesting } from './testing';
export type { PlatformTestingOptions } from './testing';
export { PlatformTier, PlatformTiers } from './tiers';
export { PlatformController } from './platform-controller';
export type { PlatformControllerProps } from './platform-controller';
