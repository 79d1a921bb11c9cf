// The cluster datastore on a real etcd v3 cluster, used as kube-apiserver
// uses it: compare-and-swap transactions on create/mod revisions, paged
// lists pinned to one revision, watches from a revision with prev_kv.
import { noop } from 'cockatiel';
import { Etcd3, type IOptions, type IRangeRequest, type IRangeResponse, type ITxnRequest, type ITxnResponse } from 'etcd3';
import {
  checkValueSize,
  decodeContinue,
  encodeContinue,
  isStoreError,
  StoreError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type Watch,
  type WatchOptions,
  type WriteOptions,
} from '../store.js';
import {
  compare,
  encodeKey,
  encodeValue,
  optionalKeyValue,
  prefixRange,
  rangeAfter,
  revisionOf,
  toKeyValue,
  watchRange,
} from './codec.js';
import { isLeaseNotFound, isNotSent, isTransient, toStoreError } from './errors.js';
import { LeaseManager } from './leases.js';
import { EtcdWatch } from './watch.js';

export interface EtcdStoreOptions {
  /** Deadline of each request in ms (default 5000): an unreachable etcd fails within it. */
  requestTimeoutMs?: number;
  /** How long openEtcdStore waits for etcd to answer before failing (ms, default 10000). */
  startupTimeoutMs?: number;
  /** Client TLS for https:// endpoints (PEM). */
  tls?: { ca: Buffer; cert?: Buffer; key?: Buffer };
  /** etcd user authentication. */
  auth?: { username: string; password: string };
}

/** A key that is never written: ranges on it cost nothing and report the store's revision. */
const probeKey = Buffer.from([0]);

/** Whether an operation may be retried on another member after any transient failure, or only when it was never sent. */
type RetryMode = 'read' | 'write';

export class EtcdStore implements Store {
  private readonly client: Etcd3;
  private readonly leases: LeaseManager;
  private readonly watches = new Set<EtcdWatch>();
  /** The highest revision known to be compacted (a lower bound of etcd's). */
  private compacted = 0;
  private closed = false;

  constructor(
    readonly endpoints: readonly string[],
    options: EtcdStoreOptions = {},
  ) {
    this.client = new Etcd3(clientOptions(endpoints, options));
    this.leases = new LeaseManager(this.client.leaseClient);
  }

  async currentRevision(): Promise<number> {
    const response = await this.range({ key: probeKey, count_only: true });
    return revisionOf(response.header);
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const response = await this.range({ key: encodeKey(key) });
    return optionalKeyValue(response.kvs[0]);
  }

  async count(prefix: string): Promise<number> {
    const response = await this.range({ ...prefixRange(prefix), count_only: true });
    return Number(response.count);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    const token = options.continue ? decodeContinue(options.continue) : undefined;
    const requested = token ? token.rev : options.revision;
    const pinned = requested && requested > 0 ? requested : 0;
    const range = token ? rangeAfter(prefix, token.start) : prefixRange(prefix);
    const limit = options.limit && options.limit > 0 ? options.limit : 0;
    const response = await this.range({ ...range, revision: pinned, limit });
    const revision = pinned || revisionOf(response.header);
    const items = response.kvs.map(toKeyValue);
    if (!response.more || items.length === 0) return { items, revision };
    return {
      items,
      revision,
      continue: encodeContinue({ rev: revision, start: items[items.length - 1].key }),
      remaining: Number(response.count) - items.length,
    };
  }

  async create(key: string, value: Uint8Array, options: WriteOptions = {}): Promise<KeyValue> {
    checkValueSize(key, value);
    const etcdKey = encodeKey(key);
    const response = await this.withLease(options.ttlSeconds, (lease) =>
      this.txn({
        compare: [compare.absent(etcdKey)],
        success: [{ request_put: { key: etcdKey, value: encodeValue(value), lease } }],
        failure: [{ request_range: { key: etcdKey } }],
      }),
    );
    if (!response.succeeded) throw new StoreError('exists', `key ${key} already exists`, currentValue(response));
    const revision = revisionOf(response.header);
    return { key, value, createRevision: revision, modRevision: revision };
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number, options: WriteOptions = {}): Promise<KeyValue> {
    checkValueSize(key, value);
    const etcdKey = encodeKey(key);
    const response = await this.withLease(options.ttlSeconds, (lease) =>
      this.txn({
        compare: [compare.exists(etcdKey), compare.modRevision(etcdKey, expectedModRevision)],
        success: [{ request_put: { key: etcdKey, value: encodeValue(value), lease, prev_kv: true } }],
        failure: [{ request_range: { key: etcdKey } }],
      }),
    );
    if (!response.succeeded) throw refusal(key, expectedModRevision, response);
    const previous = optionalKeyValue(response.responses[0]?.response_put?.prev_kv);
    const revision = revisionOf(response.header);
    return { key, value, createRevision: previous?.createRevision ?? revision, modRevision: revision };
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    const etcdKey = encodeKey(key);
    const guard = expectedModRevision === undefined ? [] : [compare.modRevision(etcdKey, expectedModRevision)];
    const response = await this.txn({
      compare: [compare.exists(etcdKey), ...guard],
      success: [{ request_delete_range: { key: etcdKey, prev_kv: true } }],
      failure: [{ request_range: { key: etcdKey } }],
    });
    if (!response.succeeded) throw refusal(key, expectedModRevision, response);
    const last = optionalKeyValue(response.responses[0]?.response_delete_range?.prev_kvs[0]);
    if (!last) throw new StoreError('notFound', `key ${key} not found`);
    return { ...last, modRevision: revisionOf(response.header) };
  }

  watch(key: string, options: WatchOptions): Watch {
    const range = watchRange(key, options.prefix ?? true);
    const watch = new EtcdWatch(this.client.watchClient, range, options.afterRevision, () => this.watches.delete(watch));
    if (this.closed) {
      watch.fail(closedError());
    } else {
      this.watches.add(watch);
      watch.start();
    }
    return watch.queue;
  }

  async compact(revision: number): Promise<void> {
    if (revision <= this.compacted) return;
    try {
      await this.call(() => this.client.kv.compact({ revision }), 'write');
    } catch (err) {
      if (isStoreError(err, 'invalid')) {
        throw new StoreError('invalid', `cannot compact to ${revision}: it is after the current revision`);
      }
      // Compacting to a revision already compacted (by anyone) is done already.
      if (!isStoreError(err, 'compacted')) throw err;
    }
    this.compacted = Math.max(this.compacted, revision);
  }

  /**
   * etcd does not report its compaction point, but refuses reads below it:
   * find the oldest readable revision by bisection, starting from the last
   * known point (compaction only moves forward, whoever compacts).
   */
  async compactedRevision(): Promise<number> {
    const known = Math.max(1, this.compacted);
    if (await this.readableAt(known)) return this.compacted;
    let unreadable = known;
    let readable = await this.currentRevision();
    while (readable - unreadable > 1) {
      const middle = Math.floor((unreadable + readable) / 2);
      if (await this.readableAt(middle)) readable = middle;
      else unreadable = middle;
    }
    this.compacted = Math.max(this.compacted, readable);
    return readable;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const watch of [...this.watches]) watch.fail(closedError());
    this.client.close();
  }

  /** Waits until etcd answers, failing with `unavailable` after the timeout. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await this.currentRevision();
        return;
      } catch (err) {
        if (!isStoreError(err, 'unavailable') || Date.now() + 200 >= deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  private async readableAt(revision: number): Promise<boolean> {
    try {
      await this.range({ key: probeKey, revision, count_only: true });
      return true;
    } catch (err) {
      if (isStoreError(err, 'compacted')) return false;
      throw err;
    }
  }

  private range(request: IRangeRequest): Promise<IRangeResponse> {
    return this.call(() => this.client.kv.range(request), 'read');
  }

  private txn(request: ITxnRequest): Promise<ITxnResponse> {
    return this.call(() => this.client.kv.txn(request), 'write');
  }

  /** Runs a write with the lease for its TTL; a lease that expired meanwhile is replaced once. */
  private async withLease<T>(ttlSeconds: number | undefined, write: (lease: string | number) => Promise<T>): Promise<T> {
    if (!ttlSeconds || ttlSeconds <= 0) return write(0);
    const lease = () => this.call(() => this.leases.leaseFor(ttlSeconds), 'write');
    try {
      return await write(await lease());
    } catch (err) {
      if (!isLeaseNotFound(err)) throw err;
      this.leases.forget(ttlSeconds);
      return write(await lease());
    }
  }

  /**
   * One etcd request, mapped to StoreErrors. With several endpoints a failed
   * request is tried on the next member: reads after any transient failure,
   * writes only when they surely never reached etcd.
   */
  private async call<T>(request: () => Promise<T>, mode: RetryMode): Promise<T> {
    if (this.closed) throw closedError();
    for (let attemptsLeft = this.endpoints.length - 1; ; attemptsLeft--) {
      try {
        return await request();
      } catch (err) {
        const retriable = mode === 'read' ? isTransient(err) : isNotSent(err);
        if (attemptsLeft <= 0 || !retriable || this.closed) throw toStoreError(err, this.endpoints);
      }
    }
  }
}

/** Opens the store once etcd answers; fails with `unavailable` naming the endpoints if it does not. */
export async function openEtcdStore(endpoints: string[], options: EtcdStoreOptions = {}): Promise<EtcdStore> {
  if (endpoints.length === 0) throw new StoreError('invalid', 'no etcd endpoints given');
  const store = new EtcdStore(endpoints, options);
  try {
    await store.waitReady(options.startupTimeoutMs ?? 10_000);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

function clientOptions(endpoints: readonly string[], options: EtcdStoreOptions): IOptions {
  const timeoutMs = options.requestTimeoutMs ?? 5000;
  return {
    hosts: [...endpoints],
    auth: options.auth,
    credentials: options.tls && {
      rootCertificate: options.tls.ca,
      certChain: options.tls.cert,
      privateKey: options.tls.key,
    },
    // Each unary request gets a deadline; watch streams live until closed.
    defaultCallOptions: (context) => (context.isStream ? {} : { deadline: Date.now() + timeoutMs }),
    // No hidden retries or circuit breakers: the store decides what may be retried.
    faultHandling: { host: () => noop, global: noop },
    grpcOptions: {
      'grpc.max_receive_message_length': -1,
      // Reconnect within a second of etcd coming back, however long it was away.
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1000,
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
    },
  };
}

function currentValue(response: ITxnResponse): KeyValue | undefined {
  return optionalKeyValue(response.responses[0]?.response_range?.kvs[0]);
}

/** Why a guarded update or delete did not apply: the key is gone, or it changed. */
function refusal(key: string, expected: number | undefined, response: ITxnResponse): StoreError {
  const current = currentValue(response);
  if (!current) return new StoreError('notFound', `key ${key} not found`);
  return new StoreError('conflict', `key ${key} is at revision ${current.modRevision}, not ${expected}`, current);
}

function closedError(): StoreError {
  return new StoreError('unavailable', 'the etcd store is closed');
}
