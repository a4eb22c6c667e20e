/**
 * How each operator's install is rendered from its pinned Go module (src/core/versions.ts), offline.
 *
 * A recipe renders one or more parts (a kustomization or a Helm chart of the module, copied into a scratch folder
 * first so that a part can be prepared: a local render replacing a remote base, a Chart.yaml the release tool would
 * have written). The parts' objects are concatenated, then the recipe's image fixes are applied: every occurrence
 * of an image name in the render (pod specs, container args, ConfigMap payloads) gets the released name and tag,
 * and each fix must match at least once, so that an upstream change cannot silently leave a stale image behind.
 *
 * Facts behind each choice (which install path is current, which images are stale, what fails offline) are
 * in docs/operators.md.
 */
import * as fs from 'fs';
import * as path from 'path';
import { upstreamPin } from '../../src/core/versions';

/** The Go module version (release tag) of a pin. */
const tag = (pin: string) => upstreamPin(pin).goModuleVersion;

/** One image fix: `name[:tag|@digest]` becomes `newName:newTag` wherever it occurs. */
export interface ImageFix {
  readonly name: string;
  readonly newName?: string;
  readonly newTag: string;
}

/** Given to a part's `prepare`: the scratch folder and a way to render another recipe's part. */
export interface PrepareContext {
  /** The scratch copy of the part's `copy` folder. */
  readonly work: string;
  /** Root of a pinned module in the Go module cache (downloaded on demand). */
  moduleDir(pinId: string): string;
  /** The YAML of a kustomization folder. */
  kustomize(dir: string): string;
}

export interface RenderPart {
  /** Pin id of the module the part comes from. */
  readonly pin: string;
  readonly tool: 'kustomize' | 'helm';
  /** Folder of the module copied to the scratch folder (the kustomization's load root). */
  readonly copy: string;
  /** The kustomization or chart folder, relative to `copy`. */
  readonly dir: string;
  /** Helm release name. */
  readonly release?: string;
  /** Helm `--set` values. */
  readonly set?: string[];
  /** Changes the scratch copy before rendering. */
  readonly prepare?: (ctx: PrepareContext) => void;
}

export interface RenderRecipe {
  /** Id of the render (file `installs/<id>.json`), also the operator name of its install construct. */
  readonly id: string;
  /** Pin id whose version the render is of. */
  readonly pin: string;
  /** Namespace the operator is rendered into. */
  readonly namespace: string;
  readonly parts: RenderPart[];
  readonly images: ImageFix[];
}

function writeFile(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

export const RECIPES: RenderRecipe[] = [
  {
    // The chart's CRDs are templates behind `crds.enabled`; its Chart.yaml is written by cert-manager's release tool
    // from Chart.template.yaml, with the release version as appVersion (the default tag of every image).
    id: 'cert-manager',
    pin: 'cert-manager',
    namespace: 'cert-manager',
    parts: [{
      pin: 'cert-manager',
      tool: 'helm',
      copy: 'deploy/charts/cert-manager',
      dir: '.',
      release: 'cert-manager',
      set: ['crds.enabled=true', 'startupapicheck.enabled=false'],
      prepare: ({ work }) => {
        const template = fs.readFileSync(path.join(work, 'Chart.template.yaml'), 'utf-8');
        writeFile(path.join(work, 'Chart.yaml'), template
          .replace('{{IS_PRERELEASE}}', 'false')
          .replace(/^version: .*$/m, `version: ${tag('cert-manager')}`)
          .replace(/^appVersion: .*$/m, `appVersion: ${tag('cert-manager')}`));
      },
    }],
    images: [],
  },
  {
    // Helm kserve-crd + kserve-resources: images already released (v0.20.0); needs cert-manager (a Certificate and
    // an Issuer, and CA injection into the webhooks and the InferenceService CRD's conversion webhook).
    id: 'kserve',
    pin: 'kserve',
    namespace: 'kserve',
    parts: [
      { pin: 'kserve', tool: 'helm', copy: 'charts/kserve-crd', dir: '.', release: 'kserve-crd' },
      { pin: 'kserve', tool: 'helm', copy: 'charts', dir: 'kserve-resources', release: 'kserve' },
    ],
    images: [],
  },
  {
    // kustomize config/default; its image is the staging build of main.
    id: 'kueue',
    pin: 'kueue',
    namespace: 'kueue-system',
    parts: [{ pin: 'kueue', tool: 'kustomize', copy: 'config', dir: 'default' }],
    images: [{ name: 'us-central1-docker.pkg.dev/k8s-staging-images/kueue/kueue', newName: 'registry.k8s.io/kueue/kueue', newTag: tag('kueue') }],
  },
  {
    id: 'training-operator',
    pin: 'training-operator',
    namespace: 'kubeflow',
    parts: [{ pin: 'training-operator', tool: 'kustomize', copy: 'manifests', dir: 'overlays/standalone' }],
    images: [],
  },
  {
    // overlays/manager pulls JobSet from a GitHub release asset (fails offline): the local render of the pinned
    // JobSet module's config/default replaces it, which the overlay then treats exactly like the release asset
    // (namespace removed, staging image renamed to registry.k8s.io/jobset/jobset:v0.12.0).
    id: 'trainer',
    pin: 'trainer',
    namespace: 'kubeflow-system',
    parts: [{
      pin: 'trainer',
      tool: 'kustomize',
      copy: 'manifests',
      dir: 'overlays/manager',
      prepare: ({ work, moduleDir, kustomize }) => {
        const jobset = path.join(work, 'third-party', 'jobset');
        const scratch = path.join(work, '..', 'jobset-config');
        fs.cpSync(path.join(moduleDir('jobset'), 'config'), scratch, { recursive: true });
        fs.chmodSync(scratch, 0o755);
        writeFile(path.join(jobset, 'manifests.yaml'), kustomize(path.join(scratch, 'default')));
        const k = path.join(jobset, 'kustomization.yaml');
        const text = fs.readFileSync(k, 'utf-8');
        const remote = `https://github.com/kubernetes-sigs/jobset/releases/download/${tag('jobset')}/manifests.yaml`;
        if (!text.includes(remote)) throw new Error(`trainer: ${k} no longer names ${remote}; update the recipe`);
        fs.writeFileSync(k, text.replace(remote, 'manifests.yaml'));
      },
    }],
    images: [],
  },
  {
    // The built-in ClusterTrainingRuntimes (torch-distributed, deepspeed, mlx, jax ...), a separate kustomization.
    id: 'trainer-runtimes',
    pin: 'trainer',
    namespace: 'kubeflow-system',
    parts: [{ pin: 'trainer', tool: 'kustomize', copy: 'manifests', dir: 'overlays/runtimes' }],
    images: [],
  },
  {
    // katib-standalone: controller, DB manager, MySQL (with a PVC), UI; the controller makes its webhook cert.
    id: 'katib',
    pin: 'katib',
    namespace: 'kubeflow',
    parts: [{ pin: 'katib', tool: 'kustomize', copy: 'manifests/v1beta1', dir: 'installs/katib-standalone' }],
    images: [],
  },
  {
    // The Helm chart: the kustomize config/default is a stale scaffold (image v2.5.0-rc.0, conversion stanzas).
    id: 'spark-operator',
    pin: 'spark-operator',
    namespace: 'spark-operator',
    parts: [{
      pin: 'spark-operator',
      tool: 'helm',
      copy: 'charts/spark-operator-chart',
      dir: '.',
      release: 'spark-operator',
      set: ['spark.jobNamespaces={default}'],
    }],
    images: [],
  },
  {
    // cluster-install (full CRDs: apply them server-side); every image is :latest in git, stamped at release.
    id: 'argo-workflows',
    pin: 'argo-workflows',
    namespace: 'argo',
    parts: [{
      pin: 'argo-workflows',
      tool: 'kustomize',
      copy: 'manifests',
      dir: 'cluster-install-ns',
      prepare: ({ work }) => {
        // upstream's quick-start puts cluster-install in namespace `argo`
        writeFile(path.join(work, 'cluster-install-ns', 'kustomization.yaml'),
          'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: argo\nresources:\n- ../cluster-install\n' +
          '- namespace.yaml\n');
        writeFile(path.join(work, 'cluster-install-ns', 'namespace.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: argo\n');
      },
    }],
    images: [
      { name: 'quay.io/argoproj/workflow-controller', newTag: tag('argo-workflows') },
      { name: 'quay.io/argoproj/argocli', newTag: tag('argo-workflows') },
    ],
  },
  {
    id: 'argo-events',
    pin: 'argo-events',
    namespace: 'argo-events',
    parts: [{
      pin: 'argo-events',
      tool: 'kustomize',
      copy: 'manifests',
      dir: 'cluster-install-ns',
      prepare: ({ work }) => {
        writeFile(path.join(work, 'cluster-install-ns', 'kustomization.yaml'),
          'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ../cluster-install\n' +
          '- ../extensions/validating-webhook\n');
      },
    }],
    images: [],
  },
  {
    id: 'fluid',
    pin: 'fluid',
    namespace: 'fluid-system',
    parts: [{ pin: 'fluid', tool: 'helm', copy: 'charts/fluid/fluid', dir: '.', release: 'fluid' }],
    images: [],
  },
  {
    id: 'nvidia-device-plugin',
    pin: 'nvidia-device-plugin',
    namespace: 'nvidia-device-plugin',
    parts: [{
      pin: 'nvidia-device-plugin',
      tool: 'helm',
      copy: 'deployments/helm/nvidia-device-plugin',
      dir: '.',
      release: 'nvidia-device-plugin',
    }],
    images: [],
  },
  {
    // karpenter-crd + karpenter (the controller chart's crds/ are symlinks, absent from the module zip). The chart
    // at v1.14.1 still names the 1.13.0 image by digest. The cluster name is required; the install sets it.
    id: 'karpenter',
    pin: 'karpenter',
    namespace: 'kube-system',
    parts: [
      { pin: 'karpenter', tool: 'helm', copy: 'charts/karpenter-crd', dir: '.', release: 'karpenter-crd' },
      {
        pin: 'karpenter',
        tool: 'helm',
        copy: 'charts/karpenter',
        dir: '.',
        release: 'karpenter',
        set: ['settings.clusterName=CLUSTER_NAME', `controller.image.tag=${upstreamPin('karpenter').version}`, 'controller.image.digest='],
      },
    ],
    images: [],
  },
];
