import type { WatchEvent } from '../store.js';
import { watchMatches, type WatchQueue } from '../watch-queue.js';
import type { HistoryRow } from './schema.js';
import { historyEvent } from './rows.js';

/** What a watcher needs from the store. */
export interface WatchSource {
  head(): number;
  history(after: number, upTo: number, limit: number): HistoryRow[];
}

const historyPage = 1000;

/**
 * One watch on the SQLite store. It first replays history after its start
 * revision page by page, then switches to live delivery at the exact
 * revision it caught up to, so no event is lost or repeated.
 */
export class SqliteWatcher {
  private cursor: number;
  private live = false;

  constructor(
    private readonly key: string,
    private readonly prefix: boolean,
    afterRevision: number,
    readonly queue: WatchQueue,
    private readonly source: WatchSource,
  ) {
    this.cursor = afterRevision;
  }

  start(): void {
    this.catchUp();
  }

  /** Called after each commit with its events, in revision order. */
  deliver(events: WatchEvent[]): void {
    if (!this.live) return;
    this.send(events);
  }

  private catchUp(): void {
    if (this.queue.isClosed) return;
    const head = this.source.head();
    if (this.cursor >= head) {
      this.live = true;
      return;
    }
    const rows = this.source.history(this.cursor, head, historyPage);
    if (rows.length === 0) {
      this.cursor = head;
    } else {
      this.send(rows.map(historyEvent));
      this.cursor = Math.max(this.cursor, rows[rows.length - 1].revision);
      if (rows.length < historyPage) this.cursor = head;
    }
    setImmediate(() => this.catchUp());
  }

  private send(events: WatchEvent[]): void {
    const matching = events.filter((e) => e.kv.modRevision > this.cursor && watchMatches(this.key, this.prefix, e.kv.key));
    const last = events[events.length - 1];
    if (last && last.kv.modRevision > this.cursor) this.cursor = last.kv.modRevision;
    this.queue.push(matching);
  }
}
