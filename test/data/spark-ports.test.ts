import { Chart, Testing } from 'cdk8s';
import { ImagePullPolicy, Protocol } from 'cdk8s-plus-28';
import { SparkApplicationType, SparkJob, SparkJobProps, SparkMonitoring } from '../../src';
import { expectValidationError, synthValid } from '../util';

const PI: SparkJobProps = {
  name: 'pi',
  type: SparkApplicationType.PYTHON,
  sparkVersion: '3.5.5',
  image: 'docker.io/apache/spark:3.5.5',
  mainApplicationFile: 'local:///opt/spark/examples/src/main/python/pi.py',
};

function chart(): Chart {
  return new Chart(Testing.app(), 'test', { namespace: 'spark' });
}

function job(props: Partial<SparkJobProps>, c: Chart = chart()): SparkJob {
  return new SparkJob(c, 'job', { ...PI, ...props } as SparkJobProps);
}

test('driver and executor ports go in their pod templates, beside the metrics port; the pull policy is the application\'s', () => {
  const c = chart();
  job({
    imagePullPolicy: ImagePullPolicy.ALWAYS,
    driver: { ports: [{ number: 8888, name: 'notebook' }] },
    executor: { ports: [{ number: 5005, name: 'jdwp', protocol: Protocol.TCP }] },
    monitoring: SparkMonitoring.prometheus({ jmxExporterJar: '/prometheus/jmx.jar' }),
  }, c);
  const spec = synthValid(c).find(o => o.kind === 'SparkApplication').spec;
  expect(spec.imagePullPolicy).toBe('Always');
  expect(spec.driver.template.spec.containers[0].ports).toEqual([{ containerPort: 8888, name: 'notebook' }, { containerPort: 8090, name: 'jmx-exporter' }]);
  expect(spec.executor.template.spec.containers[0].ports).toEqual([{ containerPort: 5005, name: 'jdwp', protocol: 'TCP' }, { containerPort: 8090, name: 'jmx-exporter' }]);
});

test.each([
  ['a port out of range', { driver: { ports: [{ number: 0 }] } }, '[test/job] driver.ports[0].number: 0 is not valid; must be an integer from 1 to 65535'],
  ['a port name that is not an IANA service name', { executor: { ports: [{ number: 5005, name: 'Debug' }] } },
    "[test/job] executor.ports[0].name: 'Debug' is not valid; port names are IANA service names: at most 15 lowercase letters, digits and single hyphens, with at least one letter"],
  ['a protocol outside the enum', { driver: { ports: [{ number: 5005, protocol: 'ICMP' as Protocol }] } },
    "[test/job] driver.ports[0].protocol: 'ICMP' is not valid; must be one of Protocol: 'TCP', 'UDP', 'SCTP'"],
  ['a port name Spark uses itself', { driver: { ports: [{ number: 4041, name: 'spark-ui' }] } },
    "[test/job] driver.ports[0].name: 'spark-ui' is not valid; Spark names its own ports 'driver-rpc-port', 'blockmanager', 'spark-ui'; choose another name"],
  ['a port name used twice', { driver: { ports: [{ number: 1, name: 'a' }, { number: 2, name: 'a' }] } },
    "[test/job] driver.ports[1].name: 'a' is not valid; port names must be unique within a pod"],
  ['the metrics port again', { driver: { ports: [{ number: 8090, name: 'metrics' }] }, monitoring: SparkMonitoring.prometheus({ jmxExporterJar: '/j.jar' }) },
    '[test/job] monitoring.port: 8090 is not valid; each port may be listed only once per protocol (TCP) in a container'],
  ['a pull policy outside the enum', { imagePullPolicy: 'Sometimes' as ImagePullPolicy },
    "[test/job] imagePullPolicy: 'Sometimes' is not valid; must be one of ImagePullPolicy: 'Always', 'IfNotPresent', 'Never'"],
])('error: %s', (_, props, message) => {
  expectValidationError(() => job(props as Partial<SparkJobProps>), message);
});
