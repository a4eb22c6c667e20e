import { exampleSuite } from './example-suite';

exampleSuite('secure-gpu-job');
