import { cases } from './core.cases';
import { badInputSuite } from './harness';

badInputSuite('core', cases, 1000);
