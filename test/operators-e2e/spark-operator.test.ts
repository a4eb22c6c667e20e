/**
 * The Spark operator v2.5.2 controller acts on the SparkApplication of the `spark-pi` example. Its driver pod is
 * created by spark-submit (a JVM and a Spark distribution), which this machine does not have, so what is asserted is
 * what the controller records: it picks the application up in the namespace the install watches, runs its
 * submission and records the outcome, with the library's restart policy.
 */
import { Chart } from 'cdk8s';
import { Harness, KObject, loadExample, newApp, operatorBuilt } from './harness';
import { startSparkController } from './operators';
import { AiPlatform, SparkOperatorInstall } from '../../src';

const NS = 'spark-jobs';

// the operators react within seconds, but a loaded CI machine may take longer than jest's default
jest.setTimeout(180_000);

let h: Harness | undefined;
const built = operatorBuilt('spark-operator');
const t = built ? test : test.skip;

beforeAll(async () => {
  if (!built) return;
  const { SparkPiChart } = loadExample('spark-pi');
  const app = newApp();
  const platformChart = new Chart(app, 'platform');
  const spark = new SparkOperatorInstall(platformChart, 'spark-operator', { jobNamespaces: [NS] });
  const platform = new AiPlatform(platformChart, 'ai', { operators: [spark], namespaces: [NS], checkOperators: false });
  const example: Chart = new SparkPiChart(app, 'spark-pi');

  h = await Harness.start();
  // the install's job namespace objects (the driver's ServiceAccount and RBAC) go into the platform's namespace
  await h.apply([platform.namespaces[0].apiObject.toJson()]);
  await startSparkController(h, spark);
  await h.apply(example.toJson().filter((o: KObject) => o.kind !== 'Namespace'));
}, 300_000);

afterAll(async () => {
  await h?.stop();
});

t('SparkApplication → the controller runs its submission and records the outcome', async () => {
  const app = await h!.waitFor('the SparkApplication\'s state', async () => {
    const a = await h!.get(`/apis/sparkoperator.k8s.io/v1beta2/namespaces/${NS}/sparkapplications/pyspark-pi`);
    return a?.status?.applicationState?.state ? a : undefined;
  });
  // without spark-submit on this machine the submission fails; the controller says why and counts the attempt
  expect(app.status.applicationState.state).toMatch(/^(SUBMISSION_FAILED|FAILED)$/);
  expect(app.status.applicationState.errorMessage).toMatch(/spark-submit/);
  expect(app.status.submissionAttempts).toBeGreaterThanOrEqual(1);
  expect(app.spec.restartPolicy).toEqual({ type: 'OnFailure', onFailureRetries: 3, onFailureRetryInterval: 10 });
});
