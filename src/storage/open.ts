import { join } from 'node:path';
import type { Store } from './store.js';
import { SqliteStore } from './sqlite/store.js';

/** Where the cluster's state lives, as given on the command line. */
export interface StoreConfig {
  /** The server's data dir; the SQLite file lives under it. */
  dataDir: string;
  /**
   * `--datastore-endpoint`: empty for the embedded SQLite file,
   * `sqlite://PATH` for another file, `http(s)://HOST:PORT[,HOST:PORT...]` for etcd.
   */
  datastoreEndpoint?: string;
}

export function sqlitePath(config: StoreConfig): string {
  const endpoint = config.datastoreEndpoint ?? '';
  if (endpoint.startsWith('sqlite://')) return endpoint.slice('sqlite://'.length);
  return join(config.dataDir, 'db', 'state.db');
}

export function etcdEndpoints(endpoint: string): string[] {
  return endpoint
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)
    .map((e) => (/^https?:\/\//.test(e) ? e : `http://${e}`));
}

export async function openStore(config: StoreConfig): Promise<Store> {
  const endpoint = config.datastoreEndpoint ?? '';
  if (/^https?:\/\//.test(endpoint)) {
    const { openEtcdStore } = await import('./etcd/store.js');
    return openEtcdStore(etcdEndpoints(endpoint));
  }
  if (endpoint !== '' && !endpoint.startsWith('sqlite://')) {
    throw new Error(`unsupported --datastore-endpoint ${endpoint}: use http(s)://host:port for etcd or sqlite://path`);
  }
  return SqliteStore.open(sqlitePath(config));
}
