import { exampleSuite } from './example-suite';

exampleSuite('trainjob-torch');
