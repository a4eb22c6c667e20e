import { Duration, Testing } from 'cdk8s';
import { CronSchedule } from '../../src';
import { cronProblem } from '../../src/data/cron-schedule';
import { expectValidationError } from '../util';

test.each([
  '0 2 * * *', '*/15 * * * MON-FRI', '0 0 1 jan,jul *', '5,35 8-18/2 ? * sun', '59 23 31 12 6', '0 0 * * 0-6',
  '@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly', '@every 3m', '@every 1h30m', '@every 1.5h',
])('accepts %s', (expr) => {
  expect(cronProblem(expr)).toBeUndefined();
});

test.each([
  ['', 'the schedule is empty'],
  ['0 2 * *', 'expected exactly 5 fields, found 4'],
  ['0 0 2 * * *', 'expected exactly 5 fields, found 6'],
  ['60 * * * *', "minute field '60': 60 is above the maximum 59"],
  ['* * 0 * *', "day of month field '0': 0 is below the minimum 1"],
  ['* * * * 7', "day of week field '7': 7 is above the maximum 6"],
  ['* * * foo *', "month field 'foo': 'foo' is not a number or name"],
  ['10-5 * * * *', "minute field '10-5': the range starts (10) after it ends (5)"],
  ['*/0 * * * *', "minute field '*/0': the step must be positive"],
  ['1-2-3 * * * *', "minute field '1-2-3': too many hyphens"],
  ['*/2/3 * * * *', "minute field '*/2/3': too many slashes"],
  ['@reboot', "unrecognized descriptor '@reboot'"],
  ['@every 3', "'3' is not a duration such as '90s', '3m' or '1h30m'"],
  ['@every 500ms', 'an @every interval must be at least one second'],
  ['CRON_TZ=UTC 0 2 * * *', 'a time zone prefix is not accepted here (set the time zone option instead)'],
])('rejects %j: %s', (expr, problem) => {
  expect(cronProblem(expr)).toBe(problem);
});

test('every() renders Go durations', () => {
  expect(CronSchedule.every(Duration.minutes(3)).expressionString).toBe('@every 3m');
  expect(CronSchedule.every(Duration.seconds(5400)).expressionString).toBe('@every 1h30m');
  expect(CronSchedule.every(Duration.seconds(90)).expressionString).toBe('@every 1m30s');
  expect(CronSchedule.every(Duration.hours(24)).expressionString).toBe('@every 24h');
  expect(CronSchedule.hourly().expressionString).toBe('@hourly');
  expect(CronSchedule.weekly().expressionString).toBe('@weekly');
});

test('an invalid schedule is reported with the construct path, the field and what is accepted', () => {
  const chart = Testing.chart();
  expectValidationError(() => CronSchedule.every(Duration.millis(200))._validate(chart, 'schedule'),
    /^\[test\] schedule: '@every 0\.2s' is not valid; an @every interval must be at least one second; must be a standard 5-field cron expression \('minute hour day-of-month month day-of-week', e\.g\. '0 2 \* \* \*'\), one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, or '@every <duration>' \(e\.g\. '@every 3m'\)$/);
});

test('every() with something that is not a finite Duration: the using construct reports it with the library\'s error', () => {
  const chart = Testing.chart();
  expectValidationError(() => CronSchedule.every(Duration.seconds(NaN))._validate(chart, 'run.schedule'),
    /^\[test\] run\.schedule: '@every NaN' is not valid; 'NaN' is not a duration such as '90s', '3m' or '1h30m'; must be a standard 5-field cron expression/);
  expectValidationError(() => CronSchedule.every(90 as any)._validate(chart, 'run.schedule'),
    /^\[test\] run\.schedule: '@every 90' is not valid; '90' is not a duration such as '90s', '3m' or '1h30m'; /);
});
