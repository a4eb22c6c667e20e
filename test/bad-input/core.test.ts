import { cases } from './core.cases';
import { badInputSuite } from './harness';

badInputSuite('core', cases, 3000);
