import { StorageScheme, StorageUri } from '../../src';

test('each factory renders the URI KServe v0.20.0 reads', () => {
  expect(StorageUri.s3('models', '/iris/v1/').uri).toBe('s3://models/iris/v1');
  expect(StorageUri.gcs('kfserving-examples', 'models/sklearn/1.0/model').uri).toBe('gs://kfserving-examples/models/sklearn/1.0/model');
  expect(StorageUri.pvc('llama-weights', 'models/llama').uri).toBe('pvc://llama-weights/models/llama');
  expect(StorageUri.pvc('llama-weights').uri).toBe('pvc://llama-weights');
  expect(StorageUri.huggingFace('meta-llama/Llama-2-7b-chat-hf').uri).toBe('hf://meta-llama/Llama-2-7b-chat-hf');
  expect(StorageUri.huggingFace('meta-llama/Llama-2-7b-chat-hf', 'main').uri).toBe('hf://meta-llama/Llama-2-7b-chat-hf:main');
  expect(StorageUri.https('https://example.com/model.joblib').scheme).toBe(StorageScheme.HTTPS);
  const oci = StorageUri.oci('registry.example.com/models/llama:1.0');
  expect(oci.uri).toBe('oci://registry.example.com/models/llama:1.0');
  expect(oci.image).toBe('registry.example.com/models/llama:1.0');
  expect(StorageUri.s3('models').image).toBeUndefined();
});

test('parse round-trips every scheme', () => {
  for (const uri of ['s3://models/iris', 'gs://b/p/q', 'pvc://claim/path', 'hf://org/model:rev', 'https://example.com/m.bin', 'oci://r.example.com/m:1']) {
    expect(StorageUri.parse(uri).uri).toBe(uri);
  }
  expect(StorageUri.parse('hf://org/model').scheme).toBe(StorageScheme.HUGGING_FACE);
});
