// Reading a container's CRI log file the way the kubelet serves it: the
// rotated files (`<path>.<timestamp>`, oldest first) and then the live one,
// and with follow the lines appended later, until the container has exited.
import { createReadStream, promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { EntryRenderer, parseEntry, tail, type LogEntry, type ReadOptions } from './cri-format.js';

/** The rotated siblings of a log file, oldest first (their suffix is a sortable timestamp). */
export async function rotatedFiles(path: string): Promise<string[]> {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  return names
    .filter((n) => n.startsWith(prefix) && !n.endsWith('.tmp') && !n.endsWith('.gz'))
    .sort()
    .map((n) => join(dir, n));
}

async function* entriesOf(path: string, start = 0): AsyncGenerator<LogEntry> {
  const stream = createReadStream(path, { start, encoding: 'utf8' });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      const entry = parseEntry(line);
      if (entry) yield entry;
    }
  } catch {
    // Rotated away while reading: what was read stands.
  } finally {
    stream.destroy();
  }
}

async function sizeOf(path: string): Promise<number> {
  return fs.stat(path).then((s) => s.size, () => 0);
}

/** Whether the container still writes to the file (follow stops once it does not). */
export type StillRunning = () => Promise<boolean>;

export function readFileLog(path: string, options: ReadOptions, stillRunning: StillRunning, signal?: AbortSignal, pollMs = 250): Readable {
  async function* entries(): AsyncGenerator<LogEntry> {
    const files = [...(await rotatedFiles(path)), path];
    if (options.tailLines !== undefined) {
      const all: LogEntry[] = [];
      for (const f of files) for await (const e of entriesOf(f)) all.push(e);
      yield* tail(all, options.tailLines);
    } else {
      for (const f of files.slice(0, -1)) yield* entriesOf(f);
    }
    let offset = 0;
    if (options.tailLines === undefined) {
      for await (const e of entriesOf(path)) yield e;
    }
    offset = await sizeOf(path);
    if (!options.follow) return;
    let partial = '';
    while (!signal?.aborted) {
      const size = await sizeOf(path);
      if (size < offset) offset = 0; // rotated: the new file starts over
      if (size > offset) {
        const handle = await fs.open(path, 'r');
        try {
          const buf = Buffer.alloc(size - offset);
          await handle.read(buf, 0, buf.length, offset);
          offset = size;
          const text = partial + buf.toString('utf8');
          const lines = text.split('\n');
          partial = lines.pop() ?? '';
          for (const l of lines) {
            const e = parseEntry(l);
            if (e) yield e;
          }
        } finally {
          await handle.close();
        }
        continue;
      }
      if (!(await stillRunning())) return;
      await sleep(pollMs, undefined, { signal }).catch(() => undefined);
    }
  }
  return Readable.from(entries(), { objectMode: true }).pipe(new EntryRenderer(options));
}
