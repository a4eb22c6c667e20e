import { exampleSuite } from './example-suite';

exampleSuite('inference-graph');
