import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { synthExample } from '../../scripts/synth-examples';
import * as serializer from '../../src/platform/jest-serializer';
import { PlatformTesting } from '../../src/platform/testing';
import { stringifyYaml } from '../../src/platform/yaml-writer';

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
 * (or the level it explicitly opts out to), the output matches its reviewed snapshot (one snapshot file per
 * example), and PlatformApp's YAML writer writes its objects byte for byte as cdk8s does.
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

  test(`${name}: PlatformApp's YAML writer writes these objects as cdk8s's Yaml.stringify does`, () => {
    expect(stringifyYaml(ex.objects)).toEqual(Yaml.stringify(...ex.objects));
  });
}
