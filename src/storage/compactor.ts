import type { Store } from './store.js';

export interface CompactorOptions {
  /** How often to compact; history younger than one interval is kept. */
  intervalMs: number;
}

/**
 * Compacts the store periodically as kube-apiserver does: each tick compacts
 * to the revision seen at the previous tick, so one interval of history stays
 * available to watchers that fall behind.
 */
export class Compactor {
  private previous = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly options: CompactorOptions,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick().catch(() => {}), this.options.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One compaction step; exposed for tests. */
  async tick(): Promise<void> {
    const target = this.previous;
    this.previous = await this.store.currentRevision();
    if (target > 0) await this.store.compact(target);
  }
}
