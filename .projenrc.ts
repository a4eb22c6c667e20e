import { cdk8s, javascript, JsonFile } from 'projen';

const project = new cdk8s.ConstructLibraryCdk8s({
  name: 'cdk8s-ai-platform',
  description: 'cdk8s constructs for a production AI platform on Kubernetes: Spark, Kubeflow training and tuning, KServe, Argo, Karpenter GPU pools and Kueue queues.',
  author: 'cdk8s-ai-platform maintainers',
  authorAddress: 'maintainers@users.noreply.cdk8s-ai-platform.example',
  repositoryUrl: 'https://github.com/cdk8s-ai-platform/cdk8s-ai-platform.git',
  defaultReleaseBranch: 'main',
  keywords: ['cdk8s', 'kubernetes', 'mlops', 'kubeflow', 'kserve', 'spark', 'karpenter', 'kueue', 'argo'],
  license: 'Apache-2.0',

  cdk8sVersion: '2.70.106',
  constructsVersion: '10.8.1',
  // TypeScript 5.x throughout: jsii 5.9 bundles TypeScript 5.9.
  jsiiVersion: '~5.9.0',
  typescriptVersion: '~5.9.3',
  packageManager: javascript.NodePackageManager.NPM,
  // Node 20 (20.19+) and the current LTS lines 22 and 24; the suite's Node 24 run: test/node24.
  minNodeVersion: '20.19.0',
  projenrcTs: true,

  // cdk8s-plus-28 gives typed core Kubernetes objects (its `k8s` namespace).
  deps: ['cdk8s-plus-28@^2.5.6'],
  peerDeps: ['cdk8s-plus-28@^2.5.6'],
  // Offline schema validation (ajv against upstream openAPIV3Schema) and YAML I/O for the validation plugin.
  // js-yaml reads the synthesized manifests in the plugin: about 8x faster than yaml's document model.
  bundledDeps: ['ajv@^8.17.1', 'ajv-formats@^3.0.1', 'js-yaml@^4.1.0', 'yaml@^2.6.0'],
  devDeps: ['cdk8s-cli@2.207.60', '@types/node@^20.19.0', '@types/js-yaml@^4.0.9', 'cdk8s-plus-28@2.5.6', 'fast-check@^4.3.0', 'fengari@^0.1.5'],

  publishToPypi: { distName: 'cdk8s-ai-platform', module: 'cdk8s_ai_platform' },
  publishToMaven: {
    javaPackage: 'io.github.cdk8saiplatform',
    mavenGroupId: 'io.github.cdk8s-ai-platform',
    mavenArtifactId: 'cdk8s-ai-platform',
  },
  publishToGo: { moduleName: 'github.com/cdk8s-ai-platform/cdk8s-ai-platform-go' },

  eslintOptions: { dirs: ['src'], devdirs: ['test', 'examples', 'scripts', 'bench'] },
  jestOptions: {
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      testTimeout: 60_000,
      // Integration suites talk to one shared kube-apiserver; keep files serial on 2 cores.
      maxWorkers: 2,
    },
    extraCliOptions: ['--json', '--outputFile=test-reports/jest-results.json'],
  },
  tsJestOptions: { transformOptions: { isolatedModules: true } },

  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  sampleCode: false,
  gitignore: ['/dist/', '/.upstream-cache/', '/upstream-schemas/', '/upstream-installs/', '/cdk8s.out/'],
});

project.addPackageIgnore('/examples/');
project.addPackageIgnore('/scripts/');
project.addPackageIgnore('/bench/');
project.addPackageIgnore('/.upstream-cache/');
project.addPackageIgnore('/docs/');
project.addPackageIgnore('/.ci/');

// Examples and scripts are type-checked with the library's settings but never emitted.
for (const dir of ['examples', 'scripts', 'bench']) {
  new JsonFile(project, `${dir}/tsconfig.json`, {
    obj: {
      extends: '../tsconfig.json',
      compilerOptions: { noEmit: true, rootDir: '..' },
      include: ['**/*.ts', '../src/**/*.ts'],
    },
  });
}

const tsNode = 'ts-node --transpile-only --project scripts/tsconfig.json';

// Downloads the pinned upstream Go modules and extracts CRDs and core schemas into a cache outside git.
const upstream = project.addTask('upstream', {
  description: 'Download pinned upstream Go modules, extract CRDs and Kubernetes OpenAPI schemas, render the operator installs (cached, idempotent)',
  exec: `${tsNode} scripts/upstream.ts`,
  receiveArgs: true,
});

project.addTask('synth', {
  description: 'Synthesize every example into dist/examples/<name>/ and validate it against the pinned upstream schemas',
  steps: [
    { spawn: upstream.name },
    { exec: `${tsNode} scripts/synth-examples.ts`, receiveArgs: true },
  ],
});

project.testTask.prependSpawn(upstream);

// --- Install paths: every tarball carries the compiled library and the package's data files ---
// The package ships the pinned upstream schemas (upstream-schemas/, so the cdk8s validation plugin works offline for
// users) and the operator installs rendered from the pinned modules with Argo CD's built-in health checks
// (upstream-installs/, so users of every language synthesize installs without Go). They are added by the prepack
// step, which every `npm pack`/`npm publish` and jsii-pacmak's packing (the package task, the language bindings)
// run, and by the prepare step of an install from git (scripts/prepack.sh).
project.package.setScript('prepack', 'bash scripts/prepack.sh');
project.package.setScript('prepare', 'bash scripts/prepack.sh --prepare');
// --- end ---

// --- Language packages and bindings in CI (test/bindings; scripts/*-binding.sh) ---
// The registries reachable here serve neither org.cdk8s:cdk8s 2.70.x / cdk8s-plus-28 (Maven) nor cdk8s-core-go /
// cdk8s-plus-go (Go proxy): package:java and package:go first put the cdk8s and cdk8s-plus-28 bindings generated
// locally from node_modules (cached) into dist/java and dist/go, where jsii-pacmak resolves them. examples/java and
// examples/go build against those folders.
project.tasks.tryFind('package:java')!.prependExec('bash scripts/java-binding.sh --deps-into dist/java');
project.tasks.tryFind('package:go')!.prependExec('bash scripts/go-binding.sh --deps-into dist/go');
// --- end ---

// Speed and memory are measured here, never in timed tests.
project.addTask('bench', {
  description: 'Benchmark synthesis and schema validation at platform scale',
  steps: [
    { spawn: upstream.name },
    { exec: `${tsNode} bench/synth.bench.ts`, receiveArgs: true },
  ],
});

// --- Real Kubernetes API server for integration tests (see docs/real-cluster.md) ---
// Builds etcd, kube-apiserver, kube-controller-manager and kubectl from the Go module proxy into a cache outside
// the repository (a no-op once built), and runs them: `npm run cluster -- up|down|status|kubectl ...`.
const clusterBuild = project.addTask('cluster:build', {
  description: 'Build the pinned etcd, kube-apiserver, kube-controller-manager and kubectl from the Go module proxy (cached)',
  exec: 'bash scripts/k8s-binaries.sh',
});
project.addTask('cluster', {
  description: 'Local Kubernetes control plane: build | up [--controller-manager] [--port N] | status | down | kubectl <args>',
  exec: `${tsNode} scripts/cluster.ts`,
  receiveArgs: true,
});
project.testTask.prependSpawn(clusterBuild);
// --- end of the integration-test API server block ---

// --- Real operators against the test API server (test/operators-e2e; see docs/security.md) ---
// Builds the pinned operators' controllers and webhooks from their Go modules (scripts/operator-binaries.sh, versions
// from src/core/versions.ts) into ~/.cache/cdk8s-ai-platform/operators, a no-op once built; the operator end-to-end
// tests run them as local processes against the test API server.
const operatorsBuild = project.addTask('operators:build', {
  description: 'Build the pinned operators (Training Operator, Kueue, KServe, JobSet, Trainer, Katib, Argo Workflows, Spark) from their Go modules (cached)',
  exec: 'bash scripts/operator-binaries.sh',
  receiveArgs: true,
});
project.testTask.prependSpawn(operatorsBuild);
// --- end ---

// --- Runtime controller (src/controller, bin cdk8s-ai-platform-controller; see docs/controller.md) ---
// @kubernetes/client-node 1.x is the official Kubernetes client (informers, server-side apply, leases) and still runs
// on Node 20 (2.x needs Node >= 22); prom-client is the standard Prometheus client for Node. Both are bundled, as
// jsii requires for dependencies that are not jsii modules; only the controller's entry point loads them.
project.addBundledDeps('@kubernetes/client-node@^1.4.0', 'prom-client@^15.1.3');
project.addBins({ 'cdk8s-ai-platform-controller': 'lib/controller/main.js' });
// `npm run demo`: the platform kinds reconciled by the controller on the local control plane (no cluster needed).
project.addTask('demo', {
  description: 'Run the runtime controller on a local API server and controller-manager, apply one resource of each platform kind, print what happens',
  steps: [
    { spawn: upstream.name },
    { spawn: clusterBuild.name },
    { exec: `${tsNode} scripts/controller-demo.ts`, receiveArgs: true },
  ],
});
// The controller benchmark (500 resources vs concurrent server-side apply vs kubectl) is part of `npm run bench`.
const benchController = project.addTask('bench:controller', {
  description: 'Benchmark the runtime controller against the test API server (500 resources to steady state, no-op resync)',
  steps: [
    { spawn: upstream.name },
    { spawn: clusterBuild.name },
    { exec: `${tsNode} bench/controller.bench.ts`, receiveArgs: true },
  ],
});
project.tasks.tryFind('bench')!.spawn(benchController);
// The controller's image is built from the packed tarball (Dockerfile); the tarball does not carry it.
project.addPackageIgnore('/Dockerfile');
// --- end of the runtime controller block ---

project.synth();
