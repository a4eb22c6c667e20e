import { Duration, Size } from 'cdk8s';
import { Cpu, ImagePullPolicy, Protocol, RestartPolicy, TaintEffect } from 'cdk8s-plus-28';
import { BadInputCase, call } from './harness';
import {
  Accelerator, ContainerProbe, EnvVarValue, GpuSharing, Memory, NodeOperator, Placement, PodSecurityLevel, PodTemplate, PodVolume,
} from '../../src';
import { addPodTemplateObject } from '../util';

/** A pod template with every kind of prop, rendered into a Job. */
const podTemplate: BadInputCase = {
  name: 'PodTemplate',
  recipe: () => ({
    containers: [{
      image: 'registry.example.com/team/trainer:1.4.2',
      name: 'main',
      command: ['python', 'train.py'],
      args: ['--epochs', '3'],
      workingDir: '/workspace',
      imagePullPolicy: ImagePullPolicy.IF_NOT_PRESENT,
      env: {
        MODE: call('EnvVarValue.fromValue', EnvVarValue.fromValue, 'train'),
        HF_TOKEN: call('EnvVarValue.fromSecretKey', EnvVarValue.fromSecretKey, 'hf-token', 'token', false),
        SETTINGS: call('EnvVarValue.fromConfigMapKey', EnvVarValue.fromConfigMapKey, 'settings', 'mode.yaml'),
        POD: call('EnvVarValue.fromFieldPath', EnvVarValue.fromFieldPath, 'metadata.name'),
      },
      ports: [{ number: 8080, name: 'http' }, { number: 8125, name: 'statsd', protocol: Protocol.UDP }],
      resources: {
        cpu: Cpu.units(2),
        cpuLimit: Cpu.units(4),
        memory: Size.gibibytes(8),
        memoryLimit: Size.gibibytes(16),
        ephemeralStorage: Size.gibibytes(20),
        accelerator: call('Accelerator.nvidia', Accelerator.nvidia, { count: 1, product: 'NVIDIA-A10G', sharing: GpuSharing.NONE }),
      },
      volumeMounts: [
        { volume: call('PodVolume.fromPersistentVolumeClaim', PodVolume.fromPersistentVolumeClaim, 'data', 'datasets', true), path: '/data', readOnly: true, subPath: 'imagenet' },
        { volume: call('PodVolume.fromConfigMap', PodVolume.fromConfigMap, 'config', 'trainer-config', { defaultMode: 0o440, optional: false }), path: '/etc/trainer' },
        { volume: call('PodVolume.fromSecret', PodVolume.fromSecret, 'creds', 'trainer-creds', { defaultMode: 0o400 }), path: '/etc/creds' },
        { volume: call('PodVolume.fromEmptyDir', PodVolume.fromEmptyDir, 'scratch', { sizeLimit: Size.gibibytes(10) }), path: '/scratch' },
      ],
      readiness: call('ContainerProbe.httpGet', ContainerProbe.httpGet, '/healthz', { port: 8080, period: Duration.seconds(10), timeout: Duration.seconds(2), failureThreshold: 3 }),
      liveness: call('ContainerProbe.tcpSocket', ContainerProbe.tcpSocket, 8080, { initialDelay: Duration.seconds(30) }),
      startup: call('ContainerProbe.exec', ContainerProbe.exec, ['cat', '/tmp/ready'], { period: Duration.seconds(5) }),
    }, {
      image: 'registry.example.com/team/sidecar@sha256:' + 'a'.repeat(64),
      readiness: call('ContainerProbe.grpc', ContainerProbe.grpc, 9090),
    }],
    initContainers: [{ image: 'busybox:1.36', command: ['sh', '-c', 'true'] }],
    volumes: [call('PodVolume.fromEmptyDir', PodVolume.fromEmptyDir, 'cache', { sizeLimit: Size.mebibytes(512) })],
    serviceAccountName: 'trainer',
    security: { level: PodSecurityLevel.RESTRICTED, runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001, readOnlyRootFilesystem: true },
    placement: call('new Placement', (p: any) => new Placement(p), {
      nodeSelector: { 'karpenter.sh/nodepool': 'gpu' },
      tolerations: [{ key: 'nvidia.com/gpu', value: 'true', effect: TaintEffect.NO_SCHEDULE }],
      requiredNodeAffinity: [{ key: 'topology.kubernetes.io/zone', operator: NodeOperator.IN, values: ['eu-west-1a'] },
        { key: 'example.com/generation', operator: NodeOperator.GT, values: ['3'] }],
      priorityClassName: 'batch-high',
    }),
    restartPolicy: RestartPolicy.NEVER,
    labels: { 'app.kubernetes.io/name': 'trainer' },
    annotations: { 'example.com/owner': 'ml-team' },
    imagePullSecrets: ['registry-creds'],
    sharedMemory: true,
    schedulerName: 'volcano',
    terminationGracePeriod: Duration.seconds(60),
  }),
  build: (chart, props) => {
    addPodTemplateObject(chart, new PodTemplate(props));
  },
  extraBadValues: [
    { path: /subPath$/, values: ['../etc', '/abs', 'a/../../b'] },
    { path: /workingDir$/, values: ['relative', '/a/../..'] },
    { path: /^containers\.0\.image$/, values: ['UPPER/Case:1', 'repo:tag:tag', 'a'.repeat(5000)] },
  ],
};

/** Accelerator builders and Memory quantities (with requests = limits), through a pod template. */
const accelerators: BadInputCase = {
  name: 'Accelerator builders',
  recipe: () => ({
    containers: [
      {
        image: 'busybox:1.36',
        resources: {
          cpu: Cpu.units(2),
          memory: call('Memory.of', Memory.of, '10G'),
          ephemeralStorage: call('Memory.gigabytes', Memory.gigabytes, 20),
          accelerator: call('Accelerator.nvidiaMig', Accelerator.nvidiaMig, '1g.10gb', 2),
          limitsEqualRequests: true,
        },
      },
      { image: 'busybox:1.36', name: 'amd', resources: { accelerator: call('Accelerator.amd', Accelerator.amd, 1) } },
      { image: 'busybox:1.36', name: 'neuron', resources: { accelerator: call('Accelerator.awsNeuron', Accelerator.awsNeuron, 2) } },
      { image: 'busybox:1.36', name: 'fpga', resources: { accelerator: call('Accelerator.resource', Accelerator.resource, 'example.com/fpga', 1) } },
    ],
  }),
  build: (chart, props) => {
    addPodTemplateObject(chart, new PodTemplate(props));
  },
  extraBadValues: [{ path: /\(0\)$/, values: ['9g.999gb', '1g.10gb+gfx', 'nvidia.com/gpu/x'] }],
};

export const cases: BadInputCase[] = [podTemplate, accelerators];
