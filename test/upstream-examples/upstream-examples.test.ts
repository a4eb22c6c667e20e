import * as fs from 'fs';
import * as path from 'path';
import { ALL_CASES } from './cases';
import {
  canonical, compareCase, normalization, Normalization, Outcome, rawDiff, readCase, readUpstream, remainingDifferences, synthCase, UpstreamCase,
} from './harness';
import { Errors } from '../../src';
import { UPSTREAM_PINS } from '../../src/core/versions';

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

/** The generated part of docs/upstream-examples.md: per operator, the counts and every example's outcome. */
function renderResults(): string {
  const components = [...new Set(CASES.map(c => c.component))];
  const count = (id: string, o: Outcome) => CASES.filter(c => c.component === id && c.outcome === o).length;
  const pinName = (id: string) => {
    const pin = UPSTREAM_PINS.find(p => p.id === id)!;
    return `${pin.name} ${pin.version}`;
  };
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const lines = [
    '| operator (pinned module) | examples | equal | differ | refused | not expressible |',
    '|---|---|---|---|---|---|',
    ...components.map(id => `| ${pinName(id)} | ${CASES.filter(c => c.component === id).length} | ${count(id, Outcome.EQUAL)} | `
      + `${count(id, Outcome.DIFFERS)} | ${count(id, Outcome.REFUSED)} | ${count(id, Outcome.NOT_EXPRESSIBLE)} |`),
    `| **all** | ${CASES.length} | ${CASES.filter(c => c.outcome === Outcome.EQUAL).length} | ${CASES.filter(c => c.outcome === Outcome.DIFFERS).length} | `
      + `${CASES.filter(c => c.outcome === Outcome.REFUSED).length} | ${CASES.filter(c => c.outcome === Outcome.NOT_EXPRESSIBLE).length} |`,
  ];
  for (const id of components) {
    lines.push('', `### ${pinName(id)}`, '', '| example | outcome | what remains, and why |', '|---|---|---|');
    for (const c of CASES.filter(x => x.component === id)) {
      const notes: string[] = [];
      for (const [p, why] of Object.entries(c.differences ?? {})) notes.push(`\`${p}\`: ${why}`);
      for (const [o, why] of Object.entries(c.extraObjects ?? {})) notes.push(`extra \`${o}\`: ${why}`);
      for (const [o, why] of Object.entries(c.missingObjects ?? {})) notes.push(`missing \`${o}\`: ${why}`);
      if (c.reason) notes.push(c.outcome === Outcome.REFUSED ? `the library's error: \`${c.reason}\`` : c.reason);
      const files = [c.file, ...(c.alsoFiles ?? [])].map(f => `\`${f}\``).join(' + ');
      lines.push(`| ${files} | ${c.outcome} | ${esc(notes.join('<br>'))} |`);
    }
  }
  return lines.join('\n');
}

const DOC = path.join(__dirname, '..', '..', 'docs', 'upstream-examples.md');
const BEGIN = '<!-- results: generated from test/upstream-examples (UPDATE_UPSTREAM_EXAMPLES_DOC=1 rewrites it) -->';
const END = '<!-- end of results -->';

test('docs/upstream-examples.md lists every example with its outcome, differences and reasons', () => {
  const doc = fs.readFileSync(DOC, 'utf8');
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  expect(start).toBeGreaterThan(-1);
  expect(end).toBeGreaterThan(start);
  const expected = `${BEGIN}\n${renderResults()}\n${END}`;
  if (process.env.UPDATE_UPSTREAM_EXAMPLES_DOC) {
    fs.writeFileSync(DOC, doc.slice(0, start) + expected + doc.slice(end + END.length));
    return;
  }
  expect(doc.slice(start, end + END.length)).toEqual(expected);
});

describe('the normalization hides only what it documents', () => {
  const upstream = readUpstream('spark-operator', 'examples/spark-pi.yaml')[0];

  test('a changed value stays a difference, also inside a security context', () => {
    const changed = JSON.parse(JSON.stringify(upstream));
    changed.spec.arguments = ['10'];
    changed.spec.driver.securityContext.runAsUser = 0;
    expect(remainingDifferences(changed, upstream).map(d => d.path)).toEqual(['spec.arguments[0]', 'spec.driver.securityContext.runAsUser']);
  });

  test('a field upstream writes and the library leaves out stays a difference unless it is the API default', () => {
    const dropped = JSON.parse(JSON.stringify(upstream));
    delete dropped.spec.mainClass;
    delete dropped.spec.mode; // the operator's default: cluster
    expect(remainingDifferences(dropped, upstream).map(d => d.path)).toEqual(['spec.mainClass']);
  });

  test('hardening the library adds, library labels and equal quantities are normalized, each for its reason', () => {
    const lib = JSON.parse(JSON.stringify(upstream));
    lib.spec.driver.podSecurityContext = { fsGroup: 185 };
    lib.spec.executor.labels = { ...lib.spec.executor.labels, 'ai-platform.cdk8s.io/job': 'spark-pi' };
    lib.spec.driver.coreRequest = '500m';
    const up = JSON.parse(JSON.stringify(upstream));
    up.spec.driver.coreRequest = '0.5';
    const reasons = rawDiff(canonical(lib), canonical(up)).map(d => [d.path, normalization(canonical(lib), canonical(up), d)]);
    expect(reasons).toEqual([
      ['spec.driver.coreRequest', Normalization.QUANTITY],
      ['spec.driver.podSecurityContext.fsGroup', Normalization.HARDENING],
      ['spec.executor.labels.ai-platform.cdk8s.io/job', Normalization.LIBRARY_LABEL],
    ]);
  });
});
