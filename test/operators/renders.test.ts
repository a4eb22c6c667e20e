import * as fs from 'fs';
import * as path from 'path';
import { RECIPES } from '../../scripts/render/recipes';
import { UPSTREAM_PINS, upstreamPin } from '../../src/core/versions';
import { registryOf } from '../../src/operators/images';
import { argoCdHealthChecksDir, loadRender, renderDirs } from '../../src/operators/render-cache';

/** Tags that move (`:latest`, branch builds) or are not releases. */
const MOVING_TAG = /:(latest|main|master|release-[0-9.]+|nightly|dev)$/;
/** Registries of pre-release builds. */
const STAGING = /k8s-staging|staging-images|gcr\.io\/k8s-staging/;

/** The release tag each operator's own images must carry (its own repository prefix → tag). */
const OWN_IMAGES: Record<string, Array<[RegExp, string]>> = {
  'cert-manager': [[/^quay\.io\/jetstack\/cert-manager-/, 'v1.19.2']],
  'kserve': [[/^kserve\//, 'v0.20.0']],
  'kueue': [[/^registry\.k8s\.io\/kueue\//, 'v0.19.2']],
  'training-operator': [[/^ghcr\.io\/kubeflow\/training-v1\//, 'v1-93c5489']],
  'trainer': [[/^ghcr\.io\/kubeflow\/trainer\//, 'v2.3.0'], [/^registry\.k8s\.io\/jobset\//, 'v0.12.0']],
  'trainer-runtimes': [[/^ghcr\.io\/kubeflow\/trainer\//, 'v2.3.0']],
  'katib': [[/^ghcr\.io\/kubeflow\/katib\//, 'v0.19.0']],
  'spark-operator': [[/^ghcr\.io\/kubeflow\/spark-operator\//, '2.5.2']],
  'argo-workflows': [[/^quay\.io\/argoproj\//, 'v4.1.4']],
  'argo-events': [[/^quay\.io\/argoproj\//, 'v1.9.11']],
  'fluid': [[/^fluidcloudnative\/(?!csi-node-driver-registrar)/, 'v1.0.8-6533239']],
  'nvidia-device-plugin': [[/^nvcr\.io\/nvidia\/k8s-device-plugin/, 'v0.19.3']],
  'karpenter': [[/^public\.ecr\.aws\/karpenter\//, '1.14.1']],
};

describe.each(RECIPES.map(r => r.id))('render %s', id => {
  const render = loadRender(id);

  test('is of the pinned version', () => {
    const recipe = RECIPES.find(r => r.id === id)!;
    expect(render.version).toBe(upstreamPin(recipe.pin).version);
    expect(render.objects.length).toBeGreaterThan(0);
  });

  test('images are pinned releases: no moving tag, no staging registry, the operator\'s own at its release', () => {
    const all = [...render.images, ...render.configImages];
    expect(render.images.length).toBeGreaterThan(0);
    for (const image of all) {
      expect({ image, moving: MOVING_TAG.test(image) }).toEqual({ image, moving: false });
      expect({ image, staging: STAGING.test(image) }).toEqual({ image, staging: false });
    }
    for (const image of render.images) {
      // every pod image names a tag or digest
      expect({ image, tagged: /:[A-Za-z0-9_.-]+$|@sha256:[0-9a-f]{64}$/.test(image.slice((registryOf(image) ?? '').length)) }).toEqual({ image, tagged: true });
    }
    for (const [prefix, tag] of OWN_IMAGES[id]) {
      const own = all.filter(i => prefix.test(i));
      expect(own.length).toBeGreaterThan(0);
      for (const image of own) {
        if (!image.includes(':')) continue; // KServe's explainer image: its tag is defaultImageVersion, checked below
        expect(image.endsWith(`:${tag}`)).toBe(true);
      }
    }
  });

  test('namespaced objects are in a namespace, cluster-scoped ones in none', () => {
    const clusterKinds = ['Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding', 'PriorityClass', 'APIService',
      'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'CSIDriver', 'ClusterStorageContainer', 'ClusterTrainingRuntime'];
    for (const o of render.objects) {
      expect({ obj: `${o.kind}/${o.metadata.name}`, namespaced: o.metadata.namespace !== undefined })
        .toEqual({ obj: `${o.kind}/${o.metadata.name}`, namespaced: !clusterKinds.includes(o.kind) });
    }
  });
});

test('KServe\'s explainer image carries the release as defaultImageVersion', () => {
  const cm = loadRender('kserve').objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === 'inferenceservice-config');
  expect(JSON.parse(cm.data.explainers).art).toEqual({ image: 'kserve/art-explainer', defaultImageVersion: 'v0.20.0' });
});

test('the device plugin render runs the image the NvidiaDevicePlugin construct pins', () => {
  expect(loadRender('nvidia-device-plugin').images).toEqual([`nvcr.io/nvidia/k8s-device-plugin:v${upstreamPin('nvidia-device-plugin').version}`]);
});

test('every recipe renders a pinned module, and every render file has a recipe', () => {
  for (const r of RECIPES) {
    expect(UPSTREAM_PINS.some(p => p.id === r.pin)).toBe(true);
    for (const part of r.parts) expect(UPSTREAM_PINS.some(p => p.id === part.pin)).toBe(true);
  }
  const dir = renderDirs().find(d => fs.existsSync(d))!;
  const files = fs.readdirSync(dir).filter(f => f.endsWith('.json')).map(f => path.basename(f, '.json')).sort();
  expect(files).toEqual(RECIPES.map(r => r.id).sort());
});

test('Argo CD\'s built-in health checks are extracted', () => {
  const dir = argoCdHealthChecksDir()!;
  expect(fs.existsSync(path.join(dir, 'serving.kserve.io', 'InferenceService', 'health.lua'))).toBe(true);
  expect(fs.existsSync(path.join(dir, 'sparkoperator.k8s.io', 'SparkApplication', 'health.lua'))).toBe(true);
});

test('renders are looked up in CDK8S_AI_PLATFORM_UPSTREAM_CACHE, then the repository cache, then the package folder', () => {
  const before = process.env.CDK8S_AI_PLATFORM_UPSTREAM_CACHE;
  try {
    process.env.CDK8S_AI_PLATFORM_UPSTREAM_CACHE = '/opt/aip-cache';
    const root = path.resolve(__dirname, '..', '..');
    expect(renderDirs()).toEqual(['/opt/aip-cache/installs', path.join(root, '.upstream-cache', 'installs'), path.join(root, 'upstream-installs', 'installs')]);
  } finally {
    if (before === undefined) delete process.env.CDK8S_AI_PLATFORM_UPSTREAM_CACHE;
    else process.env.CDK8S_AI_PLATFORM_UPSTREAM_CACHE = before;
  }
});
