import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthExample } from '../../scripts/synth-examples';
import * as serializer from '../../src/platform/jest-serializer';
import { PlatformTesting } from '../../src/platform/testing';

/** Options of {@link exampleSuite}. */
export interface ExampleSuiteOptions {
  /**
   * Write the snapshot with the platform's snapshot serializer (YAML documents, CRD schemas as digests) rather than
   * jest's default format.
   */
  readonly yamlSnapshot?: boolean;
}

/**
 * The tests every example gets, through the blueprint testing kit (`PlatformTesting`): it synthesizes, every object
 * validates against the pinned upstream schemas and every pod template meets the restricted Pod Security Standard
 * (or the level it explicitly opts out to), and the output matches its reviewed snapshot (one snapshot file per
 * example).
 */
export function exampleSuite(name: string, options: ExampleSuiteOptions = {}): void {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `aip-example-${name}-`));
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));
  const ex = synthExample(name, outdir);
  if (options.yamlSnapshot) expect.addSnapshotSerializer(serializer);

  test(`${name}: every object validates against the pinned upstream schemas and the restricted Pod Security Standard`, () => {
    expect(ex.objects.length).toBeGreaterThan(0);
    expect(PlatformTesting.problems(ex.objects)).toEqual([]);
  });

  test(`${name}: output matches the reviewed snapshot`, () => {
    expect(ex.objects).toMatchSnapshot();
  });
}
