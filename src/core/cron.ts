/*
 * Cron expressions as the Kubeflow Spark operator, Fluid, Argo and Karpenter read them (robfig/cron's standard
 * parser): 5 fields, descriptors and '@every <duration>'. Shared by every construct that takes a schedule.
 */

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: Record<string, number>;
}

const FIELDS: CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 },
  },
  { name: 'day of week', min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } },
];

const DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

/** A Go `time.ParseDuration` string such as `3m`, `1h30m` or `1.5h`. */
const GO_DURATION = /^(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h)(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))*$/;
const GO_UNIT_SECONDS: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, μs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };

/** Days of each month in a leap year (a schedule that fires only on Feb 29 still fires). */
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** @internal */
export const CRON_ACCEPTED = "must be a standard 5-field cron expression ('minute hour day-of-month month day-of-week', e.g. '0 2 * * *'), "
  + `one of ${DESCRIPTORS.join(', ')}, or '@every <duration>' (e.g. '@every 3m')`;

/** What is wrong with a cron expression, or undefined when it parses. */
export function cronProblem(expression: string): string | undefined {
  if (typeof expression !== 'string') return 'the schedule is not a string';
  const spec = expression.trim();
  if (spec === '') return 'the schedule is empty';
  if (/^(CRON_)?TZ=/.test(spec)) return 'a time zone prefix is not accepted here (set the time zone option instead)';
  if (spec.startsWith('@')) {
    if (DESCRIPTORS.includes(spec)) return undefined;
    if (spec.startsWith('@every ')) {
      const d = spec.slice('@every '.length).trim();
      if (!GO_DURATION.test(d)) return `'${d}' is not a duration such as '90s', '3m' or '1h30m'`;
      const total = [...d.matchAll(/((?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(ns|us|µs|μs|ms|s|m|h)/g)]
        .reduce((sum, m) => sum + parseFloat(m[1]) * GO_UNIT_SECONDS[m[2]], 0);
      if (total < 1) return 'an @every interval must be at least one second';
      return undefined;
    }
    return `unrecognized descriptor '${spec.split(/\s+/)[0]}'`;
  }
  const fields = spec.split(/\s+/);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}`;
  for (let i = 0; i < 5; i++) {
    const problem = fieldProblem(fields[i], FIELDS[i]);
    if (problem !== undefined) return `${FIELDS[i].name} field '${fields[i]}': ${problem}`;
  }
  // With an unrestricted day of week, the days of month must exist in one of the months (robfig/cron, like cron,
  // ORs day of month and day of week only when both are restricted).
  if (isWildcard(fields[4])) {
    const days = fieldValues(fields[2], FIELDS[2]);
    const months = fieldValues(fields[3], FIELDS[3]);
    if (![...months].some(m => [...days].some(d => d <= DAYS_IN_MONTH[m - 1]))) {
      return `it never fires: no day ${[...days].join(', ')} in ${[...months].map(m => MONTHS[m - 1]).join(', ')}`;
    }
  }
  return undefined;
}

function isWildcard(field: string): boolean {
  return field === '*' || field === '?';
}

/** The values a (valid) field selects. */
function fieldValues(field: string, bounds: CronField): Set<number> {
  const out = new Set<number>();
  for (const expr of field.split(',')) {
    const [range, step] = expr.split('/');
    const [low, high] = range.split('-');
    const wild = low === '*' || low === '?';
    const start = wild ? bounds.min : parseValue(low, bounds)!;
    const end = wild || (step !== undefined && high === undefined) ? bounds.max : high !== undefined ? parseValue(high, bounds)! : start;
    for (let v = start; v <= end; v += step !== undefined ? Number(step) : 1) out.add(v);
  }
  return out;
}

function fieldProblem(field: string, bounds: CronField): string | undefined {
  for (const expr of field.split(',')) {
    const rangeAndStep = expr.split('/');
    if (rangeAndStep.length > 2) return 'too many slashes';
    const lowAndHigh = rangeAndStep[0].split('-');
    let start: number;
    let end: number;
    if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
      if (lowAndHigh.length > 1) return `'${rangeAndStep[0]}' is not a range`;
      start = bounds.min;
      end = bounds.max;
    } else {
      if (lowAndHigh.length > 2) return 'too many hyphens';
      const s = parseValue(lowAndHigh[0], bounds);
      if (s === undefined) return `'${lowAndHigh[0]}' is not a number${bounds.names ? ' or name' : ''}`;
      start = s;
      end = s;
      if (lowAndHigh.length === 2) {
        const e = parseValue(lowAndHigh[1], bounds);
        if (e === undefined) return `'${lowAndHigh[1]}' is not a number${bounds.names ? ' or name' : ''}`;
        end = e;
      }
    }
    if (rangeAndStep.length === 2) {
      if (!/^[0-9]+$/.test(rangeAndStep[1])) return `step '${rangeAndStep[1]}' is not a positive integer`;
      if (Number(rangeAndStep[1]) === 0) return 'the step must be positive';
      if (lowAndHigh.length === 1) end = bounds.max; // 'N/step' means 'N-max/step'
    }
    if (start < bounds.min) return `${start} is below the minimum ${bounds.min}`;
    if (end > bounds.max) return `${end} is above the maximum ${bounds.max}`;
    if (start > end) return `the range starts (${start}) after it ends (${end})`;
  }
  return undefined;
}

function parseValue(s: string, bounds: CronField): number | undefined {
  const named = bounds.names?.[s.toLowerCase()];
  if (named !== undefined) return named;
  return /^[0-9]+$/.test(s) ? Number(s) : undefined;
}
