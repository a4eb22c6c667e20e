import { ApiObject, App, Chart, Duration, Size, Testing } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-28';
import { GpuInstances, GpuNodePool } from '../../src/compute/gpu-node-pool';
import { check, checkProps, checkWorkloadProps, Is, isTimeZone } from '../../src/core/checks';
import { NodeOperator } from '../../src/core/placement';
import { expectValidationError } from '../util';

const scope = () => Testing.chart();
const fails = (value: unknown, rule: any, message: string, field = 'f') =>
  expectValidationError(() => check(scope(), field, value, rule), `[test] ${field}: ${message}`);
const passes = (value: unknown, rule: any) => expect(() => check(scope(), 'f', value, rule)).not.toThrow();
const withAmount = (x: any, amount: unknown) => Object.defineProperty(x, 'amount', { value: amount });

describe('check and Is.required', () => {
  test('undefined passes an optional rule; null does not', () => {
    passes(undefined, Is.integer(1));
    fails(null, Is.integer(1), 'null is not valid; must be an integer of at least 1');
  });
  test('required rejects undefined and null with the inner rule', () => {
    fails(undefined, Is.required(Is.dnsLabel()), "undefined is not valid; required: must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters");
    fails(null, Is.required(Is.string()), 'null is not valid; required: must be a string');
  });
  test('checkProps names each prop under its prefix and rejects a props value that is not an object', () => {
    expectValidationError(() => checkProps(scope(), { a: 'x' }, { a: Is.integer(0) }, 'driver.'), "[test] driver.a: 'x' is not valid; must be an integer of at least 0");
    expectValidationError(() => checkProps(scope(), 'x', { a: Is.integer(0) }, 'driver.'), "[test] driver: 'x' is not valid; must be an object of props");
    expectValidationError(() => checkProps(scope(), null, { a: Is.integer(0) }, '', true), '[test] props: null is not valid; required: must be an object of props');
    expect(() => checkProps(scope(), undefined, { a: Is.integer(0) })).not.toThrow();
  });
});

describe('numbers', () => {
  test.each([NaN, Infinity, -1, 0.5, 2 ** 53 + 2, '1'])('integer rejects %p', v => {
    fails(v, Is.integer(0), `${typeof v === 'string' ? `'${v}'` : String(v)} is not valid; must be an integer of at least 0`);
  });
  test('integer with a maximum', () => {
    fails(11, Is.integer(1, 10), '11 is not valid; must be an integer from 1 to 10');
    passes(10, Is.integer(1, 10));
  });
  test('number', () => {
    fails(NaN, Is.number(0), 'NaN is not valid; must be a finite number at least 0');
    fails(0, Is.number(0, 1, true), '0 is not valid; must be a finite number greater than 0 and at most 1');
    fails(-Infinity, Is.number(0, 5), '-Infinity is not valid; must be a finite number at least 0 and at most 5');
    passes(0.5, Is.number(0, 1, true));
  });
  test('port', () => {
    fails(0, Is.port(), '0 is not valid; must be a port number from 1 to 65535');
    fails(65536, Is.port(), '65536 is not valid; must be a port number from 1 to 65535');
    passes(8080, Is.port());
  });
  test('boolean', () => {
    fails('true', Is.boolean(), "'true' is not valid; must be true or false");
  });
});

describe('strings, names, keys', () => {
  test('string', () => {
    fails(42, Is.string(), '42 is not valid; must be a string');
    fails(' ', Is.string({ nonEmpty: true }), "' ' is not valid; must be a non-empty string");
    fails('abc', Is.string({ maxLength: 2 }), "'abc' is not valid; must be a string of at most 2 characters");
  });
  test('matching', () => {
    fails('x y', Is.matching(/^\S+$/, 'no spaces'), "'x y' is not valid; no spaces");
  });
  test('dnsLabel', () => {
    fails('Team_A', Is.dnsLabel(), "'Team_A' is not valid; must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters");
    fails('a'.repeat(11), Is.dnsLabel(10), `'${'a'.repeat(11)}' is not valid; must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 10 characters`);
    fails(7, Is.dnsLabel(), "7 is not valid; must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters");
  });
  test('dnsSubdomain', () => {
    fails('a..b', Is.dnsSubdomain(), "'a..b' is not valid; must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', at most 253 characters");
  });
  test('labelKey and labelValue', () => {
    fails('a/b/c', Is.labelKey(), "'a/b/c' is not valid; label keys are '[dns-subdomain/]name' with a name of at most 63 alphanumerics, '-', '_' or '.'");
    fails('-x', Is.labelValue(), "'-x' is not valid; label values are at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric");
    passes('', Is.labelValue());
  });
  test('labels name the key', () => {
    expectValidationError(() => check(scope(), 'labels', { 'bad key': 'x' }, Is.labels()),
      "[test] labels.bad key: 'bad key' is not valid; label keys are '[dns-subdomain/]name' with a name of at most 63 alphanumerics, '-', '_' or '.'");
    expectValidationError(() => check(scope(), 'labels', { team: 5 }, Is.labels()),
      "[test] labels.team: 5 is not valid; label values are at most 63 alphanumerics, '-', '_' or '.', starting and ending with an alphanumeric");
    fails([], Is.labels(), '[] is not valid; must be a map of label keys to label values');
  });
  test('annotations', () => {
    expectValidationError(() => check(scope(), 'annotations', { 'Bad Key': 'x' }, Is.annotations()),
      "[test] annotations.Bad Key: 'Bad Key' is not valid; annotation keys are '[dns-subdomain/]name' with a name of at most 63 alphanumerics, '-', '_' or '.'");
    expectValidationError(() => check(scope(), 'annotations', { a: 1 }, Is.annotations()), '[test] annotations.a: 1 is not valid; annotation values are strings');
    fails({ a: 'x'.repeat(256 * 1024) }, Is.annotations(), `'${256 * 1024 + 1} bytes' is not valid; annotations may hold at most 256 KiB in total`);
  });
  test('enumOf and oneOf', () => {
    fails('in', Is.enumOf(NodeOperator, 'NodeOperator'), "'in' is not valid; must be one of NodeOperator: 'In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'");
    fails('c', Is.oneOf(['a', 'b']), "'c' is not valid; must be one of 'a', 'b'");
  });
  test('paths', () => {
    fails('/a/../b', Is.absolutePath(), "'/a/../b' is not valid; must be an absolute path without '..' segments");
    fails('rel', Is.absolutePath(), "'rel' is not valid; must be an absolute path without '..' segments");
    fails('/abs', Is.relativePath(), "'/abs' is not valid; must be a relative path without '..' segments");
    fails('a/../../b', Is.relativePath(), "'a/../../b' is not valid; must be a relative path without '..' segments");
    passes('a/b', Is.relativePath());
  });
  test('envName and configKey', () => {
    fails('1X', Is.envName(), "'1X' is not valid; environment variable names consist of letters, digits, '_', '-' and '.', and must not start with a digit");
    fails('a/b', Is.configKey(), "'a/b' is not valid; keys of ConfigMaps and Secrets are at most 253 letters, digits, '-', '_' or '.'");
  });
  test('cron: a schedule that never fires', () => {
    fails('0 0 30 2 *', Is.cron(), "'0 0 30 2 *' is not valid; it never fires: no day 30 in February; must be a standard 5-field cron expression ('minute hour day-of-month month day-of-week', e.g. '0 2 * * *'), one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, or '@every <duration>' (e.g. '@every 3m')");
    fails('0 0 31 4,6 *', Is.cron(), "'0 0 31 4,6 *' is not valid; it never fires: no day 31 in April, June; must be a standard 5-field cron expression ('minute hour day-of-month month day-of-week', e.g. '0 2 * * *'), one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, or '@every <duration>' (e.g. '@every 3m')");
    passes('0 0 29 2 *', Is.cron());
    passes('0 0 30 2 1', Is.cron()); // day of week ORed: fires on Mondays in February
  });
  test('time zones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone(3)).toBe(false);
  });
});

describe('collections and objects', () => {
  test('arrayOf names the item and requires every item', () => {
    fails('x', Is.arrayOf(Is.string()), "'x' is not valid; must be an array");
    fails([], Is.arrayOf(Is.string(), 1), '[] is not valid; must be an array of at least 1 item');
    fails([1, 2, 3], Is.arrayOf(Is.integer(0), 0, 2), '[1,2,3] is not valid; must be an array of 0 to 2 items');
    expectValidationError(() => check(scope(), 'args', ['a', null], Is.strings()), '[test] args[1]: null is not valid; required: must be a string');
  });
  test('mapOf names the key and requires every value', () => {
    expectValidationError(() => check(scope(), 'conf', { a: undefined }, Is.mapOf(Is.string())), '[test] conf.a: undefined is not valid; required: must be a string');
    fails([], Is.mapOf(Is.string()), '[] is not valid; must be a map (an object of keys to values)');
  });
  test('shape names the member', () => {
    expectValidationError(() => check(scope(), 'taint', { key: 5 }, Is.shape({ key: Is.string() })), '[test] taint.key: 5 is not valid; must be a string');
    fails('x', Is.shape({}, 'must be a taint'), "'x' is not valid; must be a taint");
  });
  test('instance recognises a class by a member', () => {
    fails({}, Is.instance('_render', 'must be an EnvVarValue'), '{} is not valid; must be an EnvVarValue');
    fails('x', Is.instance('_render', 'must be an EnvVarValue'), "'x' is not valid; must be an EnvVarValue");
  });
  test('either', () => {
    fails(true, Is.either('a number or a string', Is.integer(0), Is.string()), 'true is not valid; a number or a string');
    passes('x', Is.either('a number or a string', Is.integer(0), Is.string()));
  });
  test('json', () => {
    fails({ a: () => 1 }, Is.json(), '{} is not valid; must be a JSON value: a string, a finite number, true, false, null, or arrays and objects of them');
    fails([1, NaN], Is.json(), '[1,NaN] is not valid; must be a JSON value: a string, a finite number, true, false, null, or arrays and objects of them');
    passes({ a: [1, 'x', true, null, { b: 2 }] }, Is.json());
  });
  test('present accepts anything but null', () => {
    passes(0, Is.present('x'));
    fails(null, Is.present('must be given'), 'null is not valid; must be given');
  });
});

describe('quantities', () => {
  test('size', () => {
    fails('16Gi', Is.size(), "'16Gi' is not valid; must be a Size, e.g. Size.gibibytes(16)");
    fails(withAmount(Size.gibibytes(1), NaN), Is.size(), "'NaN gibibytes' is not valid; must be a finite, non-negative Size");
    fails(Size.gibibytes(1e30), Is.size(), "'1e+30 gibibytes' is not valid; must be at most 8 EiB");
    fails(Size.kibibytes(0.3), Is.size(), "'0.3 kibibytes' is not valid; must be a whole number of bytes");
    fails(Size.gibibytes(0), Is.size(), "'0 gibibytes' is not valid; must be more than 0 bytes");
    fails(Size.kibibytes(1), Is.size(2048), "'1 kibibytes' is not valid; must be at least 2048 bytes");
    passes(Size.gibibytes(0), Is.size(0));
    passes(Size.kibibytes(0.5), Is.size());
  });
  test('cpu', () => {
    fails('2', Is.cpu(), "'2' is not valid; must be a Cpu, e.g. Cpu.units(2) or Cpu.millis(500)");
    fails(Cpu.units(NaN), Is.cpu(), "'NaN' is not valid; must be a finite, non-negative number of cores");
    fails(Cpu.units(1e30), Is.cpu(), "'1e+30' is not valid; must be a finite, non-negative number of cores");
    fails(Cpu.millis(0.5), Is.cpu(), "'0.5m' is not valid; must be a whole number of millicores (at most 3 decimals of a core)");
    fails(Cpu.units(0), Is.cpu(), "'0' is not valid; must be more than 0 cores");
    fails(Cpu.units(2000000), Is.cpu(), "'2000000' is not valid; must be at most 1000000 cores");
    passes(Cpu.units(0.25), Is.cpu());
  });
  test('duration', () => {
    fails(30, Is.duration('seconds'), '30 is not valid; must be a Duration, e.g. Duration.seconds(30)');
    fails(withAmount(Duration.seconds(1), Infinity), Is.duration('seconds'), 'Infinity is not valid; must be a finite, non-negative Duration');
    fails(Duration.millis(0.5), Is.duration('millis'), "'0.5 millis' is not valid; must be a whole number of milliseconds");
    fails(Duration.millis(1500), Is.duration('seconds'), "'1500ms' is not valid; must be a whole number of seconds");
    fails(Duration.seconds(0), Is.duration('seconds', 1, 10), "'0 seconds' is not valid; must be from 1 to 10 seconds");
    fails(Duration.days(1e9), Is.duration('millis'), "'1000000000 days' is not valid; must be from 0 to 3153600000000 milliseconds");
    passes(Duration.minutes(5), Is.duration('seconds'));
  });
});

test('checkWorkloadProps checks the props every workload shares', () => {
  expectValidationError(() => checkWorkloadProps(scope(), { annotations: { a: 1 } }), '[test] annotations.a: 1 is not valid; annotation values are strings');
  expectValidationError(() => checkWorkloadProps(scope(), { pool: 'gpu' }), "[test] pool: 'gpu' is not valid; must be a node pool (INodePool), e.g. a GpuNodePool or ExistingGpuNodes");
  expectValidationError(() => checkWorkloadProps(scope(), { imagePullSecrets: ['ok', 'Not OK'] }),
    "[test] imagePullSecrets[1]: 'Not OK' is not valid; must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', at most 253 characters");
  expectValidationError(() => checkWorkloadProps(scope(), null), '[test] props: null is not valid; required: must be an object of props');
});

describe('an app holds each object once', () => {
  test('two objects of the same kind, namespace and name are an error at synth', () => {
    const app = new App();
    const chart = new Chart(app, 'a', { namespace: 'team-a' });
    new ApiObject(chart, 'one', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
    const other = new Chart(app, 'b', { namespace: 'team-a' });
    new ApiObject(other, 'two', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
    checkProps(chart, {}, {});
    expectValidationError(() => app.synth(), "[b] name: 'settings' is not valid; ConfigMap 'team-a/settings' is also emitted by a/one; "
      + 'an app may hold each object (kind, namespace and name) only once: give one of them another name');
  });
  test('cluster-scoped objects clash whatever the charts namespaces', () => {
    const app = new App();
    const pool = () => ({ instances: GpuInstances.families(['g5']), nodeClass: { clusterName: 'c', role: 'r' }, name: 'gpu' });
    new GpuNodePool(new Chart(app, 'a', { namespace: 'x' }), 'pool', pool());
    new GpuNodePool(new Chart(app, 'b', { namespace: 'y' }), 'pool', pool());
    expectValidationError(() => app.synth(), "[b/pool] name: 'gpu' is not valid; EC2NodeClass 'gpu' is also emitted by a/pool/NodeClass; "
      + 'an app may hold each object (kind, namespace and name) only once: give one of them another name');
  });
  test('the same name in other namespaces or kinds is fine', () => {
    const app = new App();
    const a = new Chart(app, 'a', { namespace: 'x' });
    new ApiObject(a, 'one', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
    new ApiObject(a, 'two', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'settings' } });
    new ApiObject(new Chart(app, 'b', { namespace: 'y' }), 'one', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
    checkProps(a, {}, {});
    expect(() => app.synthYaml()).not.toThrow();
  });
});
