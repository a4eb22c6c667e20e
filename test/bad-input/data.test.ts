import { cases } from './data.cases';
import { badInputSuite } from './harness';

badInputSuite('data', cases, 1000);
