import { ALL_CASES } from './cases';
import { compareCase, Outcome, readCase, synthCase, UpstreamCase } from './harness';
import { Errors } from '../../src';

const CASES: UpstreamCase[] = ALL_CASES;

describe.each(CASES.map(c => [`${c.component}: ${c.file}`, c] as [string, UpstreamCase]))('%s', (_, c) => {
  test(c.outcome, () => {
    const upstream = readCase(c);
    expect(upstream.length).toBeGreaterThan(0);
    if (c.outcome === Outcome.NOT_EXPRESSIBLE) {
      expect(c.reason).toBeTruthy();
      expect(c.build).toBeUndefined();
      return;
    }
    if (c.outcome === Outcome.REFUSED) {
      let message: string | undefined;
      try {
        synthCase(c, upstream);
      } catch (e) {
        expect(Errors.isValidationError(e)).toBe(true);
        message = (e as Error).message;
      }
      expect(message).toEqual(c.reason);
      return;
    }
    const library = synthCase(c, upstream);
    const { differences, extra, missing } = compareCase(library, upstream);
    expect(missing.sort()).toEqual(Object.keys(c.missingObjects ?? {}).sort());
    expect(extra.sort()).toEqual(Object.keys(c.extraObjects ?? {}).sort());
    const found = Object.fromEntries(Object.entries(differences).map(([p, d]) => [p, { library: d.library, upstream: d.upstream }]));
    if (c.outcome === Outcome.EQUAL) {
      expect(found).toEqual({});
    } else {
      // a declared path covers the differences at or below it
      const declared = Object.keys(c.differences ?? {});
      const covers = (d: string, f: string) => f === d || f.startsWith(`${d}.`) || f.startsWith(`${d}[`);
      expect(Object.keys(found).filter(f => !declared.some(d => covers(d, f)))).toEqual([]);
      expect(declared.filter(d => !Object.keys(found).some(f => covers(d, f)))).toEqual([]);
    }
  });
});
