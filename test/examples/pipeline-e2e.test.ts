import { exampleSuite } from './example-suite';

exampleSuite('pipeline-e2e');
