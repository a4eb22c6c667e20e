import { exampleSuite } from './example-suite';

exampleSuite('trainjob-custom-runtime');
