// Conversions between the Store's types and etcd's wire messages.
import type { ICompare, IEvent, IKeyValue, IResponseHeader } from 'etcd3';
import type { KeyValue, WatchEvent } from '../store.js';

/** A key range in etcd's terms: [key, rangeEnd); no rangeEnd means the single key. */
export interface KeyRange {
  key: Buffer;
  range_end?: Buffer;
}

const zeroByte = Buffer.from([0]);

export function encodeKey(key: string): Buffer {
  return Buffer.from(key, 'utf8');
}

export function encodeValue(value: Uint8Array): Buffer {
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** The key range holding every key with `prefix`, compared byte-wise as etcd does. */
export function prefixRange(prefix: string): KeyRange {
  const key = encodeKey(prefix);
  if (key.length === 0) return { key: zeroByte, range_end: zeroByte };
  return { key, range_end: byteRangeEnd(key) };
}

/** The range of keys with `prefix` that sort after `lastKey` (for continuing a list). */
export function rangeAfter(prefix: string, lastKey: string): KeyRange {
  return { key: Buffer.concat([encodeKey(lastKey), zeroByte]), range_end: prefixRange(prefix).range_end };
}

/** The range a watch covers: one key, or every key under a prefix. */
export function watchRange(key: string, prefix: boolean): KeyRange {
  return prefix ? prefixRange(key) : { key: encodeKey(key) };
}

function byteRangeEnd(key: Buffer): Buffer {
  const end = Buffer.from(key);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i] < 0xff) {
      end[i]++;
      return end.subarray(0, i + 1);
    }
  }
  // Every byte is 0xff: no end but "all keys after".
  return zeroByte;
}

export function revisionOf(header: IResponseHeader): number {
  return Number(header.revision);
}

export function toKeyValue(kv: IKeyValue): KeyValue {
  return {
    key: kv.key.toString('utf8'),
    value: new Uint8Array(kv.value.buffer, kv.value.byteOffset, kv.value.byteLength),
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
  };
}

/** A present-or-absent wire key-value (absent messages decode as null). */
export function optionalKeyValue(kv: IKeyValue | null | undefined): KeyValue | undefined {
  return kv ? toKeyValue(kv) : undefined;
}

export function toWatchEvent(event: IEvent): WatchEvent {
  const kv = toKeyValue(event.kv);
  const prevKv = optionalKeyValue(event.prev_kv);
  if (event.type === 'Delete') {
    // etcd's delete event carries only the key and the delete's revision.
    const last = prevKv ?? kv;
    return { type: 'DELETED', kv: { ...last, modRevision: kv.modRevision }, prevKv };
  }
  if (kv.createRevision === kv.modRevision) return { type: 'ADDED', kv };
  return { type: 'MODIFIED', kv, prevKv };
}

export const compare = {
  /** The key exists (etcd: create_revision > 0). */
  exists: (key: Buffer): ICompare => ({ key, target: 'Create', result: 'Greater', create_revision: 0 }),
  /** The key is absent (etcd: create_revision == 0). */
  absent: (key: Buffer): ICompare => ({ key, target: 'Create', result: 'Equal', create_revision: 0 }),
  modRevision: (key: Buffer, revision: number): ICompare => ({ key, target: 'Mod', result: 'Equal', mod_revision: revision }),
};
