import type Database from 'better-sqlite3';
import type { KeyValue } from '../store.js';
import type { HistoryRow, Row } from './schema.js';

interface InsertMeta {
  created: boolean;
  /** Revision of the row this one replaces (0 for a create). */
  prev: number;
  /** For updates: the key's create revision; for creates it is the new row's own revision. */
  createRevision: number;
}

const rowColumns = 'kv.revision, kv.key, kv.created, kv.deleted, kv.create_revision, kv.prev_revision, kv.value';

/** The SQL of the SQLite store, prepared once. */
export class Statements {
  private readonly q;

  constructor(private readonly db: Database.Database) {
    const prepare = <R>(sql: string) => db.prepare<unknown[], R>(sql);
    this.q = {
      head: prepare<{ seq: number }>(`SELECT seq FROM sqlite_sequence WHERE name = 'kv'`),
      meta: prepare<{ value: number }>(`SELECT value FROM meta WHERE name = ?`),
      setMeta: prepare(`INSERT INTO meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value`),
      getLatest: prepare<Row>(`SELECT ${rowColumns} FROM latest JOIN kv ON kv.revision = latest.revision WHERE latest.key = ?`),
      listLatest: prepare<Row>(
        `SELECT ${rowColumns} FROM latest JOIN kv ON kv.revision = latest.revision
         WHERE latest.key >= ? AND latest.key < ? ORDER BY latest.key LIMIT ?`,
      ),
      getAt: prepare<Row>(`SELECT ${rowColumns} FROM kv WHERE kv.key = ? AND kv.revision <= ? ORDER BY kv.revision DESC LIMIT 1`),
      countLatest: prepare<{ n: number }>(`SELECT count(*) AS n FROM latest WHERE key >= ? AND key < ?`),
      listAt: prepare<Row>(
        `SELECT ${rowColumns} FROM
           (SELECT key AS k, max(revision) AS r FROM kv WHERE key >= ? AND key < ? AND revision <= ? GROUP BY key) AS at
         JOIN kv ON kv.revision = at.r
         WHERE kv.deleted = 0 ORDER BY kv.key LIMIT ?`,
      ),
      countAt: prepare<{ n: number }>(
        `SELECT count(*) AS n FROM
           (SELECT max(revision) AS r FROM kv WHERE key >= ? AND key < ? AND revision <= ? GROUP BY key) AS at
         JOIN kv ON kv.revision = at.r WHERE kv.deleted = 0`,
      ),
      insert: prepare(
        `INSERT INTO kv (key, created, deleted, create_revision, prev_revision, value) VALUES (?, ?, ?, ?, ?, ?)`,
      ),
      fixCreateRevision: prepare(`UPDATE kv SET create_revision = revision WHERE revision = ?`),
      upsertLatest: prepare(
        `INSERT INTO latest (key, revision, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET revision = excluded.revision, expires_at = excluded.expires_at`,
      ),
      deleteLatest: prepare(`DELETE FROM latest WHERE key = ?`),
      expired: prepare<{ key: string; revision: number }>(
        `SELECT key, revision FROM latest WHERE expires_at IS NOT NULL AND expires_at <= ? LIMIT 1000`,
      ),
      history: prepare<HistoryRow>(
        `SELECT ${rowColumns}, prev.value AS prev_value, prev.create_revision AS prev_create_revision
         FROM kv LEFT JOIN kv AS prev ON prev.revision = kv.prev_revision
         WHERE kv.revision > ? AND kv.revision <= ? ORDER BY kv.revision LIMIT ?`,
      ),
      compactReplaced: prepare(
        `DELETE FROM kv WHERE revision IN (
           SELECT prev_revision FROM kv WHERE revision > ? AND revision <= ? AND prev_revision > 0)`,
      ),
      compactTombstones: prepare(`DELETE FROM kv WHERE revision > ? AND revision <= ? AND deleted = 1`),
    };
  }

  headRevision(): number {
    return this.q.head.get()?.seq ?? 0;
  }

  compactedRevision(): number {
    return this.q.meta.get('compacted')?.value ?? 0;
  }

  getLatest(key: string): Row | undefined {
    return this.q.getLatest.get(key);
  }

  /** The key's row as of a revision, unless it was deleted then. */
  getAt(key: string, revision: number): Row | undefined {
    const row = this.q.getAt.get(key, revision);
    return row && !row.deleted ? row : undefined;
  }

  countAt(revision: number, start: string, end: string): number {
    return this.q.countAt.get(lowerBound(start, undefined), end, revision)?.n ?? 0;
  }

  /** Live keys from `start` (or after `after`) up to `end`, ordered by key. */
  listLatest(start: string, end: string, after: string | undefined, limit: number): Row[] {
    return this.q.listLatest.all(lowerBound(start, after), end, limit);
  }

  listAt(revision: number, start: string, end: string, after: string | undefined, limit: number): Row[] {
    return this.q.listAt.all(lowerBound(start, after), end, revision, limit);
  }

  countLatest(start: string, end: string): number {
    return this.q.countLatest.get(lowerBound(start, undefined), end)?.n ?? 0;
  }

  countLatestAfter(after: string, end: string): number {
    return this.q.countLatest.get(lowerBound('', after), end)?.n ?? 0;
  }

  countAtAfter(revision: number, after: string, end: string): number {
    return this.q.countAt.get(lowerBound('', after), end, revision)?.n ?? 0;
  }

  insert(key: string, value: Uint8Array, meta: InsertMeta, expiresAt: number | null): KeyValue {
    const { lastInsertRowid } = this.q.insert.run(key, meta.created ? 1 : 0, 0, meta.createRevision, meta.prev, value);
    const revision = Number(lastInsertRowid);
    if (meta.created) this.q.fixCreateRevision.run(revision);
    this.q.upsertLatest.run(key, revision, expiresAt);
    return { key, value, createRevision: meta.created ? revision : meta.createRevision, modRevision: revision };
  }

  /** Writes a tombstone carrying the last value; returns it with the delete's revision. */
  remove(current: KeyValue): KeyValue {
    const { lastInsertRowid } = this.q.insert.run(
      current.key,
      0,
      1,
      current.createRevision,
      current.modRevision,
      current.value,
    );
    this.q.deleteLatest.run(current.key);
    return { ...current, modRevision: Number(lastInsertRowid) };
  }

  expired(now: number): { key: string; revision: number }[] {
    return this.q.expired.all(now);
  }

  history(after: number, upTo: number, limit: number): HistoryRow[] {
    return this.q.history.all(after, upTo, limit);
  }

  /**
   * Removes the history that no read at or after `revision` needs: every row
   * replaced by a write at or before it, and the tombstones. Works through the
   * writes since the last compaction in slices so the writer is never held long.
   */
  compact(revision: number): void {
    const from = this.compactedRevision();
    const slice = 10_000;
    for (let lo = from; lo < revision; lo += slice) {
      const hi = Math.min(lo + slice, revision);
      this.db.transaction(() => {
        this.q.compactReplaced.run(lo, hi);
        this.q.compactTombstones.run(lo, hi);
      })();
    }
    this.q.setMeta.run('compacted', revision);
  }
}

/** Inclusive lower bound: keys from `start`, or the first key after `after` (keys never contain NUL). */
function lowerBound(start: string, after: string | undefined): string {
  return after === undefined ? start : after + '\0';
}
