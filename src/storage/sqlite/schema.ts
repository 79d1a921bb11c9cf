// The on-disk layout of the SQLite store, log-structured as kine does it:
// one row per revision in `kv`, the live key set in `latest`.

export const schema = `
CREATE TABLE IF NOT EXISTS kv (
  revision        INTEGER PRIMARY KEY AUTOINCREMENT,
  key             TEXT    NOT NULL,
  created         INTEGER NOT NULL,
  deleted         INTEGER NOT NULL,
  create_revision INTEGER NOT NULL,
  prev_revision   INTEGER NOT NULL,
  value           BLOB    NOT NULL
);
CREATE INDEX IF NOT EXISTS kv_key_revision ON kv (key, revision);
CREATE TABLE IF NOT EXISTS latest (
  key        TEXT PRIMARY KEY,
  revision   INTEGER NOT NULL,
  expires_at INTEGER
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS latest_expires_at ON latest (expires_at) WHERE expires_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS meta (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** A row of `kv` as read back. */
export interface Row {
  revision: number;
  key: string;
  created: number;
  deleted: number;
  create_revision: number;
  prev_revision: number;
  value: Buffer;
}

/** A row joined with the row it replaced (for watch events). */
export interface HistoryRow extends Row {
  prev_value: Buffer | null;
  prev_create_revision: number | null;
}
