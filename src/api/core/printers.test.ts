import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ageCell, formatLabelsOrNone, humanDuration, shortHumanDuration, timestampSince } from './printers.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

test('humanDuration follows upstream rounding', () => {
  const cases: [number, string][] = [
    [-2 * s, '<invalid>'],
    [-1 * s, '0s'],
    [0, '0s'],
    [59 * s, '59s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [5 * m + 3 * s, '5m3s'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h + 5 * m, '8h'],
    [47 * h, '47h'],
    [2 * d, '2d'],
    [2 * d + 4 * h, '2d4h'],
    [8 * d, '8d'],
    [729 * d, '729d'],
    [730 * d, '2y'],
    [2 * 365 * d + 20 * d, '2y20d'],
    [8 * 365 * d, '8y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test('shortHumanDuration uses one unit', () => {
  assert.equal(shortHumanDuration(59 * s), '59s');
  assert.equal(shortHumanDuration(90 * s), '1m');
  assert.equal(shortHumanDuration(25 * h), '1d');
  assert.equal(shortHumanDuration(400 * d), '1y');
});

test('timestamps and ages', () => {
  const now = Date.parse('2024-01-01T12:00:00Z');
  assert.equal(timestampSince('2024-01-01T11:55:00Z', now), '5m');
  assert.equal(timestampSince('', now), '<unknown>');
  assert.equal(timestampSince(undefined, now), '<unknown>');
  assert.equal(ageCell({ metadata: { creationTimestamp: '2024-01-01T09:00:00Z' } }, now), '3h');
});

test('labels print sorted, <none> when empty', () => {
  assert.equal(formatLabelsOrNone({ b: '2', a: '1' }), 'a=1,b=2');
  assert.equal(formatLabelsOrNone({}), '<none>');
  assert.equal(formatLabelsOrNone(undefined), '<none>');
});
