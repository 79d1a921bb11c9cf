import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FieldPath } from './field.js';
import { atoi } from './gofmt.js';
import {
  getScaledValueFromIntOrPercent,
  intValue,
  isIntOrString,
  isNotMoreThan100Percent,
  percentValue,
  validatePositiveIntOrPercent,
} from './intorstring.js';

test('scales percentages with the requested rounding', () => {
  const cases: [number | string, number, boolean, number][] = [
    [5, 10, true, 5],
    ['25%', 10, true, 3],
    ['25%', 10, false, 2],
    ['100%', 7, false, 7],
    ['0%', 7, true, 0],
    ['33%', 3, true, 1],
    ['33%', 3, false, 0],
    ['10%', 0, true, 0],
  ];
  for (const [v, total, up, want] of cases) assert.equal(getScaledValueFromIntOrPercent(v, total, up), want, `${v} of ${total}`);
});

test('bad values carry upstream messages', () => {
  assert.throws(() => getScaledValueFromIntOrPercent(undefined, 10, true), { message: 'nil value for IntOrString' });
  assert.throws(() => getScaledValueFromIntOrPercent('5', 10, true), {
    message: 'invalid value for IntOrString: invalid type: string is not a percentage',
  });
  assert.throws(() => getScaledValueFromIntOrPercent('x%', 10, true), {
    message: 'invalid value for IntOrString: invalid value "x%": strconv.Atoi: parsing "x": invalid syntax',
  });
  assert.throws(() => atoi('99999999999999999999'), { message: 'strconv.Atoi: parsing "99999999999999999999": value out of range' });
});

test('helpers', () => {
  assert.equal(intValue('8080'), 8080);
  assert.equal(intValue('http'), 0);
  assert.equal(percentValue('50%'), 50);
  assert.equal(percentValue('50'), undefined);
  assert.equal(isIntOrString(1.5), false);
  assert.equal(isIntOrString('x'), true);
});

test('validation of int-or-percent fields', () => {
  const p = FieldPath.of('spec', 'strategy', 'rollingUpdate', 'maxSurge');
  assert.deepEqual(validatePositiveIntOrPercent('25%', p), []);
  assert.deepEqual(validatePositiveIntOrPercent(-1, p).map(String), [
    'spec.strategy.rollingUpdate.maxSurge: Invalid value: -1: must be greater than or equal to 0',
  ]);
  assert.deepEqual(validatePositiveIntOrPercent('50x', p).map(String), [
    "spec.strategy.rollingUpdate.maxSurge: Invalid value: \"50x\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
  ]);
  assert.deepEqual(isNotMoreThan100Percent('101%', p).map(String), [
    'spec.strategy.rollingUpdate.maxSurge: Invalid value: "101%": must not be greater than 100%',
  ]);
  assert.deepEqual(isNotMoreThan100Percent('100%', p), []);
});
