import { exampleSuite } from './example-suite';

exampleSuite('gpu-pool');
