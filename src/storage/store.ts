// The cluster datastore as the API server needs it: an MVCC key-value store
// with etcd v3's semantics. Every write gets one cluster-wide, strictly
// increasing revision; reads and watches are positioned by revision.

/** One stored version of a key. */
export interface KeyValue {
  key: string;
  value: Uint8Array;
  /** Revision of the write that created this incarnation of the key. */
  createRevision: number;
  /** Revision of the last write to the key (for a delete event: the delete's revision). */
  modRevision: number;
}

export interface ListOptions {
  /** At most this many items; 0 or absent means all. */
  limit?: number;
  /** Token from a previous page; the page is read at that page's revision. */
  continue?: string;
  /** Read at this revision instead of the latest (fails with `compacted` if too old). */
  revision?: number;
}

export interface ListResult {
  items: KeyValue[];
  /** The revision the snapshot was read at. */
  revision: number;
  /** Present when more items follow. */
  continue?: string;
  /** How many items remain after this page (when known). */
  remaining?: number;
}

export interface WriteOptions {
  /** Seconds until the key is deleted by the store (a delete event is emitted). */
  ttlSeconds?: number;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchEvent {
  type: WatchEventType;
  /** For DELETED: the last value, with modRevision set to the delete's revision. */
  kv: KeyValue;
  /** The value before this change (MODIFIED and DELETED), when the store still has it. */
  prevKv?: KeyValue;
}

export interface WatchOptions {
  /** Deliver every change with revision greater than this. */
  afterRevision: number;
  /** Treat `key` as a prefix (default true). */
  prefix?: boolean;
}

/** A running watch: events arrive in revision order with no gap and no duplicate. */
export interface Watch extends AsyncIterable<WatchEvent[]> {
  /** Stops the watch; a pending iteration ends. */
  close(): void;
}

export interface Store {
  /** The latest revision of the whole store. */
  currentRevision(): Promise<number>;
  get(key: string): Promise<KeyValue | undefined>;
  list(prefix: string, options?: ListOptions): Promise<ListResult>;
  /** Count of live keys under a prefix. */
  count(prefix: string): Promise<number>;
  /** Fails with `exists` when the key is present. */
  create(key: string, value: Uint8Array, options?: WriteOptions): Promise<KeyValue>;
  /** Fails with `conflict` (carrying the current value) when modRevision differs, `notFound` when absent. */
  update(key: string, value: Uint8Array, expectedModRevision: number, options?: WriteOptions): Promise<KeyValue>;
  /**
   * Deletes the key, when given only if its modRevision matches. Returns the
   * last value with modRevision set to the delete's revision.
   */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;
  /** Watch a key or prefix; fails with `compacted` when afterRevision is older than the compaction point. */
  watch(key: string, options: WatchOptions): Watch;
  /** Discards history before `revision`; reads and watches before it fail with `compacted`. */
  compact(revision: number): Promise<void>;
  /** The oldest revision still readable. */
  compactedRevision(): Promise<number>;
  close(): Promise<void>;
}

/** etcd's default maximum request size: larger values are refused by every backend. */
export const maxValueBytes = 1.5 * 1024 * 1024;

export type StoreErrorCode = 'exists' | 'notFound' | 'conflict' | 'compacted' | 'tooLarge' | 'unavailable' | 'invalid';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    /** For `conflict`: the value currently stored. */
    readonly current?: KeyValue,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}

export function checkValueSize(key: string, value: Uint8Array): void {
  if (value.byteLength > maxValueBytes) {
    throw new StoreError(
      'tooLarge',
      `value for ${key} is ${value.byteLength} bytes, over the limit of ${maxValueBytes} bytes`,
    );
  }
}

/** The end of a prefix range: the smallest key greater than every key with the prefix. */
export function prefixEnd(prefix: string): string {
  return prefix.length === 0 ? '\u{10FFFF}' : prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

interface ContinueToken {
  /** Revision the first page was read at; -1: the latest (an inconsistent continuation after compaction). */
  rev: number;
  /** The next page starts after this key. */
  start: string;
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

/** The token that continues a compacted paged list from the same key at the latest revision. */
export function inconsistentContinue(raw: string): string {
  return encodeContinue({ rev: -1, start: decodeContinue(raw).start });
}

export function decodeContinue(raw: string): ContinueToken {
  try {
    const token = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as ContinueToken;
    if (typeof token.rev === 'number' && typeof token.start === 'string') return token;
  } catch {
    // fall through
  }
  throw new StoreError('invalid', 'continue token is not valid');
}
