/**
 * The talk's whole platform in one app: every operator (with cert-manager for KServe), team namespaces whose Pod
 * Security labels follow from what runs in them, a Karpenter GPU pool with its device plugin, Kueue queues, and one
 * workload of each kind the library offers. Synthesized for Argo CD (sync waves by tier) with the Argo CD health
 * checks for the kinds Argo CD does not know; README.md shows the Flux and directory-per-tier layouts.
 *
 *   npm run synth -- platform
 */
import { buildPlatformApp } from './platform';
import { GitOpsOutput, PlatformApp } from '../../src';

buildPlatformApp(new PlatformApp({ gitOps: GitOpsOutput.argoCdSyncWaves() })).synth();
