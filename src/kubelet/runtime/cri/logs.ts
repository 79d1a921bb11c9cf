// Container logs as CRI runtimes write them (one line per chunk:
// `<RFC3339Nano time> <stdout|stderr> <P|F> <content>`, P marking a partial line),
// read back the way `kubectl logs` asks: tail, since, timestamps, byte limit.
import { readFile } from 'node:fs/promises';
import type { LogOptions } from '../types.js';

export interface LogLine {
  time: string;
  stream: 'stdout' | 'stderr';
  content: string;
  /** The container never ended this line (`printf DONE`): it is shown without a newline. */
  partial?: boolean;
}

/** Joins partial chunks into whole lines (each keeps the time of its first chunk). */
export function parseCriLog(text: string): LogLine[] {
  const out: LogLine[] = [];
  let pending: LogLine | undefined;
  for (const raw of text.split('\n')) {
    if (!raw) continue;
    const m = /^(\S+) (stdout|stderr) ([PF]) ?(.*)$/.exec(raw);
    if (!m) continue;
    const [, time, stream, tag, content] = m;
    if (pending && pending.stream === stream) pending.content += content;
    else {
      if (pending) out.push({ ...pending, partial: true });
      pending = { time, stream: stream as LogLine['stream'], content };
    }
    if (tag === 'F') {
      out.push(pending);
      pending = undefined;
    }
  }
  if (pending) out.push({ ...pending, partial: true });
  return out;
}

export function formatLogs(lines: LogLine[], options: LogOptions = {}): string {
  let selected = lines;
  if (options.sinceTime) {
    const since = options.sinceTime.getTime();
    selected = selected.filter((l) => Date.parse(l.time) >= since);
  }
  if (options.tailLines !== undefined) selected = options.tailLines <= 0 ? [] : selected.slice(-options.tailLines);
  let text = selected.map((l) => `${options.timestamps ? `${l.time} ` : ''}${l.content}${l.partial ? '' : '\n'}`).join('');
  if (options.limitBytes !== undefined && Buffer.byteLength(text) > options.limitBytes) text = Buffer.from(text).subarray(0, options.limitBytes).toString();
  return text;
}

export async function readCriLog(path: string, options: LogOptions = {}): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
  return formatLogs(parseCriLog(text), options);
}
