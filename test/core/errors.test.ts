import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { checkInteger, describeValue, Errors, invalid, ValidationError } from '../../src/core/errors';
import { expectValidationError } from '../util';

test('ValidationError names the construct path, the field, the bad value and what is accepted', () => {
  const chart = Testing.chart();
  const scope = new Construct(chart, 'spark-pi');
  const e = new ValidationError(scope, 'driver.cores', 0, 'must be an integer of at least 1');
  expect(e.message).toBe('[test/spark-pi] driver.cores: 0 is not valid; must be an integer of at least 1');
  expect(e.name).toBe('ValidationError');
  expect(e.constructPath).toBe('test/spark-pi');
  expect(e.field).toBe('driver.cores');
  expect(e.accepted).toBe('must be an integer of at least 1');
  expect(e).toBeInstanceOf(Error);
  expect(e).toBeInstanceOf(ValidationError);
});

test('ValidationError of the root construct names <root>', () => {
  const app = Testing.app();
  expect(app.node.path).toBe('');
  const e = new ValidationError(app, 'x', 'y', 'z');
  expect(e.message).toBe("[<root>] x: 'y' is not valid; z");
  expect(e.constructPath).toBe('<root>');
});

test('Errors.isValidationError recognizes only the library error', () => {
  const e = new ValidationError(Testing.chart(), 'f', 1, 'a');
  expect(Errors.isValidationError(e)).toBe(true);
  expect(Errors.isValidationError(new Error('[test] f: 1 is not valid; a'))).toBe(false);
  expect(Errors.isValidationError(null)).toBe(false);
  expect(Errors.isValidationError(undefined)).toBe(false);
  expect(Errors.isValidationError('ValidationError')).toBe(false);
  expect(Errors.isValidationError({ name: 'ValidationError', message: 'x' })).toBe(false);
});

test('the error brand is not enumerable and is inherited by derived objects', () => {
  const e = new ValidationError(Testing.chart(), 'f', 1, 'a');
  expect(Object.keys(e)).not.toContain('cdk8s-ai-platform.ValidationError');
  expect(Errors.isValidationError(Object.create(e))).toBe(true);
});

test('describeValue quotes strings and renders other values as JSON', () => {
  expect(describeValue('abc')).toBe("'abc'");
  expect(describeValue('')).toBe("''");
  expect(describeValue(undefined)).toBe('undefined');
  expect(describeValue(null)).toBe('null');
  expect(describeValue(0)).toBe('0');
  expect(describeValue(1.5)).toBe('1.5');
  expect(describeValue(true)).toBe('true');
  expect(describeValue([])).toBe('[]');
  expect(describeValue(['a', 1])).toBe('["a",1]');
  expect(describeValue({ a: 1 })).toBe('{"a":1}');
});

test('describeValue truncates long values to 120 characters', () => {
  const long = Array.from({ length: 100 }, (_, i) => i);
  const s = describeValue(long);
  expect(s.length).toBe(120);
  expect(s.endsWith('...')).toBe(true);
  expect(s.startsWith('[0,1,2,3')).toBe(true);
  // exactly 120 characters are kept as they are
  const exact = JSON.stringify(['x'.repeat(116)]);
  expect(exact.length).toBe(120);
  expect(describeValue(['x'.repeat(116)])).toBe(exact);
});

test('describeValue falls back to String() for values JSON cannot render', () => {
  const circular: any = { toString: () => 'circular thing' };
  circular.self = circular;
  expect(describeValue(circular)).toBe('circular thing');
  expect(describeValue(BigInt(7))).toBe('7');
});

test('invalid() throws a ValidationError', () => {
  const chart = Testing.chart();
  const e = expectValidationError(() => invalid(chart, 'spec.replicas', -1, 'must be positive'),
    /^\[test\] spec\.replicas: -1 is not valid; must be positive$/);
  expect(e.field).toBe('spec.replicas');
  expect(e.constructPath).toBe('test');
});

test('checkInteger accepts undefined and integers in range', () => {
  const chart = Testing.chart();
  expect(() => checkInteger(chart, 'n', undefined, 1)).not.toThrow();
  expect(() => checkInteger(chart, 'n', 1, 1)).not.toThrow();
  expect(() => checkInteger(chart, 'n', 1_000_000, 1)).not.toThrow();
  expect(() => checkInteger(chart, 'n', 5, 1, 5)).not.toThrow();
  expect(() => checkInteger(chart, 'n', 0, 0, 0)).not.toThrow();
});

test('checkInteger without a maximum rejects values below the minimum', () => {
  const chart = Testing.chart();
  expectValidationError(() => checkInteger(chart, 'driver.cores', 0, 1),
    /^\[test\] driver\.cores: 0 is not valid; must be an integer of at least 1$/);
  expectValidationError(() => checkInteger(chart, 'driver.cores', -3, 0),
    /^\[test\] driver\.cores: -3 is not valid; must be an integer of at least 0$/);
});

test('checkInteger rejects non-integers', () => {
  const chart = Testing.chart();
  expectValidationError(() => checkInteger(chart, 'driver.cores', 1.5, 1),
    /^\[test\] driver\.cores: 1\.5 is not valid; must be an integer of at least 1$/);
  expectValidationError(() => checkInteger(chart, 'driver.cores', NaN, 1),
    /^\[test\] driver\.cores: NaN is not valid; must be an integer of at least 1$/);
  expectValidationError(() => checkInteger(chart, 'driver.cores', Infinity, 1),
    /^\[test\] driver\.cores: Infinity is not valid; must be an integer of at least 1$/);
  expectValidationError(() => checkInteger(chart, 'driver.cores', '2' as any, 1),
    /^\[test\] driver\.cores: '2' is not valid; must be an integer of at least 1$/);
});

test('checkInteger with a maximum names the range', () => {
  const chart = Testing.chart();
  expectValidationError(() => checkInteger(chart, 'port', 65536, 1, 65535),
    /^\[test\] port: 65536 is not valid; must be an integer from 1 to 65535$/);
  expectValidationError(() => checkInteger(chart, 'port', 0, 1, 65535),
    /^\[test\] port: 0 is not valid; must be an integer from 1 to 65535$/);
  expectValidationError(() => checkInteger(chart, 'port', 80.5, 1, 65535),
    /^\[test\] port: 80\.5 is not valid; must be an integer from 1 to 65535$/);
});
