import { exampleSuite } from './example-suite';

exampleSuite('sklearn-canary');
