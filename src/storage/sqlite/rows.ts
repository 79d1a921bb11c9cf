import type { KeyValue, WatchEvent } from '../store.js';
import type { HistoryRow, Row } from './schema.js';

export function toKeyValue(row: Row): KeyValue {
  return { key: row.key, value: row.value, createRevision: row.create_revision, modRevision: row.revision };
}

export function historyEvent(row: HistoryRow): WatchEvent {
  const kv = toKeyValue(row);
  const prevKv: KeyValue | undefined =
    row.prev_value === null
      ? undefined
      : { key: row.key, value: row.prev_value, createRevision: row.prev_create_revision ?? 0, modRevision: row.prev_revision };
  if (row.deleted) return { type: 'DELETED', kv, prevKv };
  if (row.created) return { type: 'ADDED', kv };
  return { type: 'MODIFIED', kv, prevKv };
}
