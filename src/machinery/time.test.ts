import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  dateFromMicros,
  formatMicroTime,
  formatTime,
  microTimeNow,
  microsFromDate,
  normalizeTime,
  parseMicroTime,
  parseTime,
  timeNow,
} from './time.js';

test('Time is written in UTC with whole seconds', () => {
  assert.equal(formatTime(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678))), '2024-01-02T03:04:05Z');
  assert.match(timeNow(), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
});

test('Time parses RFC 3339 with offsets and fractions', () => {
  assert.equal(parseTime('2024-01-02T03:04:05Z').toISOString(), '2024-01-02T03:04:05.000Z');
  assert.equal(parseTime('2024-01-02T05:04:05+02:00').toISOString(), '2024-01-02T03:04:05.000Z');
  assert.equal(parseTime('2024-01-02T03:04:05.123456Z').toISOString(), '2024-01-02T03:04:05.123Z');
  assert.equal(normalizeTime('2024-01-01T23:30:00.9-01:00'), '2024-01-02T00:30:00Z');
  assert.equal(parseTime('0099-01-01T00:00:00Z').toISOString(), '0099-01-01T00:00:00.000Z');
});

test('Time parse errors read like Go', () => {
  const layout = '"2006-01-02T15:04:05Z07:00"';
  assert.throws(() => parseTime('x'), { message: `parsing time "x" as ${layout}: cannot parse "x" as "2006"` });
  assert.throws(() => parseTime('2024-01-02 03:04:05Z'), {
    message: `parsing time "2024-01-02 03:04:05Z" as ${layout}: cannot parse " 03:04:05Z" as "T"`,
  });
  assert.throws(() => parseTime('2024-01-02T03:04:05'), { message: `parsing time "2024-01-02T03:04:05" as ${layout}: cannot parse "" as "Z07:00"` });
  assert.throws(() => parseTime('2024-13-02T03:04:05Z'), { message: 'parsing time "2024-13-02T03:04:05Z": month out of range' });
  assert.throws(() => parseTime('2023-02-29T03:04:05Z'), { message: 'parsing time "2023-02-29T03:04:05Z": day out of range' });
  assert.throws(() => parseTime('2024-01-02T24:04:05Z'), { message: 'parsing time "2024-01-02T24:04:05Z": hour out of range' });
  assert.throws(() => parseTime('2024-01-02T03:04:05Zjunk'), { message: 'parsing time "2024-01-02T03:04:05Zjunk": extra text: "junk"' });
  assert.equal(parseTime('2024-02-29T00:00:00Z').getUTCDate(), 29);
});

test('MicroTime keeps microseconds', () => {
  const micros = parseMicroTime('2024-01-02T03:04:05.123456Z');
  assert.equal(micros, 1704164645123456n);
  assert.equal(formatMicroTime(micros), '2024-01-02T03:04:05.123456Z');
  assert.equal(formatMicroTime(parseMicroTime('2024-01-02T05:04:05.000001+02:00')), '2024-01-02T03:04:05.000001Z');
  assert.equal(formatMicroTime(-1n), '1969-12-31T23:59:59.999999Z');
  assert.equal(formatMicroTime(microsFromDate(new Date(Date.UTC(2024, 0, 2)))), '2024-01-02T00:00:00.000000Z');
  assert.equal(dateFromMicros(micros).toISOString(), '2024-01-02T03:04:05.123Z');
  assert.match(microTimeNow(), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
  assert.throws(() => parseMicroTime('2024-01-02T03:04:05.123Z'), {
    message: 'parsing time "2024-01-02T03:04:05.123Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse ".123Z" as ".000000"',
  });
});
