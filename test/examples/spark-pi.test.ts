import { exampleSuite } from './example-suite';

exampleSuite('spark-pi');
