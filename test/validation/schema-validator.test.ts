import { dedupeSubschemas, formatViolation, SchemaValidator } from '../../src/validation/schema-validator';

const validator = SchemaValidator.default();

function problems(obj: any): string[] {
  const r = validator.validate(obj);
  expect(r.unchecked).toEqual([]);
  return r.violations.map(v => `${v.field}: ${v.message}`);
}

const sparkApp = (spec: any) => ({
  apiVersion: 'sparkoperator.k8s.io/v1beta2',
  kind: 'SparkApplication',
  metadata: { name: 'pi', namespace: 'spark' },
  spec: {
    type: 'Python',
    mode: 'cluster',
    sparkVersion: '4.0.0',
    image: 'docker.io/apache/spark:4.0.0',
    mainApplicationFile: 'local:///opt/spark/examples/src/main/python/pi.py',
    driver: { cores: 1, memory: '512m' },
    executor: { instances: 1, cores: 1, memory: '512m' },
    ...spec,
  },
});

const deployment = (podSpec: any, spec: any = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }], ...podSpec } },
    ...spec,
  },
});

test('valid custom resources and core objects pass', () => {
  expect(problems(sparkApp({}))).toEqual([]);
  expect(problems(deployment({}, { replicas: 2, strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } } }))).toEqual([]);
});

test('wrong types are rejected (custom resource)', () => {
  expect(problems(sparkApp({ driver: { cores: '1', memory: 512 } }))).toEqual([
    '/spec/driver/cores: must be integer',
    '/spec/driver/memory: must be string',
  ]);
});

test('wrong types are rejected (core kind)', () => {
  expect(problems(deployment({}, { replicas: 'three' }))).toEqual(['/spec/replicas: must be integer']);
  expect(problems(deployment({ containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: '80' }] }] })))
    .toEqual(['/spec/template/spec/containers/0/ports/0/containerPort: must be integer']);
});

test('unknown fields in closed schemas are rejected', () => {
  expect(problems(sparkApp({ executor: { instances: 1, replicas: 3 } })))
    .toEqual(["/spec/executor/replicas: unknown field 'replicas' (not in the schema)"]);
  expect(problems(deployment({ containers: [{ name: 'web', image: 'nginx', gpu: 1 }] })))
    .toEqual(["/spec/template/spec/containers/0/gpu: unknown field 'gpu' (not in the schema)"]);
});

test('fields under x-kubernetes-preserve-unknown-fields stay open', () => {
  // Katib's CRDs are schemaless: everything under spec is accepted by the API server
  const experiment = {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'Experiment',
    metadata: { name: 'hpo', namespace: 'kubeflow' },
    spec: { anything: { goes: [1, 'two'] } },
  };
  expect(problems(experiment)).toEqual([]);
  // sparkConf is a map of strings: extra keys are fine, non-string values are not
  expect(problems(sparkApp({ sparkConf: { 'spark.ui.enabled': 'false' } }))).toEqual([]);
  expect(problems(sparkApp({ sparkConf: { 'spark.ui.enabled': false } }))).toEqual(['/spec/sparkConf/spark.ui.enabled: must be string']);
});

test('missing required fields are rejected', () => {
  const app = sparkApp({});
  delete app.spec.mainApplicationFile;
  delete app.spec.sparkVersion;
  expect(problems(app)).toEqual(['/spec/mainApplicationFile: is required', '/spec/sparkVersion: is required']);
  expect(problems(deployment({ containers: [{ image: 'nginx' }] }))).toEqual(['/spec/template/spec/containers/0/name: is required']);
});

test('enum violations are rejected and name the accepted values', () => {
  expect(problems(sparkApp({ type: 'Perl', restartPolicy: { type: 'Sometimes' } }))).toEqual([
    '/spec/restartPolicy/type: must be one of "Never", "Always", "OnFailure"',
    '/spec/type: must be one of "Java", "Python", "Scala", "R"',
  ]);
});

test('x-kubernetes-int-or-string accepts integers and strings, nothing else', () => {
  const nodePool = (limits: any) => ({
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name: 'gpu' },
    spec: {
      template: { spec: { nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'default' }, requirements: [] } },
      disruption: { consolidateAfter: '5m' },
      limits,
    },
  });
  expect(problems(nodePool({ 'cpu': 100, 'memory': '400Gi', 'nvidia.com/gpu': 8 }))).toEqual([]);
  expect(problems(nodePool({ cpu: true }))[0]).toMatch(/^\/spec\/limits\/cpu: must be integer, or be string/);
  // and the quantity pattern still applies to strings
  expect(problems(nodePool({ memory: 'lots' }))[0]).toMatch(/^\/spec\/limits\/memory: must/);
});

test('nullable fields accept null, other fields do not', () => {
  // SparkApplication status.terminationTime is declared `nullable: true`; status.submissionID is not
  const withStatus = (status: any) => ({ ...sparkApp({}), status: { driverInfo: {}, ...status } });
  expect(problems(withStatus({ terminationTime: null }))).toEqual([]);
  expect(problems(withStatus({ terminationTime: '2026-01-01T00:00:00Z' }))).toEqual([]);
  expect(problems(withStatus({ submissionID: null }))).toEqual(['/status/submissionID: must be string']);
});

test('core kinds: wrong scalar types in nested structs', () => {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 'http' }] } };
  expect(problems(svc)).toEqual(['/spec/ports/0/port: must be integer']);
});

test('quantities in core kinds are checked', () => {
  expect(problems(deployment({ containers: [{ name: 'web', image: 'nginx', resources: { limits: { cpu: 'lots' } } }] }))[0])
    .toMatch(/^\/spec\/template\/spec\/containers\/0\/resources\/limits\/cpu: must be a string matching/);
});

test('metadata: names and labels follow Kubernetes rules', () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name', labels: { 'bad key!': 'v', 'ok': 'not ok!' } }, data: { a: 'b' } };
  expect(problems(cm)).toEqual([
    "/metadata/name: 'Bad_Name' is not a valid name: lowercase alphanumerics, '-' and '.', at most 253 characters",
    "/metadata/labels/bad key!: 'bad key!' is not a valid label key",
    "/metadata/labels/ok: 'not ok!' is not a valid label value: at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric",
  ]);
  expect(problems({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} })).toEqual(['/metadata/name: is required']);
});

test('kinds without a pinned schema are reported as unchecked, not passed silently', () => {
  const r = validator.validate({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
  expect(r.violations).toEqual([]);
  expect(r.unchecked).toEqual([{ gvk: 'example.com/v1 Widget', name: 'w', reason: expect.stringMatching(/^no schema for example.com\/v1 Widget/) }]);
});

test('objects without apiVersion or kind are violations', () => {
  expect(validator.validate({ metadata: { name: 'x' } }).violations.map(v => v.message)).toEqual(['object must have string apiVersion and kind']);
});

test('violations format as one line with the construct path', () => {
  const [v] = validator.validate(deployment({}, { replicas: 'three' })).violations;
  expect(formatViolation(v, 'chart/web/Resource')).toBe('apps/v1 Deployment default/web (chart/web/Resource): /spec/replicas: must be integer');
});

describe('shared sub-schemas compiled once', () => {
  const isvc = (predictor: any) => ({
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name: 'm', namespace: 'ml' },
    spec: { predictor },
  });

  test('repeated sub-schemas become definitions, and a small schema is left alone', () => {
    const container = { type: 'object', properties: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`field${i}`, { type: 'string' }])) };
    const schema = { type: 'object', properties: { a: container, b: { type: 'array', items: JSON.parse(JSON.stringify(container)) } } };
    const out = dedupeSubschemas(schema);
    expect(out.properties.a).toEqual({ $ref: '#/definitions/s0' });
    expect(out.properties.b.items).toEqual({ $ref: '#/definitions/s0' });
    expect(out.definitions.s0).toEqual(container);
    expect(dedupeSubschemas({ type: 'string' })).toEqual({ type: 'string' });
  });

  test('the InferenceService schema (its pod and container schemas repeated) reports the same violations in every copy', () => {
    expect(problems(isvc({ model: { modelFormat: { name: 'sklearn' }, storageUri: 's3://m/iris' } }))).toEqual([]);
    // the same mistake in two places that share one container schema
    expect(problems(isvc({ containers: [{ name: 'c', image: 'x:1', ports: [{ containerPort: 'http' }] }] })))
      .toEqual(['/spec/predictor/containers/0/ports/0/containerPort: must be integer']);
    expect(problems(isvc({ model: { modelFormat: { name: 'sklearn' }, ports: [{ containerPort: 'http' }] } })))
      .toEqual(['/spec/predictor/model/ports/0/containerPort: must be integer']);
    expect(problems(isvc({ model: { modelFormat: { name: 'sklearn' }, resourcez: {} } })))
      .toEqual(["/spec/predictor/model/resourcez: unknown field 'resourcez' (not in the schema)"]);
  });
});
