import { exampleSuite } from './example-suite';

exampleSuite('training-roles');
