import { exampleSuite } from './example-suite';

exampleSuite('llm-serving-production');
