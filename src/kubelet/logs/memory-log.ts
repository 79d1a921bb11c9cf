// A container log kept in memory (the simulated runtime's containers write
// here instead of a file): bounded like a rotated file set, readable with the
// log options, and followable until the container exits.
import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import { EntryRenderer, formatEntry, rfc3339Nano, tail, type LogEntry, type LogStream, type ReadOptions } from './cri-format.js';

export class MemoryLog {
  private entries: LogEntry[] = [];
  private bytes = 0;
  private ended = false;
  private readonly events = new EventEmitter();

  /** maxBytes: what a rotated file set would hold (max-size x max-files). */
  constructor(private readonly maxBytes: number = 50 * 1024 * 1024) {
    this.events.setMaxListeners(0);
  }

  /** Appends output; each line becomes one entry. */
  write(stream: LogStream, text: string, at: Date = new Date()): void {
    if (this.ended) return;
    const timestamp = rfc3339Nano(at);
    const lines = text.split('\n');
    const last = lines.pop() ?? '';
    const add = (entry: LogEntry) => {
      this.entries.push(entry);
      this.bytes += formatEntry(entry).length;
      this.events.emit('entry', entry);
    };
    for (const line of lines) add({ timestamp, stream, partial: false, text: line });
    if (last) add({ timestamp, stream, partial: true, text: last });
    while (this.bytes > this.maxBytes && this.entries.length > 1) this.bytes -= formatEntry(this.entries.shift()!).length;
  }

  /** The container exited: followers reach the end. */
  end(): void {
    this.ended = true;
    this.events.emit('end');
  }

  get size(): number {
    return this.bytes;
  }

  /** The log as `kubectl logs` shows it; with follow, new output until the container ends or the signal aborts. */
  read(options: ReadOptions, signal?: AbortSignal): Readable {
    const renderer = new EntryRenderer(options);
    const source = new Readable({ objectMode: true, read() {} });
    for (const e of tail(this.entries, options.tailLines)) source.push(e);
    const onEntry = (e: LogEntry) => source.push(e);
    let stopped = false;
    const stop = () => {
      if (stopped) return;
      stopped = true;
      this.events.off('entry', onEntry);
      this.events.off('end', stop);
      signal?.removeEventListener('abort', stop);
      source.push(null);
    };
    if (!options.follow || this.ended) {
      stop();
    } else {
      this.events.on('entry', onEntry);
      this.events.on('end', stop);
      signal?.addEventListener('abort', stop);
    }
    source.pipe(renderer);
    // The byte limit ends the output early: stop feeding it.
    renderer.on('end', () => {
      stop();
      source.unpipe(renderer);
      source.destroy();
    });
    renderer.on('close', stop);
    return renderer;
  }
}
