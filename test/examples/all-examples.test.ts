import * as fs from 'fs';
import * as path from 'path';
import { exampleNames } from '../../scripts/synth-examples';

test('every example has its own test file', () => {
  const names = exampleNames();
  expect(names.length).toBeGreaterThan(0);
  const missing = names.filter(n => !fs.existsSync(path.join(__dirname, `${n}.test.ts`)));
  expect(missing).toEqual([]);
});
