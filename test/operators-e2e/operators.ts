/**
 * How each pinned operator is run locally by the harness: the platform's rendered install is applied first (webhooks
 * pointed at the local process), then the controller starts with the install's own arguments and configuration
 * files, only the ports, certificate paths and leader election changed for a local process.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { controllerCommand, freePorts, Harness, installObjects, KObject, patchInstall, setFlags } from './harness';
import { IOperatorInstall } from '../../src';

async function httpStatus(url: string): Promise<number> {
  try {
    return (await fetch(url)).status;
  } catch {
    return 0;
  }
}

function workDir(build: string): string {
  return fs.mkdtempSync(path.join('/tmp', `aip-${build}-`));
}

/** The Secret a cert-controller based operator keeps its webhook certificate in, filled with the harness's. */
function certSecret(h: Harness, namespace: string, name: string): KObject {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name, namespace },
    stringData: { 'ca.crt': h.certs.caCrt, 'ca.key': h.certs.caKey, 'tls.crt': h.certs.tlsCrt, 'tls.key': h.certs.tlsKey },
  };
}

/** Writes the harness's certificate where a pod would mount the operator's certificate Secret. */
function mountCerts(h: Harness, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries({ 'ca.crt': h.certs.caCrt, 'tls.crt': h.certs.tlsCrt, 'tls.key': h.certs.tlsKey })) {
    const target = path.join(dir, file);
    if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== text) fs.writeFileSync(target, text);
  }
}

/**
 * The Training Operator v1.9.4: its cert-controller keeps the certificate of its Secret (valid for its service and
 * 127.0.0.1) and injects the CA into its ValidatingWebhookConfiguration.
 */
export async function startTrainingOperator(h: Harness, install: IOperatorInstall, schemes: string[] = ['pytorchjob']): Promise<void> {
  const objects = installObjects(install);
  const ns = install.namespace;
  const [metrics, health, webhook] = await freePorts(3);
  await h.apply(patchInstall(objects, { services: { [`${ns}/training-operator`]: webhook }, ca: h.certs.caCrt }));
  await h.apply([certSecret(h, ns, 'training-operator-webhook-cert')]);
  // where the pod mounts that Secret; the operator waits for the files there (a fixed path, the same certificate every run)
  mountCerts(h, '/tmp/k8s-webhook-server/serving-certs');
  const dir = workDir('training-operator');
  const cmd = controllerCommand(objects, 'training-operator', 'training-operator', dir);
  await h.runOperator({
    build: 'training-operator',
    serviceAccount: { namespace: ns, name: 'training-operator' },
    args: setFlags(cmd.args, {
      'metrics-bind-address': `127.0.0.1:${metrics}`,
      'health-probe-bind-address': `127.0.0.1:${health}`,
      'webhook-server-port': String(webhook),
    }).concat(schemes.map(s => `--enable-scheme=${s}`)),
    env: cmd.env,
    cwd: dir,
    ready: async () => (await httpStatus(`http://127.0.0.1:${health}/readyz`)) === 200,
  });
}

/**
 * Kueue v0.19.2 with the install's manager configuration (integrations, fair sharing), its webhook certificate given
 * by the harness, and the visibility API server off (its APIService is left out).
 */
export async function startKueue(h: Harness, install: IOperatorInstall): Promise<void> {
  const objects = installObjects(install);
  const ns = install.namespace;
  const [metrics, health, webhook] = await freePorts(3);
  await h.apply(patchInstall(objects, {
    services: { [`${ns}/kueue-webhook-service`]: webhook },
    ca: h.certs.caCrt,
    omit: o => o.kind === 'APIService',
  }));
  // internal certificate management stays on (without it Kueue wants metrics certificates at a fixed path): its
  // cert-controller keeps the harness's certificate of the Secret and reads it where the pod mounts it (certDir)
  await h.apply([certSecret(h, ns, 'kueue-webhook-server-cert')]);
  const dir = workDir('kueue');
  const certDir = path.join(dir, 'serving-certs');
  mountCerts(h, certDir);
  const cmd = controllerCommand(objects, 'kueue-controller-manager', 'manager', dir);
  editConfig(cmd.mounts['/controller_manager_config.yaml'], config => {
    config.health = { ...config.health, healthProbeBindAddress: `127.0.0.1:${health}` };
    config.metrics = { ...config.metrics, bindAddress: `127.0.0.1:${metrics}` };
    config.webhook = { ...config.webhook, port: webhook, certDir };
    config.leaderElection = { ...config.leaderElection, leaderElect: false };
    config.featureGates = { ...config.featureGates, VisibilityOnDemand: false };
  });
  await h.runOperator({
    build: 'kueue',
    serviceAccount: { namespace: ns, name: 'kueue-controller-manager' },
    args: cmd.args,
    env: cmd.env,
    cwd: dir,
    ready: async () => (await httpStatus(`http://127.0.0.1:${health}/readyz`)) === 200,
  });
}

/**
 * The KServe v0.20.0 controller manager (controllers and webhooks in one process), reading the install's
 * `inferenceservice-config`. cert-manager does not run here: the webhook certificate cert-manager would issue is the
 * harness's, found where the manager's webhook server looks (`$TMPDIR/k8s-webhook-server/serving-certs`).
 */
export async function startKServe(h: Harness, install: IOperatorInstall): Promise<void> {
  const objects = installObjects(install);
  const ns = install.namespace;
  const [metrics, health, webhook] = await freePorts(3);
  await h.apply(patchInstall(objects, { services: { [`${ns}/kserve-webhook-server-service`]: webhook }, ca: h.certs.caCrt }));
  const dir = workDir('kserve');
  const certDir = path.join(dir, 'tmp', 'k8s-webhook-server', 'serving-certs');
  fs.mkdirSync(certDir, { recursive: true });
  fs.writeFileSync(path.join(certDir, 'tls.crt'), h.certs.tlsCrt);
  fs.writeFileSync(path.join(certDir, 'tls.key'), h.certs.tlsKey);
  const cmd = controllerCommand(objects, 'kserve-controller-manager', 'manager', dir);
  await h.runOperator({
    build: 'kserve',
    serviceAccount: { namespace: ns, name: 'kserve-controller-manager' },
    args: setFlags(cmd.args, {
      'metrics-addr': `127.0.0.1:${metrics}`,
      'health-probe-addr': `127.0.0.1:${health}`,
      'webhook-port': String(webhook),
      'leader-elect': 'false',
    }),
    env: { ...cmd.env, TMPDIR: path.join(dir, 'tmp') },
    cwd: dir,
    ready: async () => (await httpStatus(`http://127.0.0.1:${health}/readyz`)) === 200,
  });
}

/** Writes the harness's certificate under `<dir>/tmp/k8s-webhook-server/serving-certs` and returns `<dir>/tmp` (a TMPDIR). */
function tmpWithCerts(h: Harness, dir: string): string {
  const tmp = path.join(dir, 'tmp');
  mountCerts(h, path.join(tmp, 'k8s-webhook-server', 'serving-certs'));
  return tmp;
}

/** Reads, changes and writes a controller's YAML configuration file. */
function editConfig(file: string, edit: (config: any) => void): void {
  const config = YAML.parse(fs.readFileSync(file, 'utf8'));
  edit(config);
  fs.writeFileSync(file, YAML.stringify(config));
}

/** The JobSet objects of the Trainer install (its Namespace included: JobSet runs in the same one). */
function isJobSetObject(o: KObject): boolean {
  return o.kind === 'Namespace' || o.metadata.name.startsWith('jobset') || o.metadata.name.endsWith('.jobset.x-k8s.io');
}

/**
 * JobSet v0.12.0 (part of the Trainer install) with the install's configuration, its webhook certificate given by the
 * harness (internal certificate management off).
 */
export async function startJobSet(h: Harness, install: IOperatorInstall): Promise<void> {
  const objects = installObjects(install);
  const ns = install.namespace;
  const [metrics, health, webhook] = await freePorts(3);
  await h.apply(patchInstall(objects, { services: { [`${ns}/jobset-webhook-service`]: webhook }, ca: h.certs.caCrt, omit: o => !isJobSetObject(o) }));
  const dir = workDir('jobset');
  const cmd = controllerCommand(objects, 'jobset-controller-manager', 'manager', dir);
  editConfig(cmd.mounts['/controller_manager_config.yaml'], config => {
    config.health = { ...config.health, healthProbeBindAddress: `127.0.0.1:${health}` };
    config.metrics = { ...config.metrics, bindAddress: `127.0.0.1:${metrics}` };
    config.webhook = { ...config.webhook, port: webhook, certDir: path.join(tmpWithCerts(h, dir), 'k8s-webhook-server', 'serving-certs') };
    config.leaderElection = { ...config.leaderElection, leaderElect: false };
    config.internalCertManagement = { enable: false };
  });
  await h.runOperator({
    build: 'jobset',
    serviceAccount: { namespace: ns, name: 'jobset-controller-manager' },
    args: cmd.args,
    env: cmd.env,
    cwd: dir,
    ready: async () => (await httpStatus(`http://127.0.0.1:${health}/readyz`)) === 200,
  });
}

/**
 * The Kubeflow Trainer v2.3.0 controller manager with the install's configuration, its webhook certificate given by
 * the harness (certificate management off; the webhook server reads `$TMPDIR/k8s-webhook-server/serving-certs`).
 */
export async function startTrainer(h: Harness, install: IOperatorInstall): Promise<void> {
  const objects = installObjects(install);
  const ns = install.namespace;
  const [metrics, health, webhook] = await freePorts(3);
  // the JobSet objects of the same install are applied by startJobSet
  await h.apply(patchInstall(objects, {
    services: { [`${ns}/kubeflow-trainer-controller-manager`]: webhook },
    ca: h.certs.caCrt,
    omit: o => isJobSetObject(o) && o.kind !== 'Namespace',
  }));
  const dir = workDir('trainer');
  const cmd = controllerCommand(objects, 'kubeflow-trainer-controller-manager', 'manager', dir);
  editConfig(cmd.mounts['/controller_manager_config.yaml'], config => {
    config.health = { ...config.health, healthProbeBindAddress: `127.0.0.1:${health}` };
    config.metrics = { ...config.metrics, bindAddress: `127.0.0.1:${metrics}`, secureServing: false };
    config.webhook = { ...config.webhook, port: webhook };
    config.leaderElection = { ...config.leaderElection, leaderElect: false };
    config.certManagement = { ...config.certManagement, enable: false };
  });
  await h.runOperator({
    build: 'trainer',
    serviceAccount: { namespace: ns, name: 'kubeflow-trainer-controller-manager' },
    args: cmd.args,
    env: { ...cmd.env, TMPDIR: tmpWithCerts(h, dir) },
    cwd: dir,
    ready: async () => (await httpStatus(`http://127.0.0.1:${health}/readyz`)) === 200,
  });
}

/**
 * The Katib v0.19.0 controller with the install's `katib-config`: its certificate generator keeps the harness's
 * certificate of the Secret (valid for its service and CA name) and reads it where the pod mounts it (`/tmp/cert`,
 * a fixed path: the same certificate every run).
 */
export async function startKatib(h: Harness, install: IOperatorInstall): Promise<void> {
  const objects = installObjects(install);
  const ns = install.namespace;
  const [metrics, health, webhook] = await freePorts(3);
  // only the controller runs here: the database, its manager and the UI are left out
  const controllerOnly = (o: KObject) => /^katib-(mysql|db-manager|ui)$/.test(o.metadata.name) || o.kind === 'PersistentVolumeClaim';
  await h.apply(patchInstall(objects, { services: { [`${ns}/katib-controller`]: webhook }, ca: h.certs.caCrt, omit: controllerOnly }));
  await h.apply([certSecret(h, ns, 'katib-webhook-cert')]);
  mountCerts(h, '/tmp/cert');
  const dir = workDir('katib');
  const cmd = controllerCommand(objects, 'katib-controller', 'katib-controller', dir);
  editConfig(cmd.mounts['/katib-config.yaml'], config => {
    config.init.controller = {
      ...config.init.controller,
      webhookPort: webhook,
      metricsAddr: `127.0.0.1:${metrics}`,
      healthzAddr: `127.0.0.1:${health}`,
      enableLeaderElection: false,
    };
  });
  await h.runOperator({
    build: 'katib',
    serviceAccount: { namespace: ns, name: 'katib-controller' },
    args: cmd.args,
    env: cmd.env,
    cwd: dir,
    ready: async () => (await httpStatus(`http://127.0.0.1:${health}/readyz`)) === 200,
  });
}

/**
 * The Argo Workflows v4.1.4 workflow controller (no webhooks) with the install's `workflow-controller-configmap`
 * (executor security context, resources, parallelism), read from the API server as in a cluster; metrics off and
 * leader election off for a local process.
 */
export async function startArgoWorkflows(h: Harness, install: IOperatorInstall): Promise<void> {
  const objects = installObjects(install).map(o => {
    if (o.kind !== 'ConfigMap' || o.metadata.name !== 'workflow-controller-configmap') return o;
    return { ...o, data: { ...(o.data ?? {}), metricsConfig: 'enabled: false\n', telemetryConfig: 'enabled: false\n' } };
  });
  const ns = install.namespace;
  await h.apply(patchInstall(objects, { services: {}, ca: h.certs.caCrt }));
  const dir = workDir('argo-workflows');
  const cmd = controllerCommand(objects, 'workflow-controller', 'workflow-controller', dir);
  await h.runOperator({
    build: 'argo-workflows',
    serviceAccount: { namespace: ns, name: 'argo' },
    args: cmd.args,
    env: { ...cmd.env, LEADER_ELECTION_DISABLE: 'true' },
    cwd: dir,
  });
}

/**
 * The Spark operator v2.5.2 controller (`controller start` with the install's arguments; the webhook process is not
 * run and the install's webhook configurations are left out). Its spark-submit needs a JVM and Spark, which this
 * machine does not have: the controller records the submission's outcome on the SparkApplication.
 */
export async function startSparkController(h: Harness, install: IOperatorInstall): Promise<void> {
  const objects = installObjects(install);
  const ns = install.namespace;
  const [metrics, health] = await freePorts(2);
  await h.apply(patchInstall(objects, {
    services: {},
    ca: h.certs.caCrt,
    omit: o => o.kind === 'MutatingWebhookConfiguration' || o.kind === 'ValidatingWebhookConfiguration',
  }));
  const dir = workDir('spark-operator');
  const cmd = controllerCommand(objects, 'spark-operator-controller', 'spark-operator-controller', dir);
  await h.runOperator({
    build: 'spark-operator',
    serviceAccount: { namespace: ns, name: 'spark-operator-controller' },
    args: setFlags(cmd.args, {
      'metrics-bind-address': `127.0.0.1:${metrics}`,
      'health-probe-bind-address': `127.0.0.1:${health}`,
      'leader-election': 'false',
    }),
    env: cmd.env,
    cwd: dir,
    ready: async () => (await httpStatus(`http://127.0.0.1:${health}/readyz`)) === 200,
  });
}
