import { Size } from 'cdk8s';
import { CacheMedium, CacheRuntime, Dataset, DatasetMount } from '../../../src';
import { Outcome, UpstreamCase } from '../harness';

const C = 'fluid';

const MEMORY_TIER = { medium: CacheMedium.MEMORY, quota: Size.gibibytes(2), highWatermark: 0.95, lowWatermark: 0.7 };

export const FLUID_CASES: UpstreamCase[] = [
  {
    component: C,
    file: 'samples/dataload/dataset.yaml',
    alsoFiles: ['samples/dataload/dataload.yaml'],
    outcome: Outcome.EQUAL,
    build: chart => {
      const spark = new Dataset(chart, 'spark', {
        name: 'spark',
        namespace: 'default',
        mounts: [DatasetMount.fromUri('https://mirrors.bit.edu.cn/apache/spark/', { name: 'spark' })],
        runtime: CacheRuntime.alluxio({ replicas: 2, tiers: [MEMORY_TIER] }),
      });
      spark.warmUp('load', {
        name: 'spark-dataload',
        loadMetadata: true,
        targets: [{ path: '/spark/spark-2.4.7', replicas: 1 }, { path: '/spark/spark-3.0.1/pyspark-3.0.1.tar.gz', replicas: 2 }],
      });
    },
  },
  {
    component: C,
    file: 'samples/accelerate/dataset.yaml',
    outcome: Outcome.EQUAL,
    build: chart => new Dataset(chart, 'hbase', {
      name: 'hbase',
      mounts: [DatasetMount.fromUri('https://mirrors.bit.edu.cn/apache/hbase/stable/', { name: 'hbase', path: '/' })],
      runtime: CacheRuntime.alluxio({ replicas: 2, tiers: [MEMORY_TIER] }),
    }),
  },
  {
    component: C,
    file: 'config/samples/data_v1alpha1_dataload.yaml',
    outcome: Outcome.NOT_EXPRESSIBLE,
    reason: 'a kubebuilder scaffold (`spec: { foo: bar }`), not a valid DataLoad: the pinned CRD has no field `foo` and requires `dataset`',
  },
];
