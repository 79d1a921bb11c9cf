// metav1.Time and metav1.MicroTime as they travel in JSON: RFC 3339 in UTC,
// whole seconds ("2024-01-02T03:04:05Z") or microseconds (".000000").
import { goQuote } from './gofmt.js';

export const RFC3339 = '2006-01-02T15:04:05Z07:00';
export const RFC3339_MICRO = '2006-01-02T15:04:05.000000Z07:00';

export class TimeParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeParseError';
  }
}

interface Instant {
  /** Milliseconds since the epoch for the whole seconds. */
  secondsMs: number;
  /** Fraction-of-second digits as written. */
  fraction: string;
}

function daysIn(month: number, year: number): number {
  return [31, isLeap(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function utcMillis(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}

/** A reader over the text that fails with Go's time.Parse messages. */
class Reader {
  rest: string;
  constructor(
    private readonly value: string,
    private readonly layout: string,
  ) {
    this.rest = value;
  }

  cannotParse(elem: string): TimeParseError {
    return new TimeParseError(`parsing time ${goQuote(this.value)} as ${goQuote(this.layout)}: cannot parse ${goQuote(this.rest)} as ${goQuote(elem)}`);
  }

  fail(message: string): TimeParseError {
    return new TimeParseError(`parsing time ${goQuote(this.value)}: ${message}`);
  }

  digits(n: number, elem: string, max = Infinity, what = ''): number {
    const m = new RegExp(`^[0-9]{${n}}`).exec(this.rest);
    if (!m) throw this.cannotParse(elem);
    this.rest = this.rest.slice(n);
    const v = Number(m[0]);
    if (v > max) throw this.fail(`${what} out of range`);
    return v;
  }

  literal(s: string): void {
    if (!this.rest.startsWith(s)) throw this.cannotParse(s);
    this.rest = this.rest.slice(s.length);
  }

  fraction(exactDigits: number | undefined): string {
    if (exactDigits !== undefined) {
      const m = new RegExp(`^[.,]([0-9]{${exactDigits}})`).exec(this.rest);
      if (!m) throw this.cannotParse('.' + '0'.repeat(exactDigits));
      this.rest = this.rest.slice(m[0].length);
      return m[1];
    }
    const m = /^[.,]([0-9]+)/.exec(this.rest);
    if (!m) return '';
    this.rest = this.rest.slice(m[0].length);
    return m[1];
  }

  /** "Z" or ±hh:mm, as minutes east of UTC. */
  zone(): number {
    if (this.rest.startsWith('Z')) {
      this.rest = this.rest.slice(1);
      return 0;
    }
    if (!/^[+-][0-9]{2}:[0-9]{2}/.test(this.rest)) throw this.cannotParse('Z07:00');
    const hours = Number(this.rest.slice(1, 3));
    const minutes = Number(this.rest.slice(4, 6));
    if (hours > 24) throw this.fail('time zone offset hour out of range');
    if (minutes > 60) throw this.fail('time zone offset minute out of range');
    const sign = this.rest[0] === '-' ? -1 : 1;
    this.rest = this.rest.slice(6);
    return sign * (hours * 60 + minutes);
  }
}

function parseRFC3339(value: string, layout: string, fractionDigits: number | undefined): Instant {
  const r = new Reader(value, layout);
  const year = r.digits(4, '2006');
  r.literal('-');
  const month = r.digits(2, '01', 12, 'month');
  if (month < 1) throw r.fail('month out of range');
  r.literal('-');
  const day = r.digits(2, '02');
  r.literal('T');
  const hour = r.digits(2, '15', 23, 'hour');
  r.literal(':');
  const minute = r.digits(2, '04', 59, 'minute');
  r.literal(':');
  const second = r.digits(2, '05', 59, 'second');
  const fraction = r.fraction(fractionDigits);
  const offsetMinutes = r.zone();
  if (r.rest.length > 0) throw r.fail(`extra text: ${goQuote(r.rest)}`);
  if (day < 1 || day > daysIn(month, year)) throw r.fail('day out of range');
  return { secondsMs: utcMillis(year, month, day, hour, minute, second) - offsetMinutes * 60_000, fraction };
}

function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
}

/** metav1.Time in JSON: UTC, whole seconds; fractions are dropped. */
export function formatTime(date: Date): string {
  return isoSeconds(date.getTime()) + 'Z';
}

/** Parses metav1.Time (RFC 3339; offsets and fractional seconds accepted). */
export function parseTime(value: string): Date {
  const t = parseRFC3339(value, RFC3339, undefined);
  return new Date(t.secondsMs + Number((t.fraction + '000').slice(0, 3)));
}

/** A timestamp in the form the server stores it: parsed, then printed again. */
export function normalizeTime(value: string): string {
  return formatTime(parseTime(value));
}

export function timeNow(now: Date = new Date()): string {
  return formatTime(now);
}

/** A MicroTime as microseconds since the epoch. */
export type EpochMicros = bigint;

/** metav1.MicroTime in JSON: UTC with exactly six fraction digits. */
export function formatMicroTime(micros: EpochMicros): string {
  const seconds = micros >= 0n ? micros / 1_000_000n : -((-micros + 999_999n) / 1_000_000n);
  const fraction = micros - seconds * 1_000_000n;
  return `${isoSeconds(Number(seconds) * 1000)}.${fraction.toString().padStart(6, '0')}Z`;
}

/** Parses metav1.MicroTime; like upstream, exactly six fraction digits are required. */
export function parseMicroTime(value: string): EpochMicros {
  const t = parseRFC3339(value, RFC3339_MICRO, 6);
  return BigInt(t.secondsMs) * 1000n + BigInt(t.fraction);
}

export function microsFromDate(date: Date): EpochMicros {
  return BigInt(date.getTime()) * 1000n;
}

export function dateFromMicros(micros: EpochMicros): Date {
  return new Date(Number(micros / 1000n));
}

/** The current time with microseconds where the platform clock offers them. */
export function microTimeNow(): string {
  const ms = performance.timeOrigin + performance.now();
  return formatMicroTime(BigInt(Math.floor(ms * 1000)));
}
