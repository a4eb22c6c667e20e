import { exampleSuite } from './example-suite';

exampleSuite('llm-finetune-production');
