// Cron schedules as CronJob validation parses them (robfig/cron v3
// ParseStandard: five fields or a descriptor, optional TZ=/CRON_TZ= prefix),
// with that parser's error texts, and the next activation after a time.
import { atoi } from '../../machinery/gofmt.js';

interface Bounds {
  min: number;
  max: number;
  names?: Readonly<Record<string, number>>;
}

const MONTH_NAMES = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DOW_NAMES = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

const MINUTES: Bounds = { min: 0, max: 59 };
const HOURS: Bounds = { min: 0, max: 23 };
const DOM: Bounds = { min: 1, max: 31 };
const MONTHS: Bounds = { min: 1, max: 12, names: MONTH_NAMES };
const DOW: Bounds = { min: 0, max: 6, names: DOW_NAMES };

/** A parsed five-field schedule: the allowed values of each field. */
export interface FieldSchedule {
  kind: 'fields';
  minute: Set<number>;
  hour: Set<number>;
  dom: Set<number>;
  month: Set<number>;
  dow: Set<number>;
  /** `*` in day-of-month or day-of-week: days then match on both fields, else on either. */
  domStar: boolean;
  dowStar: boolean;
  timeZone?: string;
}

/** `@every <duration>`: a constant delay, whole seconds. */
export interface EverySchedule {
  kind: 'every';
  delayMs: number;
}

export type CronSchedule = FieldSchedule | EverySchedule;

export class CronParseError extends Error {}

function parseUint(expr: string): number {
  let n: number;
  try {
    n = atoi(expr);
  } catch (err) {
    throw new CronParseError(`failed to parse int from ${expr}: ${(err as Error).message}`);
  }
  if (n < 0) throw new CronParseError(`negative number (${n}) not allowed: ${expr}`);
  return n;
}

function parseIntOrName(expr: string, names?: Readonly<Record<string, number>>): number {
  const named = names?.[expr.toLowerCase()];
  return named ?? parseUint(expr);
}

interface Range {
  values: number[];
  star: boolean;
}

function parseBounds(lowAndHigh: string[], expr: string, r: Bounds): [number, number, boolean] {
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') return [r.min, r.max, true];
  const start = parseIntOrName(lowAndHigh[0], r.names);
  if (lowAndHigh.length === 1) return [start, start, false];
  if (lowAndHigh.length === 2) return [start, parseIntOrName(lowAndHigh[1], r.names), false];
  throw new CronParseError(`too many hyphens: ${expr}`);
}

function getRange(expr: string, r: Bounds): Range {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  const [start, parsedEnd, parsedStar] = parseBounds(lowAndHigh, expr, r);
  let end = parsedEnd;
  let star = parsedStar;
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseUint(rangeAndStep[1]);
    if (lowAndHigh.length === 1) end = r.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new CronParseError(`too many slashes: ${expr}`);
  }
  if (start < r.min) throw new CronParseError(`beginning of range (${start}) below minimum (${r.min}): ${expr}`);
  if (end > r.max) throw new CronParseError(`end of range (${end}) above maximum (${r.max}): ${expr}`);
  if (start > end) throw new CronParseError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronParseError(`step of range should be a positive number: ${expr}`);
  const values: number[] = [];
  for (let v = start; v <= end; v += step) values.push(v);
  return { values, star };
}

function getField(field: string, r: Bounds): { set: Set<number>; star: boolean } {
  const set = new Set<number>();
  let star = false;
  for (const expr of field.split(',')) {
    const range = getRange(expr, r);
    range.values.forEach((v) => set.add(v));
    star ||= range.star;
  }
  return { set, star };
}

function fieldsSchedule(fields: string[], timeZone?: string): FieldSchedule {
  const minute = getField(fields[0], MINUTES);
  const hour = getField(fields[1], HOURS);
  const dom = getField(fields[2], DOM);
  const month = getField(fields[3], MONTHS);
  const dow = getField(fields[4], DOW);
  return { kind: 'fields', minute: minute.set, hour: hour.set, dom: dom.set, month: month.set, dow: dow.set, domStar: dom.star, dowStar: dow.star, timeZone };
}

const DESCRIPTORS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

function parseDescriptor(descriptor: string, timeZone?: string): CronSchedule {
  const fields = DESCRIPTORS[descriptor];
  if (fields) return fieldsSchedule(fields.split(' '), timeZone);
  const every = '@every ';
  if (descriptor.startsWith(every)) {
    const text = descriptor.slice(every.length);
    let ms: number;
    try {
      ms = parseGoDuration(text);
    } catch (err) {
      throw new CronParseError(`failed to parse duration ${descriptor}: ${(err as Error).message}`);
    }
    return { kind: 'every', delayMs: Math.max(1000, Math.floor(ms / 1000) * 1000) };
  }
  throw new CronParseError(`unrecognized descriptor: ${descriptor}`);
}

/** Whether Go's time.LoadLocation would load this zone; its error text when not. */
export function loadLocationError(name: string): string | undefined {
  if (name === '' || name === 'UTC' || name === 'Local') return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    return `unknown time zone ${name}`;
  }
  // Intl ignores case; the zone database does not.
  const canonical = Intl.supportedValuesOf('timeZone').find((z) => z.toLowerCase() === name.toLowerCase());
  return canonical !== undefined && canonical !== name ? `unknown time zone ${name}` : undefined;
}

function splitTimeZone(spec: string): [string, string | undefined] {
  if (!spec.startsWith('TZ=') && !spec.startsWith('CRON_TZ=')) return [spec, undefined];
  const space = spec.indexOf(' ');
  const eq = spec.indexOf('=');
  const zone = space < 0 ? spec.slice(eq + 1) : spec.slice(eq + 1, space);
  const err = loadLocationError(zone);
  if (err) throw new CronParseError(`provided bad location ${zone}: ${err}`);
  return [space < 0 ? '' : spec.slice(space).trim(), zone];
}

function goFields(fields: string[]): string {
  return `[${fields.join(' ')}]`;
}

/** cron.ParseStandard; throws CronParseError with robfig/cron's message. */
export function parseCronSchedule(spec: string): CronSchedule {
  if (spec.length === 0) throw new CronParseError('empty spec string');
  const [rest, timeZone] = splitTimeZone(spec);
  if (rest.startsWith('@')) return parseDescriptor(rest, timeZone);
  const fields = rest.split(/\s+/).filter((f) => f !== '');
  if (fields.length !== 5) throw new CronParseError(`expected exactly 5 fields, found ${fields.length}: ${goFields(fields)}`);
  return fieldsSchedule(fields, timeZone);
}

// ---- Go's time.ParseDuration ----

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** time.ParseDuration, in milliseconds; throws with Go's message. */
export function parseGoDuration(text: string): number {
  const invalid = () => new Error(`time: invalid duration ${JSON.stringify(text)}`);
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s[0] === '-' ? -1 : 1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw invalid();
  let total = 0;
  const re = /^(\d*\.?\d*)([a-zµμ]*)/;
  while (s !== '') {
    const m = re.exec(s);
    if (!m || m[1] === '' || m[1] === '.') throw invalid();
    if (m[2] === '') throw new Error(`time: missing unit in duration ${JSON.stringify(text)}`);
    const unit = UNIT_MS[m[2]];
    if (unit === undefined) throw new Error(`time: unknown unit ${JSON.stringify(m[2])} in duration ${JSON.stringify(text)}`);
    total += Number(m[1]) * unit;
    s = s.slice(m[0].length);
  }
  return sign * total;
}

// ---- next activation ----

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function wallTimeIn(date: Date, timeZone: string): WallTime {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
  }).formatToParts(date);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute') };
}

/** The instant a wall-clock minute in `timeZone` names (the earlier one around a DST change). */
function instantOf(wall: WallTime, timeZone: string): Date {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const guess = new Date(asUtc);
  const seen = wallTimeIn(guess, timeZone);
  const offset = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute) - asUtc;
  return new Date(asUtc - offset);
}

function dayMatches(s: FieldSchedule, year: number, month: number, day: number): boolean {
  const dow = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  const domMatch = s.dom.has(day);
  const dowMatch = s.dow.has(dow);
  return s.domStar || s.dowStar ? domMatch && dowMatch : domMatch || dowMatch;
}

/**
 * The first activation strictly after `after`. A schedule's own TZ= wins
 * over `timeZone` (the CronJob's spec.timeZone); UTC when neither is set.
 * Undefined when nothing matches within five years.
 */
export function nextActivation(schedule: CronSchedule, after: Date, timeZone = 'UTC'): Date | undefined {
  if (schedule.kind === 'every') return new Date(Math.floor(after.getTime() / 1000) * 1000 + schedule.delayMs);
  const zone = schedule.timeZone || timeZone || 'UTC';
  const start = wallTimeIn(new Date(Math.floor(after.getTime() / 60_000) * 60_000 + 60_000), zone);
  const limit = start.year + 5;
  for (let t = Date.UTC(start.year, start.month - 1, start.day, start.hour, start.minute); ; t += 60_000) {
    const d = new Date(t);
    const wall = { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
    if (wall.year > limit) return undefined;
    if (!schedule.month.has(wall.month) || !dayMatches(schedule, wall.year, wall.month, wall.day)) {
      t = Date.UTC(wall.year, wall.month - 1, wall.day + 1) - 60_000;
      continue;
    }
    if (!schedule.hour.has(wall.hour)) {
      t = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour + 1) - 60_000;
      continue;
    }
    if (schedule.minute.has(wall.minute)) {
      const instant = instantOf(wall, zone);
      if (instant.getTime() > after.getTime()) return instant;
    }
  }
}
