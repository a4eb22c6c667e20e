// Prints a case's library output and remaining differences: npx ts-node --transpile-only -P test/tsconfig.json test/upstream-examples/show.ts <file>
import * as YAML from 'yaml';
import { ALL_CASES } from './cases';
import { compareCase, readCase, synthCase } from './harness';

const file = process.argv[2];
const c = ALL_CASES.find(x => x.file === file)!;
const upstream = readCase(c);
const library = synthCase(c, upstream);
if (process.argv[3] === 'yaml') process.stdout.write(library.map(o => YAML.stringify(o)).join('---\n'));
const r = compareCase(library, upstream);
console.log(JSON.stringify(r, null, 1));
