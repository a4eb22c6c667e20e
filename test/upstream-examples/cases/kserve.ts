import { InferenceProtocol, InferenceService, ModelFormat, Predictor, StorageUri } from '../../../src';
import { Outcome, UpstreamCase } from '../harness';

const C = 'kserve';
const DIR = 'docs/samples';

export const KSERVE_CASES: UpstreamCase[] = [
  {
    component: C,
    file: `${DIR}/v1beta1/sklearn/v1/sklearn.yaml`,
    outcome: Outcome.EQUAL,
    build: chart => new InferenceService(chart, 'isvc', {
      name: 'sklearn-iris',
      predictor: Predictor.model({ format: ModelFormat.sklearn(), storageUri: StorageUri.gcs('kfserving-examples', 'models/sklearn/1.0/model') }),
    }),
  },
  {
    component: C,
    file: `${DIR}/v1beta1/sklearn/v2/sklearn.yaml`,
    outcome: Outcome.EQUAL,
    build: chart => new InferenceService(chart, 'isvc', {
      name: 'sklearn-irisv2',
      predictor: Predictor.model({ format: ModelFormat.sklearn(), protocol: InferenceProtocol.V2, storageUri: StorageUri.gcs('seldon-models', 'sklearn/iris') }),
    }),
  },
  {
    component: C,
    file: `${DIR}/v1beta1/xgboost/xgboost.yaml`,
    outcome: Outcome.EQUAL,
    build: chart => new InferenceService(chart, 'isvc', {
      name: 'xgboost-iris',
      predictor: Predictor.model({ format: ModelFormat.xgboost(), protocol: InferenceProtocol.V2, storageUri: StorageUri.gcs('kfserving-examples', 'models/xgboost/iris') }),
    }),
  },
  {
    component: C,
    file: `${DIR}/v1beta1/tensorflow/tensorflow.yaml`,
    outcome: Outcome.EQUAL,
    build: chart => new InferenceService(chart, 'isvc', {
      name: 'flower-sample',
      annotations: { 'serving.kserve.io/enable-metric-aggregation': 'true', 'serving.kserve.io/enable-prometheus-scraping': 'true' },
      predictor: Predictor.model({ format: ModelFormat.tensorflow(), storageUri: StorageUri.gcs('kfserving-examples', 'models/tensorflow/flowers') }),
    }),
  },
  {
    component: C,
    file: `${DIR}/storage/uri/sklearn.yaml`,
    outcome: Outcome.EQUAL,
    build: chart => new InferenceService(chart, 'isvc', {
      name: 'sklearn-from-uri',
      predictor: Predictor.model({
        format: ModelFormat.sklearn(),
        storageUri: StorageUri.https('https://github.com/tduffy000/kfserving-uri-examples/blob/master/sklearn/frozen/model.joblib?raw=true'),
      }),
    }),
  },
  {
    component: C,
    file: `${DIR}/v1beta1/transformer/torchserve_image_transformer/transformer.yaml`,
    outcome: Outcome.EQUAL,
    build: chart => new InferenceService(chart, 'isvc', {
      name: 'torch-transformer',
      transformer: { container: { name: 'kserve-container', image: 'kserve/image-transformer:latest' } },
      predictor: Predictor.model({ format: ModelFormat.pytorch(), storageUri: StorageUri.gcs('kfserving-examples', 'models/torchserve/image_classifier/v1') }),
    }),
  },
  {
    component: C,
    file: `${DIR}/v1beta1/custom/torchserve/torchserve-custom.yaml`,
    outcome: Outcome.REFUSED,
    build: chart => new InferenceService(chart, 'isvc', {
      name: 'torchserve-custom',
      predictor: Predictor.container({ container: { name: 'torchserve-container', image: '{username}/torchserve:latest' } }),
    }),
    // without the name, the placeholder image `{username}/torchserve:latest` is refused as well
    reason: "[upstream/isvc] predictor.container.name: 'torchserve-container' is not valid; KServe 0.20.0's defaulting webhook renames the only "
      + "container of a custom predictor to 'kserve-container', so the InferenceService in the cluster would differ from this one; leave name unset "
      + '(a predictor container keeps another name only beside sidecars)',
  },

  {
    component: C,
    file: `${DIR}/v1beta1/custom/torchserve/torchserve-custom-pv.yaml`,
    outcome: Outcome.REFUSED,
    build: chart => new InferenceService(chart, 'isvc', {
      name: 'torchserve-custom-pv',
      predictor: Predictor.container({ container: { name: 'kserve-container', image: '{username}/torchserve:latest' }, storageUri: StorageUri.pvc('model-pv-claim') }),
    }),
    reason: "[upstream/isvc] predictor.container.image: '{username}/torchserve:latest' is not valid; must be an image reference such as "
      + "'registry.example.com/team/trainer:1.4.2' or 'repo/name@sha256:<digest>'",
  },
];
