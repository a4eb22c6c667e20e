import { exampleSuite } from './example-suite';

exampleSuite('dataset-cache');
