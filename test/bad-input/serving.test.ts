import { badInputSuite } from './harness';
import { cases } from './serving.cases';

badInputSuite('serving', cases, 1000);
