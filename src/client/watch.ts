// A watch response body — newline-delimited JSON events over a chunked HTTP
// response — as an async iterable. The stream ends when the server closes it,
// the connection drops, or the consumer calls stop(); resuming is the
// informer's job.
import type { IncomingMessage } from 'node:http';
import { StringDecoder } from 'node:string_decoder';
import type { KubeObject, Watch, WatchEvent } from './types.js';

/** A slow consumer pauses the socket beyond this many buffered events. */
const highWaterMark = 1000;

export class WatchStream<T extends KubeObject> implements Watch<T> {
  private readonly events: WatchEvent<T>[] = [];
  private ended = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  private response: IncomingMessage | undefined;
  private pending = '';
  private readonly decoder = new StringDecoder('utf8');

  /** `abort` tears down the underlying request. */
  constructor(private readonly abort: () => void) {}

  get isEnded(): boolean {
    return this.ended;
  }

  /** Feeds a 2xx watch response into the stream. */
  attach(res: IncomingMessage): void {
    this.response = res;
    res.on('data', (chunk: Buffer) => this.onData(chunk));
    res.on('end', () => this.finish());
    res.on('close', () => this.finish());
    res.on('error', () => this.finish());
  }

  /** Delivers one event (and possibly ends), e.g. the ERROR event of a refused watch. */
  push(event: WatchEvent<T>): void {
    if (this.ended) return;
    this.events.push(event);
    if (this.events.length > highWaterMark) this.response?.pause();
    this.notify();
  }

  /** No more events will come. */
  finish(): void {
    if (this.ended) return;
    if (this.pending.trim()) this.parseLine(this.pending);
    this.pending = '';
    this.ended = true;
    this.notify();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.events.length = 0;
    this.finish();
    this.abort();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    try {
      while (true) {
        const event = this.events.shift();
        if (event) {
          if (this.events.length < highWaterMark / 2 && this.response?.isPaused()) this.response.resume();
          yield event;
          continue;
        }
        if (this.ended) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      this.stop();
    }
  }

  private onData(chunk: Buffer): void {
    const text = this.pending + this.decoder.write(chunk);
    const lines = text.split('\n');
    this.pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) this.parseLine(line);
  }

  private parseLine(line: string): void {
    let event: WatchEvent<T>;
    try {
      event = JSON.parse(line) as WatchEvent<T>;
    } catch {
      // A torn line means the connection broke mid-event: end, the informer resumes.
      this.stop();
      return;
    }
    this.push(event);
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
