import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCronSchedule } from '../../api/batch/cron.js';
import { formatInZone, formatRFC1123Z, jobNameFor, mostRecentScheduleTime, nextScheduleDelayMs } from './schedule.js';

const at = (s: string) => new Date(s);

test('the most recent unmet start time and the count of missed ones', () => {
  const everyMinute = parseCronSchedule('* * * * *');
  const earliest = at('2024-03-01T10:00:00Z');
  assert.deepEqual(mostRecentScheduleTime(everyMinute, { earliest }, at('2024-03-01T10:00:30Z')), { earliest, missed: 0 });
  const one = mostRecentScheduleTime(everyMinute, { earliest }, at('2024-03-01T10:01:30Z'));
  assert.equal(one.mostRecent?.toISOString(), '2024-03-01T10:01:00.000Z');
  assert.equal(one.missed, 1);
  const many = mostRecentScheduleTime(everyMinute, { earliest }, at('2024-03-01T12:00:00Z'));
  assert.equal(many.mostRecent?.toISOString(), '2024-03-01T12:00:00.000Z');
  assert.equal(many.missed, 120);
  // startingDeadlineSeconds bounds how far back the controller looks.
  const bounded = mostRecentScheduleTime(everyMinute, { earliest, startingDeadlineSeconds: 200 }, at('2024-03-01T12:00:30Z'));
  assert.equal(bounded.missed, 3);
  assert.equal(bounded.mostRecent?.toISOString(), '2024-03-01T12:00:00.000Z');
});

test('irregular schedules are counted exactly', () => {
  const monthly = parseCronSchedule('0 0 1 * *');
  const r = mostRecentScheduleTime(monthly, { earliest: at('2024-01-15T00:00:00Z') }, at('2024-06-10T00:00:00Z'));
  assert.equal(r.mostRecent?.toISOString(), '2024-06-01T00:00:00.000Z');
  assert.equal(r.missed, 5);
  const daily = parseCronSchedule('0 9 * * *');
  const tz = mostRecentScheduleTime(daily, { earliest: at('2024-03-01T00:00:00Z'), timeZone: 'Asia/Tokyo' }, at('2024-03-02T01:00:00Z'));
  assert.equal(tz.mostRecent?.toISOString(), '2024-03-02T00:00:00.000Z');
});

test('the controller wakes just after the next start time', () => {
  const everyFive = parseCronSchedule('*/5 * * * *');
  assert.equal(nextScheduleDelayMs(everyFive, { earliest: at('2024-03-01T10:00:00Z') }, at('2024-03-01T10:03:00Z')), 2 * 60_000 + 100);
  // With an unmet start time pending, the next wake-up is the one after it.
  assert.equal(nextScheduleDelayMs(everyFive, { earliest: at('2024-03-01T09:00:00Z') }, at('2024-03-01T10:03:00Z')), 2 * 60_000 + 100);
});

test('job names and scheduled timestamps', () => {
  assert.equal(jobNameFor('hello', at('2024-03-01T10:05:00Z')), `hello-${Date.parse('2024-03-01T10:05:00Z') / 60_000}`);
  assert.equal(formatInZone(at('2024-03-01T10:05:00Z')), '2024-03-01T10:05:00Z');
  assert.equal(formatInZone(at('2024-03-01T10:05:00Z'), 'Asia/Kolkata'), '2024-03-01T15:35:00+05:30');
  assert.equal(formatInZone(at('2024-03-01T10:05:00Z'), 'America/New_York'), '2024-03-01T05:05:00-05:00');
  assert.equal(formatRFC1123Z(at('2024-03-01T10:05:00Z')), 'Fri, 01 Mar 2024 10:05:00 +0000');
});
