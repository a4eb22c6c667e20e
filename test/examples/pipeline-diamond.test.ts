import { exampleSuite } from './example-suite';

exampleSuite('pipeline-diamond');
