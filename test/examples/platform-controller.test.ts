import { exampleSuite } from './example-suite';

exampleSuite('platform-controller', { yamlSnapshot: true });
