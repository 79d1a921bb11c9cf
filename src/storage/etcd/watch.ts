import type { IDuplexStream, IWatchRequest, IWatchResponse, WatchClient } from 'etcd3';
import { StoreError } from '../store.js';
import { WatchQueue } from '../watch-queue.js';
import { revisionOf, toWatchEvent, type KeyRange } from './codec.js';

const initialRetryMs = 100;
const maxRetryMs = 1000;

type WatchStream = IDuplexStream<IWatchRequest, IWatchResponse>;

/**
 * One etcd watch behind a Store watch. etcd delivers whole revisions per
 * response, so the watch remembers the last revision it delivered; when the
 * stream breaks (etcd restarted, connection lost) it opens a new one starting
 * right after that revision: no event is lost or repeated.
 */
export class EtcdWatch {
  readonly queue: WatchQueue;
  private stream: WatchStream | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryMs = initialRetryMs;
  private failed = false;

  constructor(
    private readonly client: WatchClient,
    private readonly range: KeyRange,
    /** Every change after this revision has been delivered. */
    private delivered: number,
    onClose: () => void,
  ) {
    this.queue = new WatchQueue(() => {
      this.stop();
      onClose();
    });
  }

  start(): void {
    void this.connect();
  }

  /** Ends the watch with an error the consumer sees after the events already queued. */
  fail(err: Error): void {
    this.failed = true;
    this.queue.fail(err);
    this.stop();
  }

  private stop(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const stream = this.stream;
    this.stream = undefined;
    if (stream) cancel(stream);
  }

  private get stopped(): boolean {
    return this.failed || this.queue.isClosed;
  }

  private async connect(): Promise<void> {
    let stream: WatchStream;
    try {
      stream = await this.client.watch();
    } catch (err) {
      this.retryLater(err);
      return;
    }
    if (this.stopped) {
      cancel(stream);
      return;
    }
    this.stream = stream;
    let ended = false;
    const onEnd = (err?: Error) => {
      if (ended) return;
      ended = true;
      if (this.stream === stream) this.stream = undefined;
      this.retryLater(err);
    };
    stream.on('data', (response) => this.receive(response));
    stream.on('error', onEnd);
    stream.on('end', () => onEnd());
    stream.write({
      create_request: { ...this.range, start_revision: this.delivered + 1, prev_kv: true, progress_notify: true },
    });
  }

  private retryLater(_err?: unknown): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryMs = Math.min(maxRetryMs, this.retryMs * 2);
  }

  private receive(response: IWatchResponse): void {
    if (this.stopped) return;
    const compactRevision = Number(response.compact_revision);
    if (compactRevision > 0) {
      this.fail(
        new StoreError(
          'compacted',
          `watch from revision ${this.delivered + 1} failed: history before ${compactRevision} has been compacted`,
        ),
      );
      return;
    }
    if (response.canceled) {
      this.fail(new StoreError('unavailable', `etcd canceled the watch: ${response.cancel_reason || 'no reason given'}`));
      return;
    }
    if (response.created) {
      this.retryMs = initialRetryMs;
      return;
    }
    if (response.events.length === 0) {
      // A progress notification: every change up to this revision has been sent.
      this.delivered = Math.max(this.delivered, revisionOf(response.header));
      return;
    }
    const batch = response.events.map(toWatchEvent);
    this.delivered = batch[batch.length - 1].kv.modRevision;
    this.queue.push(batch);
  }
}

/**
 * Ends a stream we no longer need. Half-closing first matters: etcd3 treats
 * an error on a still-writable stream as a broken connection and resets every
 * client of that etcd member, which would disturb requests in flight.
 */
function cancel(stream: WatchStream): void {
  stream.end();
  stream.cancel();
}
