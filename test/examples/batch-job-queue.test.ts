import { exampleSuite } from './example-suite';

exampleSuite('batch-job-queue');
