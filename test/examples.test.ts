import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { exampleNames, synthExample } from '../scripts/synth-examples';
import { SchemaValidator } from '../src/validation/schema-validator';

const outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'aip-examples-'));
afterAll(() => fs.rmSync(outRoot, { recursive: true, force: true }));

test('there are examples', () => {
  expect(exampleNames().length).toBeGreaterThan(0);
});

describe.each(exampleNames())('example %s', (name) => {
  const ex = synthExample(name, path.join(outRoot, name));

  test('synthesizes objects that validate against the pinned upstream schemas', () => {
    expect(ex.objects.length).toBeGreaterThan(0);
    const result = SchemaValidator.default().validateAll(ex.objects);
    expect(result.violations).toEqual([]);
    expect(result.unchecked).toEqual([]);
  });

  test('output matches the reviewed snapshot', () => {
    expect(ex.objects).toMatchSnapshot();
  });
});
