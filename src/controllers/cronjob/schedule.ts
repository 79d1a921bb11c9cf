// Schedule arithmetic of the CronJob controller: the most recent start time
// it has not acted on yet, how many it missed, when to look again, and the
// names and timestamps of the Jobs it creates.
import { nextActivation, type CronSchedule } from '../../api/batch/cron.js';

/** Upstream's nextScheduleDelta: wake a little after the scheduled minute. */
export const NEXT_SCHEDULE_DELTA_MS = 100;
/** More missed start times than this draws a TooManyMissedTimes warning. */
export const MAX_MISSED_SCHEDULES_TO_WARN = 100;

export interface ScheduleState {
  /** status.lastScheduleTime, else the CronJob's creation. */
  earliest: Date;
  startingDeadlineSeconds?: number;
  timeZone?: string;
}

export interface MostRecent {
  /** The earliest time considered (after applying startingDeadlineSeconds). */
  earliest: Date;
  /** The latest start time at or before now that is after `earliest`; undefined when none is due. */
  mostRecent?: Date;
  /** Start times due since `earliest` (the ones skipped plus the most recent). */
  missed: number;
}

/** mostRecentScheduleTime. */
export function mostRecentScheduleTime(schedule: CronSchedule, state: ScheduleState, now: Date): MostRecent {
  let earliest = state.earliest;
  if (state.startingDeadlineSeconds !== undefined) {
    const deadline = new Date(now.getTime() - state.startingDeadlineSeconds * 1000);
    if (deadline > earliest) earliest = deadline;
  }
  const next = (t: Date) => nextActivation(schedule, t, state.timeZone);
  const t1 = next(earliest);
  if (!t1 || t1 > now) return { earliest, missed: 0 };
  const t2 = next(t1);
  if (!t2 || t2 > now) return { earliest, mostRecent: t1, missed: 1 };
  // Estimate from the interval of the first two, then walk the remainder exactly.
  const interval = t2.getTime() - t1.getTime();
  let missed = Math.floor((now.getTime() - t1.getTime()) / interval) + 1;
  let mostRecent = new Date(t1.getTime() + (missed - 1) * interval);
  if (next(new Date(mostRecent.getTime() - 1))?.getTime() !== mostRecent.getTime()) {
    // Irregular schedules (months, DST): the estimate is no start time; count from the first.
    mostRecent = t1;
    missed = 1;
  }
  for (let n = next(mostRecent), steps = 0; n && n <= now && steps < 100_000; n = next(n), steps++) {
    mostRecent = n;
    missed++;
  }
  return { earliest, mostRecent, missed };
}

/** Milliseconds from now until the controller should look at the CronJob again. */
export function nextScheduleDelayMs(schedule: CronSchedule, state: ScheduleState, now: Date): number | undefined {
  const { earliest, mostRecent } = mostRecentScheduleTime(schedule, state, now);
  const next = nextActivation(schedule, mostRecent ?? (earliest > now ? earliest : now), state.timeZone);
  if (!next) return undefined;
  return Math.max(0, next.getTime() - now.getTime()) + NEXT_SCHEDULE_DELTA_MS;
}

/** A scheduled Job's name: the CronJob's and the scheduled time in minutes since the epoch. */
export function jobNameFor(cronJobName: string, scheduled: Date): string {
  return `${cronJobName}-${Math.floor(scheduled.getTime() / 60_000)}`;
}

/** RFC 3339 in a time zone ("2024-03-01T09:00:00+01:00"; "Z" in UTC), as Go formats time.In(loc). */
export function formatInZone(date: Date, timeZone = 'UTC'): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  const wall = Date.UTC(Number(get('year')), Number(get('month')) - 1, Number(get('day')), Number(get('hour')), Number(get('minute')), Number(get('second')));
  const offsetMin = Math.round((wall - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
  const pad = (n: number) => String(n).padStart(2, '0');
  const zone = offsetMin === 0 ? 'Z' : `${offsetMin > 0 ? '+' : '-'}${pad(Math.floor(Math.abs(offsetMin) / 60))}:${pad(Math.abs(offsetMin) % 60)}`;
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}:${get('second')}${zone}`;
}

/** time.RFC1123Z in UTC, as MissSchedule events print the start time. */
export function formatRFC1123Z(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${days[date.getUTCDay()]}, ${pad(date.getUTCDate())} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
