import { cases } from './compute.cases';
import { badInputSuite } from './harness';

badInputSuite('compute', cases, 1000);
