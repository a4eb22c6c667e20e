import { Errors } from '../../src';

// Every jsii language receives the library's validation error as its message: Python's RuntimeError has the message
// alone, Java's JsiiError has the message followed by the JavaScript stack (which repeats it), Go's error has the
// message. The parts are the same in each (test/bindings runs the real bindings).
const MESSAGE = '[jobs/pi] driver.cores: 0 is not valid; must be an integer from 1 to 2147483647';
const PARTS = { constructPath: 'jobs/pi', field: 'driver.cores', value: '0', accepted: 'must be an integer from 1 to 2147483647' };

test('a Java JsiiError message (message, then the JavaScript stack) parses to the same parts', () => {
  const java = `${MESSAGE}\nValidationError: ${MESSAGE}\n    at invalid (/tmp/jsii-kernel-x/node_modules/cdk8s-ai-platform/lib/core/errors.js:125:11)\n    at new SparkJob (/tmp/jsii-kernel-x/node_modules/cdk8s-ai-platform/lib/data/spark-job.js:132:41)`;
  expect(Errors.parseValidationErrorMessage(java)).toEqual(PARTS);
  expect(Errors.isValidationErrorMessage(java)).toBe(true);
});

test('a message without a stack and a multi-line value still parse as before', () => {
  expect(Errors.parseValidationErrorMessage(MESSAGE)).toEqual(PARTS);
  expect(Errors.parseValidationErrorMessage('[c/x] args: a\nb is not valid; must be one line')).toEqual({
    constructPath: 'c/x', field: 'args', value: 'a\nb', accepted: 'must be one line',
  });
});
