import { exampleSuite } from './example-suite';

exampleSuite('pytorch-ddp');
