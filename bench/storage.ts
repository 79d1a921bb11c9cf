// Datastore benchmark: the Store over SQLite and over a real etcd, each beside
// a raw baseline measured in the same run (plain better-sqlite3, plain etcd3).
import Database from 'better-sqlite3';
import { Etcd3 } from 'etcd3';
import { join } from 'node:path';
import { startEtcd } from '../test/helpers/etcd.js';
import { tempDir } from '../test/helpers/tmp.js';
import { openStore } from '../src/storage/open.js';
import type { Store } from '../src/storage/store.js';
import { percentile, type BenchRow } from './report.js';

const value = Buffer.alloc(512, 'v');

function progress(backend: string, step: string): void {
  process.stderr.write(`storage bench: ${backend} ${step} done\n`);
}

/** Runs `total` operations from `concurrency` workers; returns operations per second. */
async function throughput(total: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await op(next++);
    }),
  );
  return total / ((performance.now() - started) / 1000);
}

async function timeMs(fn: () => Promise<unknown> | unknown, repeat = 5): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return percentile(times, 50);
}

interface Target {
  name: string;
  store: Store;
  raw: RawBaseline;
  writes: number;
}

/** What the same work costs without the Store: the baseline of each ratio. */
interface RawBaseline {
  put(key: string, i: number): Promise<void>;
  list(prefix: string): Promise<number>;
  /** Delivery latencies (ms) of `writes` writes to `watchers` raw watchers. */
  watchLatency(prefix: string, watchers: number, writes: number): Promise<number[]>;
  close(): Promise<void>;
}

function sqliteRaw(path: string): RawBaseline {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE kv (key TEXT PRIMARY KEY, value BLOB)');
  const put = db.prepare('INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)');
  const range = db.prepare('SELECT key, value FROM kv WHERE key >= ? AND key < ?');
  let listeners: ((i: number) => void)[] = [];
  return {
    async put(key) {
      db.transaction(() => put.run(key, value))();
    },
    async list(prefix) {
      return range.all(prefix, prefix + '\xff').length;
    },
    async watchLatency(prefix, watchers, writes) {
      const latencies: number[] = [];
      for (let i = 0; i < writes; i++) {
        const started = performance.now();
        let pending = watchers;
        const done = new Promise<void>((resolve) => {
          const deliver = () => {
            latencies.push(performance.now() - started);
            if (--pending === 0) resolve();
          };
          for (let w = 0; w < watchers; w++) listeners.push(deliver);
        });
        db.transaction(() => put.run(`${prefix}${i}`, value))();
        setImmediate(() => {
          const current = listeners;
          listeners = [];
          for (const l of current) l(i);
        });
        await done;
      }
      return latencies;
    },
    async close() {
      db.close();
    },
  };
}

function etcdRaw(endpoint: string): RawBaseline {
  const client = new Etcd3({ hosts: endpoint, grpcOptions: { 'grpc.max_receive_message_length': -1 } });
  return {
    async put(key) {
      await client.put(key).value(value);
    },
    async list(prefix) {
      return Object.keys(await client.getAll().prefix(prefix).buffers()).length;
    },
    async watchLatency(prefix, watchers, writes) {
      const latencies: number[] = [];
      const sent = new Map<string, number>();
      const arrivals = new Map<string, number>();
      let all: () => void = () => {};
      const finished = new Promise<void>((resolve) => (all = resolve));
      const ws = await Promise.all(
        Array.from({ length: watchers }, () =>
          client
            .watch()
            .prefix(prefix)
            .create()
            .then((w) =>
              w.on('put', (kv) => {
                const key = kv.key.toString();
                latencies.push(performance.now() - sent.get(key)!);
                const n = (arrivals.get(key) ?? 0) + 1;
                arrivals.set(key, n);
                if (latencies.length === watchers * writes) all();
              }),
            ),
        ),
      );
      for (let i = 0; i < writes; i++) {
        const key = `${prefix}${i}`;
        sent.set(key, performance.now());
        await client.put(key).value(value);
        while ((arrivals.get(key) ?? 0) < watchers) await new Promise((r) => setTimeout(r, 1));
      }
      await finished;
      await Promise.all(ws.map((w) => w.cancel()));
      return latencies;
    },
    async close() {
      client.close();
    },
  };
}

async function storeWatchLatency(store: Store, prefix: string, watchers: number, writes: number): Promise<number[]> {
  const from = await store.currentRevision();
  const sent = new Map<number, number>();
  const latencies: number[] = [];
  const counts = new Map<number, number>();
  const ws = Array.from({ length: watchers }, () => store.watch(prefix, { afterRevision: from }));
  const readers = ws.map(async (w) => {
    let seen = 0;
    for await (const batch of w) {
      for (const e of batch) {
        latencies.push(performance.now() - (sent.get(e.kv.modRevision) ?? performance.now()));
        counts.set(e.kv.modRevision, (counts.get(e.kv.modRevision) ?? 0) + 1);
        if (++seen === writes) return;
      }
    }
  });
  for (let i = 0; i < writes; i++) {
    const started = performance.now();
    const revision = (await store.currentRevision()) + 1;
    sent.set(revision, started);
    const kv = await store.create(`${prefix}${i}`, value);
    if (kv.modRevision !== revision) sent.set(kv.modRevision, started);
    while ((counts.get(kv.modRevision) ?? 0) < watchers) await new Promise((r) => setImmediate(r));
  }
  await Promise.all(readers);
  for (const w of ws) w.close();
  return latencies;
}

async function benchTarget(target: Target): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const { store, raw, writes } = target;
  for (const concurrency of [1, 16, 64]) {
    const p = `/bench/create/${concurrency}/`;
    const rawP = `/raw/create/${concurrency}/`;
    const ours = await throughput(writes, concurrency, (i) => store.create(`${p}${i}`, value));
    const base = await throughput(writes, concurrency, (i) => raw.put(`${rawP}${i}`, i));
    progress(target.name, `create ${concurrency}`);
    rows.push({ backend: target.name, metric: `create writes/s, ${concurrency} writers`, value: ours, baseline: base, higherIsBetter: true });
  }
  for (const concurrency of [1, 16, 64]) {
    const p = `/bench/create/${concurrency}/`;
    const rawP = `/raw/create/${concurrency}/`;
    const revisions = new Map<number, number>();
    for (const kv of (await store.list(p)).items) revisions.set(Number(kv.key.slice(p.length)), kv.modRevision);
    const ours = await throughput(writes, concurrency, async (i) => {
      const kv = await store.update(`${p}${i}`, value, revisions.get(i)!);
      revisions.set(i, kv.modRevision);
    });
    const base = await throughput(writes, concurrency, (i) => raw.put(`${rawP}${i}`, i));
    progress(target.name, `update ${concurrency}`);
    rows.push({ backend: target.name, metric: `update writes/s, ${concurrency} writers`, value: ours, baseline: base, higherIsBetter: true });
  }
  await throughput(10_000, 64, (i) => store.create(`/bench/list/${String(i).padStart(5, '0')}`, value));
  await throughput(10_000, 64, (i) => raw.put(`/raw/list/${String(i).padStart(5, '0')}`, i));
  const listOurs = await timeMs(async () => {
    const n = (await store.list('/bench/list/')).items.length;
    if (n !== 10_000) throw new Error(`listed ${n}`);
  });
  const listBase = await timeMs(() => raw.list('/raw/list/'));
  rows.push({ backend: target.name, metric: 'list 10,000 keys (ms)', value: listOurs, baseline: listBase, higherIsBetter: false });
  progress(target.name, 'list');
  const ours = await storeWatchLatency(store, '/bench/watch/', 100, 200);
  const base = await raw.watchLatency('/raw/watch/', 100, 200);
  for (const q of [50, 99]) {
    rows.push({
      backend: target.name,
      metric: `watch delivery p${q}, 100 watchers (ms)`,
      value: percentile(ours, q),
      baseline: percentile(base, q),
      higherIsBetter: false,
    });
  }
  return rows;
}

export async function benchStorage(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const dir = tempDir('k8ts-bench-storage');
  const sqlite = await openStore({ dataDir: dir });
  rows.push(...(await benchTarget({ name: 'sqlite', store: sqlite, raw: sqliteRaw(join(dir, 'raw.db')), writes: 5000 })));
  await sqlite.close();

  const etcd = await startEtcd();
  try {
    const store = await openStore({ dataDir: dir, datastoreEndpoint: etcd.endpoint });
    const raw = etcdRaw(etcd.endpoint);
    rows.push(...(await benchTarget({ name: 'etcd', store, raw, writes: 2000 })));
    await store.close();
    await raw.close();
  } finally {
    await etcd.stop();
  }
  return rows;
}
