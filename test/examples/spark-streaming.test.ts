import { exampleSuite } from './example-suite';

exampleSuite('spark-streaming');
