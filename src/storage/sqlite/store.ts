import Database from 'better-sqlite3';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  checkValueSize,
  decodeContinue,
  encodeContinue,
  prefixEnd,
  StoreError,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type Store,
  type Watch,
  type WatchEvent,
  type WatchOptions,
  type WriteOptions,
} from '../store.js';
import { WatchQueue } from '../watch-queue.js';
import { toKeyValue } from './rows.js';
import { schema } from './schema.js';
import { Statements } from './statements.js';
import { SqliteWatcher } from './watcher.js';

export interface SqliteStoreOptions {
  /** How often expired keys are looked for (ms). */
  ttlSweepIntervalMs?: number;
}

type WriteOp =
  | { kind: 'create'; key: string; value: Uint8Array; ttlSeconds?: number }
  | { kind: 'update'; key: string; value: Uint8Array; expected: number; ttlSeconds?: number }
  | { kind: 'delete'; key: string; expected?: number };

interface PendingWrite {
  op: WriteOp;
  resolve: (kv: KeyValue) => void;
  reject: (err: Error) => void;
}

/**
 * The embedded datastore: one SQLite file in WAL mode, held exclusively by
 * this process. Writes queue up and commit together (group commit); each
 * acknowledged write has been fsynced. SQLite commits without syncing
 * (synchronous=NORMAL) and the store fsyncs the WAL file on libuv's thread
 * pool before acknowledging, so the event loop keeps serving while the disk
 * works and the writes that arrive meanwhile form the next group.
 */
export class SqliteStore implements Store {
  private readonly sql: Statements;
  /** The newest acknowledged revision: what reads and watches see. */
  private revision: number;
  /** The newest committed revision; above `revision` while a group's fsync is in flight. */
  private committed: number;
  private compacted: number;
  private pending: PendingWrite[] = [];
  private flushing: Promise<void> | undefined;
  private wal: FileHandle | undefined;
  private readonly watchers = new Set<SqliteWatcher>();
  private readonly ttlTimer: NodeJS.Timeout;
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
    options: SqliteStoreOptions,
  ) {
    this.sql = new Statements(db);
    this.revision = this.sql.headRevision();
    this.committed = this.revision;
    this.compacted = this.sql.compactedRevision();
    this.ttlTimer = setInterval(() => this.expireKeys(), options.ttlSweepIntervalMs ?? 1000);
  }

  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    mkdirSync(dirname(path), { recursive: true });
    checkReadable(path);
    const db = openExclusive(path);
    return new SqliteStore(db, path, options);
  }

  async currentRevision(): Promise<number> {
    return this.revision;
  }

  async compactedRevision(): Promise<number> {
    return this.compacted;
  }

  /** Whether committed rows that are not yet acknowledged exist (reads must not see them). */
  private get syncing(): boolean {
    return this.committed > this.revision;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.assertOpen();
    const row = this.syncing ? this.sql.getAt(key, this.revision) : this.sql.getLatest(key);
    return row && toKeyValue(row);
  }

  async count(prefix: string): Promise<number> {
    this.assertOpen();
    const end = prefixEnd(prefix);
    return this.syncing ? this.sql.countAt(this.revision, prefix, end) : this.sql.countLatest(prefix, end);
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListResult> {
    this.assertOpen();
    const token = options.continue ? decodeContinue(options.continue) : undefined;
    const pinned = token ? token.rev : options.revision;
    const revision = pinned && pinned > 0 ? pinned : this.revision;
    if (revision > this.revision) {
      throw new StoreError('invalid', `revision ${revision} is in the future (current ${this.revision})`);
    }
    if (revision < this.compacted) throw compactedError(revision, this.compacted);
    const end = prefixEnd(prefix);
    const after = token ? token.start : undefined;
    const limit = options.limit && options.limit > 0 ? options.limit : -1;
    const latest = revision === this.revision && !this.syncing;
    const rows = latest
      ? this.sql.listLatest(prefix, end, after, limit === -1 ? -1 : limit + 1)
      : this.sql.listAt(revision, prefix, end, after, limit === -1 ? -1 : limit + 1);
    const more = limit !== -1 && rows.length > limit;
    const items = (more ? rows.slice(0, limit) : rows).map(toKeyValue);
    if (!more) return { items, revision };
    const last = items[items.length - 1].key;
    const remaining = latest ? this.sql.countLatestAfter(last, end) : this.sql.countAtAfter(revision, last, end);
    return { items, revision, continue: encodeContinue({ rev: revision, start: last }), remaining };
  }

  async create(key: string, value: Uint8Array, options: WriteOptions = {}): Promise<KeyValue> {
    checkValueSize(key, value);
    return this.enqueue({ kind: 'create', key, value, ttlSeconds: options.ttlSeconds });
  }

  async update(key: string, value: Uint8Array, expected: number, options: WriteOptions = {}): Promise<KeyValue> {
    checkValueSize(key, value);
    return this.enqueue({ kind: 'update', key, value, expected, ttlSeconds: options.ttlSeconds });
  }

  async delete(key: string, expected?: number): Promise<KeyValue> {
    return this.enqueue({ kind: 'delete', key, expected });
  }

  watch(key: string, options: WatchOptions): Watch {
    const queue = new WatchQueue(() => this.watchers.delete(watcher));
    const watcher = new SqliteWatcher(key, options.prefix ?? true, options.afterRevision, queue, {
      head: () => this.revision,
      history: (after, upTo, limit) => this.sql.history(after, upTo, limit),
    });
    if (this.closed) {
      queue.fail(new StoreError('unavailable', `store ${this.path} is closed`));
    } else if (options.afterRevision < this.compacted) {
      queue.fail(compactedError(options.afterRevision, this.compacted));
    } else {
      this.watchers.add(watcher);
      watcher.start();
    }
    return queue;
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    if (revision <= this.compacted) return;
    if (revision > this.revision) {
      throw new StoreError('invalid', `cannot compact to ${revision}: current revision is ${this.revision}`);
    }
    this.sql.compact(revision);
    this.compacted = revision;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    while (this.flushing) await this.flushing;
    this.closed = true;
    await this.wal?.close();
    clearInterval(this.ttlTimer);
    for (const watcher of [...this.watchers]) watcher.queue.fail(new StoreError('unavailable', 'store closed'));
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreError('unavailable', `store ${this.path} is closed`);
  }

  private enqueue(op: WriteOp): Promise<KeyValue> {
    this.assertOpen();
    return new Promise((resolve, reject) => {
      this.pending.push({ op, resolve, reject });
      this.startFlushing();
    });
  }

  /** One flush loop at a time: a group commits, syncs and is acknowledged before the next begins. */
  private startFlushing(): void {
    if (this.flushing) return;
    this.flushing = (async () => {
      await new Promise((resolve) => setImmediate(resolve));
      while (this.pending.length > 0) await this.flush();
    })().finally(() => {
      this.flushing = undefined;
      if (this.pending.length > 0) this.startFlushing();
    });
  }

  /** Commits every queued write in one transaction, makes it durable, then acknowledges and notifies watchers. */
  private async flush(): Promise<void> {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    const outcomes: (KeyValue | StoreError)[] = [];
    const events: WatchEvent[] = [];
    try {
      this.db.transaction(() => {
        for (const { op } of batch) outcomes.push(this.apply(op, events));
      })();
      if (events.length > 0) {
        this.committed = events[events.length - 1].kv.modRevision;
        await this.syncWal();
      }
    } catch (err) {
      const failure = new StoreError('unavailable', `write to ${this.path} failed: ${(err as Error).message}`);
      for (const write of batch) write.reject(failure);
      return;
    }
    if (events.length > 0) this.revision = events[events.length - 1].kv.modRevision;
    batch.forEach((write, i) => {
      const outcome = outcomes[i];
      if (outcome instanceof StoreError) write.reject(outcome);
      else write.resolve(outcome);
    });
    if (events.length > 0) for (const watcher of this.watchers) watcher.deliver(events);
  }

  /** fsync of the WAL file, which holds every committed transaction until a checkpoint (which SQLite syncs itself). */
  private async syncWal(): Promise<void> {
    this.wal ??= await open(`${this.path}-wal`, 'r');
    await this.wal.sync();
  }

  /** Applies one write inside the open transaction; a refused write changes nothing. */
  private apply(op: WriteOp, events: WatchEvent[]): KeyValue | StoreError {
    const current = this.sql.getLatest(op.key);
    const currentKv = current && toKeyValue(current);
    if (op.kind === 'create') {
      if (currentKv) return new StoreError('exists', `key ${op.key} already exists`, currentKv);
      const kv = this.sql.insert(op.key, op.value, { created: true, prev: 0, createRevision: 0 }, expiry(op.ttlSeconds));
      events.push({ type: 'ADDED', kv });
      return kv;
    }
    if (!currentKv) return new StoreError('notFound', `key ${op.key} not found`);
    const expected = op.expected;
    if (expected !== undefined && expected !== currentKv.modRevision) {
      return new StoreError(
        'conflict',
        `key ${op.key} is at revision ${currentKv.modRevision}, not ${expected}`,
        currentKv,
      );
    }
    if (op.kind === 'update') {
      const kv = this.sql.insert(
        op.key,
        op.value,
        { created: false, prev: currentKv.modRevision, createRevision: currentKv.createRevision },
        expiry(op.ttlSeconds),
      );
      events.push({ type: 'MODIFIED', kv, prevKv: currentKv });
      return kv;
    }
    const tombstone = this.sql.remove(currentKv);
    events.push({ type: 'DELETED', kv: tombstone, prevKv: currentKv });
    return tombstone;
  }

  private expireKeys(): void {
    if (this.closed) return;
    for (const row of this.sql.expired(Date.now())) {
      this.delete(row.key, row.revision).catch(() => {
        // Changed or deleted meanwhile: the next sweep sees its new expiry.
      });
    }
  }
}

function expiry(ttlSeconds: number | undefined): number | null {
  return ttlSeconds && ttlSeconds > 0 ? Date.now() + ttlSeconds * 1000 : null;
}

function compactedError(revision: number, compacted: number): StoreError {
  return new StoreError('compacted', `revision ${revision} has been compacted (oldest available: ${compacted})`);
}

/** Fails with a message naming the file when it cannot be opened or is not a database; writes nothing. */
function checkReadable(path: string): void {
  try {
    closeSync(openSync(path, 'r'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new StoreError('unavailable', `cannot open datastore file ${path}: ${(err as Error).message}`);
  }
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: 0 });
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (err) {
    throw describeOpenError(path, err);
  } finally {
    db?.close();
  }
}

/** Opens read-write and takes the database's exclusive lock for the life of the process. */
function openExclusive(path: string): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('BEGIN EXCLUSIVE; COMMIT;');
    db.exec(schema);
    return db;
  } catch (err) {
    db?.close();
    throw describeOpenError(path, err);
  }
}

function describeOpenError(path: string, err: unknown): StoreError {
  const code = (err as { code?: string }).code ?? '';
  const detail = (err as Error).message;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError('unavailable', `datastore file ${path} is locked by another process (is another k8ts server running?)`);
  }
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new StoreError('unavailable', `datastore file ${path} is corrupt or not a SQLite database: ${detail}`);
  }
  return new StoreError('unavailable', `cannot open datastore file ${path}: ${detail}`);
}
