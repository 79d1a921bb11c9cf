import type { Watch, WatchEvent } from './store.js';

/**
 * The consumer side of a watch: batches pushed by a backend wait here until
 * the consumer iterates. A failure is thrown to the consumer after the batches
 * queued before it.
 */
export class WatchQueue implements Watch {
  private readonly batches: WatchEvent[][] = [];
  private failure: Error | undefined;
  private closed = false;
  private wake: (() => void) | undefined;

  constructor(private readonly onClose: () => void = () => {}) {}

  get isClosed(): boolean {
    return this.closed;
  }

  push(batch: WatchEvent[]): void {
    if (this.closed || this.failure || batch.length === 0) return;
    this.batches.push(batch);
    this.notify();
  }

  fail(err: Error): void {
    if (this.closed || this.failure) return;
    this.failure = err;
    this.notify();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.batches.length = 0;
    this.onClose();
    this.notify();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<WatchEvent[]> {
    try {
      while (true) {
        const batch = this.batches.shift();
        if (batch) {
          yield batch;
          continue;
        }
        if (this.closed) return;
        if (this.failure) throw this.failure;
        await new Promise<void>((resolve) => (this.wake = resolve));
      }
    } finally {
      this.close();
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

/** Whether a watch on `key` (as a prefix, or exactly) sees a change to `changed`. */
export function watchMatches(key: string, prefix: boolean, changed: string): boolean {
  return prefix ? changed.startsWith(key) : changed === key;
}
