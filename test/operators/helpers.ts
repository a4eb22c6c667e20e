import { App, Chart, Testing } from 'cdk8s';
import { Construct } from 'constructs';

/** A fresh app and chart (no namespace) to declare installs in. */
export function installChart(): Chart {
  return new Chart(Testing.app(), 'test');
}

/** The synthesized objects of `chart`, keyed `Kind/namespace/name` (namespace empty for cluster-scoped objects). */
export function byKey(chart: Chart): Map<string, any> {
  const out = new Map<string, any>();
  for (const o of Testing.synth(chart)) out.set(`${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o);
  return out;
}

/**
 * The keys of the objects that differ between the synth of `declare` without and with `props` (objects added,
 * removed or changed), sorted.
 */
export function changedObjects(declare: (scope: Construct, props: any) => void, props: any): string[] {
  const base = installChart();
  declare(base, {});
  const changed = installChart();
  declare(changed, props);
  const a = byKey(base);
  const b = byKey(changed);
  const keys = new Set([...a.keys(), ...b.keys()]);
  return [...keys].filter(k => JSON.stringify(a.get(k)) !== JSON.stringify(b.get(k))).sort();
}

/** Synthesizes an app (runs the synth-time checks). */
export function synthApp(app: App): void {
  app.synth();
}
