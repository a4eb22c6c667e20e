import { badInputSuite } from './harness';
import { cases } from './training.cases';

badInputSuite('training', cases, 1000);
