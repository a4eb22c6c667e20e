import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthExample } from '../../scripts/synth-examples';
import { expectValid } from '../util';

/**
 * The tests every example gets: it synthesizes, every object validates against the pinned upstream
 * schemas, and the output matches its reviewed snapshot (one snapshot file per example).
 */
export function exampleSuite(name: string): void {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `aip-example-${name}-`));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));
  const ex = synthExample(name, outdir);

  test(`${name}: every object validates against the pinned upstream schemas`, () => {
    expectValid(ex.objects);
  });

  test(`${name}: output matches the reviewed snapshot`, () => {
    expect(ex.objects).toMatchSnapshot();
  });
}
