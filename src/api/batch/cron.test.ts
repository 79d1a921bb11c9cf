import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextActivation, parseCronSchedule, parseGoDuration } from './cron.js';

function parseError(spec: string): string {
  try {
    parseCronSchedule(spec);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

test('standard schedules and descriptors parse', () => {
  for (const spec of ['*/5 * * * *', '0 0 * * 0', '15 2 1-15/2 jan,mar mon-fri', '@hourly', '@daily', '@every 90s', 'TZ=Europe/Paris 0 9 * * *']) {
    assert.equal(parseError(spec), '', spec);
  }
});

test("robfig/cron's error texts", () => {
  assert.equal(parseError(''), 'empty spec string');
  assert.equal(parseError('x'), 'expected exactly 5 fields, found 1: [x]');
  assert.equal(parseError('* * * * * *'), 'expected exactly 5 fields, found 6: [* * * * * *]');
  assert.equal(parseError('61 * * * *'), 'end of range (61) above maximum (59): 61');
  assert.equal(parseError('* * 0 * *'), 'beginning of range (0) below minimum (1): 0');
  assert.equal(parseError('5-1 * * * *'), 'beginning of range (5) beyond end of range (1): 5-1');
  assert.equal(parseError('a * * * *'), 'failed to parse int from a: strconv.Atoi: parsing "a": invalid syntax');
  assert.equal(parseError('*/0 * * * *'), 'step of range should be a positive number: */0');
  assert.equal(parseError('1-2-3 * * * *'), 'too many hyphens: 1-2-3');
  assert.equal(parseError('@fortnightly'), 'unrecognized descriptor: @fortnightly');
  assert.equal(parseError('@every x'), 'failed to parse duration @every x: time: invalid duration "x"');
  assert.equal(parseError('TZ=Mars/Olympus * * * * *'), 'provided bad location Mars/Olympus: unknown time zone Mars/Olympus');
});

test('Go durations', () => {
  assert.equal(parseGoDuration('1h30m'), 5_400_000);
  assert.equal(parseGoDuration('1.5s'), 1500);
  assert.throws(() => parseGoDuration('5'), /missing unit/);
});

test('next activation', () => {
  const after = new Date('2024-03-01T10:07:30Z');
  assert.equal(nextActivation(parseCronSchedule('*/5 * * * *'), after)?.toISOString(), '2024-03-01T10:10:00.000Z');
  assert.equal(nextActivation(parseCronSchedule('@hourly'), after)?.toISOString(), '2024-03-01T11:00:00.000Z');
  assert.equal(nextActivation(parseCronSchedule('0 0 * * 0'), after)?.toISOString(), '2024-03-03T00:00:00.000Z');
  // Day-of-month and day-of-week without a star: either matches.
  assert.equal(nextActivation(parseCronSchedule('0 0 15 * 1'), after)?.toISOString(), '2024-03-04T00:00:00.000Z');
  assert.equal(nextActivation(parseCronSchedule('0 9 * * *'), after, 'Europe/Paris')?.toISOString(), '2024-03-02T08:00:00.000Z');
  assert.equal(nextActivation(parseCronSchedule('@every 1m'), after)?.toISOString(), '2024-03-01T10:08:30.000Z');
});
