import { exampleSuite } from './example-suite';

exampleSuite('katib-mnist-random');
