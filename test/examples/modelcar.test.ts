import { exampleSuite } from './example-suite';

exampleSuite('modelcar');
