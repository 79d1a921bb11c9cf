// The CRI container log format (kubelet/kuberuntime/logs): one line per chunk,
// `<RFC3339Nano time> <stdout|stderr> <F|P> <text>`, P marking a partial line
// that the next entry continues. Reading applies kubectl's log options.
import { Transform, type TransformCallback } from 'node:stream';

export type LogStream = 'stdout' | 'stderr';

export interface LogEntry {
  /** RFC 3339 with nanoseconds, as written. */
  timestamp: string;
  stream: LogStream;
  partial: boolean;
  text: string;
}

/** What `kubectl logs` asks for (PodLogOptions as the kubelet receives them). */
export interface ReadOptions {
  tailLines?: number;
  sinceTime?: Date;
  timestamps?: boolean;
  limitBytes?: number;
  follow?: boolean;
}

/** 2026-12-06T22:45:00.123456789Z: milliseconds from the clock, padded to nanoseconds. */
export function rfc3339Nano(date: Date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export function formatEntry(entry: LogEntry): string {
  return `${entry.timestamp} ${entry.stream} ${entry.partial ? 'P' : 'F'} ${entry.text}\n`;
}

/** One CRI log line (without its newline); undefined when it is not one. */
export function parseEntry(line: string): LogEntry | undefined {
  const a = line.indexOf(' ');
  const b = line.indexOf(' ', a + 1);
  const c = line.indexOf(' ', b + 1);
  if (a < 0 || b < 0) return undefined;
  const stream = line.slice(a + 1, b);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const tag = c < 0 ? line.slice(b + 1) : line.slice(b + 1, c);
  return { timestamp: line.slice(0, a), stream, partial: tag.split(':').includes('P'), text: c < 0 ? '' : line.slice(c + 1) };
}

/** Whether an entry was written at or after `since`. */
export function isSince(entry: LogEntry, since: Date | undefined): boolean {
  if (!since) return true;
  const t = Date.parse(entry.timestamp);
  return Number.isNaN(t) || t >= since.getTime();
}

/** The bytes the user sees for one entry. */
export function renderEntry(entry: LogEntry, timestamps: boolean): string {
  const text = entry.partial ? entry.text : `${entry.text}\n`;
  return timestamps ? `${entry.timestamp} ${text}` : text;
}

/** The last `n` complete lines of entries (partial entries belong to the line they continue). */
export function tail(entries: LogEntry[], n: number | undefined): LogEntry[] {
  if (n === undefined || n < 0) return entries;
  let lines = 0;
  for (let i = entries.length - 1; i >= 0; i--) {
    if (!entries[i].partial) {
      if (lines === n) return entries.slice(i + 1);
      lines++;
    }
  }
  return entries;
}

/** Turns entries into output bytes: since, timestamps and limitBytes (tail is applied before). Ends the stream at the byte limit. */
export class EntryRenderer extends Transform {
  private sent = 0;

  constructor(private readonly options: ReadOptions) {
    super({ writableObjectMode: true });
  }

  override _transform(entry: LogEntry, _enc: BufferEncoding, done: TransformCallback): void {
    if (!isSince(entry, this.options.sinceTime)) return done();
    let out = Buffer.from(renderEntry(entry, this.options.timestamps ?? false));
    const limit = this.options.limitBytes;
    if (limit !== undefined) {
      if (this.sent >= limit) return done();
      if (this.sent + out.length >= limit) {
        out = out.subarray(0, limit - this.sent);
        this.sent = limit;
        this.push(out);
        this.push(null);
        return done();
      }
    }
    this.sent += out.length;
    done(null, out);
  }
}
