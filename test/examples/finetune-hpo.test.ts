import { exampleSuite } from './example-suite';

exampleSuite('finetune-hpo');
