import { exampleSuite } from './example-suite';

exampleSuite('batch-queue');
