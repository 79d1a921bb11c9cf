// The conformance suite every datastore backend passes unchanged.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openStore, type StoreConfig } from './open.js';
import { inconsistentContinue, isStoreError, maxValueBytes, type KeyValue, type Store, type Watch, type WatchEvent } from './store.js';

export interface SuiteBackend {
  name: string;
  /** Starts what the backend needs (a real etcd) once for the suite. */
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  /** Configuration for a store; SQLite gets a fresh data dir each time. */
  config(): Promise<StoreConfig>;
}

const text = (s: string) => new TextEncoder().encode(s);
const str = (b: Uint8Array) => new TextDecoder().decode(b);
let prefixCounter = 0;
/** A key prefix no other test uses, so backends that share one server keep tests apart. */
const uniquePrefix = (name: string) => `/suite/${name}/${process.pid}-${Date.now()}-${prefixCounter++}/`;

async function rejectsWith(promise: Promise<unknown>, code: string): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    assert.ok(isStoreError(err), `expected a StoreError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected the store to fail with ${code}`);
}

/** Reads a watch until it has delivered an event at or past `revision`. */
async function collect(watch: Watch, untilRevision: number, timeoutMs = 30_000): Promise<WatchEvent[]> {
  const events: WatchEvent[] = [];
  const timer = setTimeout(() => watch.close(), timeoutMs);
  try {
    for await (const batch of watch) {
      events.push(...batch);
      if (batch[batch.length - 1].kv.modRevision >= untilRevision) break;
    }
  } finally {
    clearTimeout(timer);
    watch.close();
  }
  return events;
}

/** Compares stored key-values; a backend may hand values back as Buffer or Uint8Array. */
function assertSameKv(actual: KeyValue | KeyValue[] | undefined, expected: KeyValue | KeyValue[] | undefined, message?: string): void {
  const plain = (kv: KeyValue) => ({ ...kv, value: Buffer.from(kv.value).toString('base64') });
  const norm = (v: KeyValue | KeyValue[] | undefined) => (v === undefined ? v : Array.isArray(v) ? v.map(plain) : plain(v));
  assert.deepEqual(norm(actual), norm(expected), message);
}

function revisions(events: WatchEvent[]): number[] {
  return events.map((e) => e.kv.modRevision);
}

export function storeSuite(backend: SuiteBackend): void {
  describe(`store conformance: ${backend.name}`, () => {
    const open: Store[] = [];
    const fresh = async () => {
      const store = await openStore(await backend.config());
      open.push(store);
      return store;
    };

    before(async () => backend.setup?.());
    after(async () => {
      await Promise.all(open.map((s) => s.close()));
      await backend.teardown?.();
    });

    test('create, get, update and delete with revisions that only grow', async () => {
      const store = await fresh();
      const p = uniquePrefix('crud');
      const start = await store.currentRevision();
      const created = await store.create(`${p}a`, text('one'));
      assert.ok(created.modRevision > start);
      assert.equal(created.createRevision, created.modRevision);
      assert.equal(await store.currentRevision(), created.modRevision);
      assertSameKv(await store.get(`${p}a`), created);

      const updated = await store.update(`${p}a`, text('two'), created.modRevision);
      assert.ok(updated.modRevision > created.modRevision);
      assert.equal(updated.createRevision, created.createRevision);
      assert.equal(str((await store.get(`${p}a`))!.value), 'two');

      const deleted = await store.delete(`${p}a`, updated.modRevision);
      assert.ok(deleted.modRevision > updated.modRevision);
      assert.equal(str(deleted.value), 'two');
      assert.equal(await store.get(`${p}a`), undefined);

      const again = await store.create(`${p}a`, text('three'));
      assert.equal(again.createRevision, again.modRevision, 'a re-created key starts a new incarnation');
    });

    test('create of an existing key, and writes to a missing key, are refused and change nothing', async () => {
      const store = await fresh();
      const p = uniquePrefix('refused');
      const kv = await store.create(`${p}a`, text('one'));
      const before = await store.currentRevision();
      await rejectsWith(store.create(`${p}a`, text('other')), 'exists');
      await rejectsWith(store.update(`${p}missing`, text('x'), 1), 'notFound');
      await rejectsWith(store.delete(`${p}missing`), 'notFound');
      assert.equal(await store.currentRevision(), before);
      assertSameKv(await store.get(`${p}a`), kv);
    });

    test('update and delete compare the mod revision', async () => {
      const store = await fresh();
      const p = uniquePrefix('cas');
      const kv = await store.create(`${p}a`, text('one'));
      const newer = await store.update(`${p}a`, text('two'), kv.modRevision);
      const err = (await rejectsWith(store.update(`${p}a`, text('stale'), kv.modRevision), 'conflict')) as {
        current?: KeyValue;
      };
      assertSameKv(err.current, newer);
      await rejectsWith(store.delete(`${p}a`, kv.modRevision), 'conflict');
      assert.equal(str((await store.get(`${p}a`))!.value), 'two');
    });

    test('concurrent compare-and-swap has exactly one winner per revision', async () => {
      const store = await fresh();
      const p = uniquePrefix('race');
      let kv = await store.create(`${p}counter`, text('0'));
      for (let round = 1; round <= 20; round++) {
        const attempts = await Promise.allSettled(
          Array.from({ length: 16 }, (_, i) => store.update(`${p}counter`, text(`${round}:${i}`), kv.modRevision)),
        );
        const winners = attempts.filter((a): a is PromiseFulfilledResult<KeyValue> => a.status === 'fulfilled');
        assert.equal(winners.length, 1, `round ${round}: exactly one winner`);
        for (const a of attempts) {
          if (a.status === 'rejected') assert.ok(isStoreError(a.reason, 'conflict'), String(a.reason));
        }
        kv = winners[0].value;
        assertSameKv(await store.get(`${p}counter`), kv);
      }
    });

    test('any byte sequence round-trips as a value', async () => {
      const store = await fresh();
      const p = uniquePrefix('bytes');
      const all = Uint8Array.from({ length: 512 }, (_, i) => i % 256);
      await store.create(`${p}all`, all);
      await store.create(`${p}empty`, new Uint8Array());
      assert.deepEqual(Uint8Array.from((await store.get(`${p}all`))!.value), all);
      assert.equal((await store.get(`${p}empty`))!.value.byteLength, 0);
      const [first] = (await store.list(p, { limit: 1 })).items;
      assert.deepEqual(Uint8Array.from(first.value), all);
    });

    test('a value over 1.5 MiB is refused by the store', async () => {
      const store = await fresh();
      const p = uniquePrefix('large');
      await rejectsWith(store.create(`${p}big`, new Uint8Array(maxValueBytes + 1)), 'tooLarge');
      const ok = await store.create(`${p}fits`, new Uint8Array(1024 * 1024).fill(7));
      await rejectsWith(store.update(`${p}fits`, new Uint8Array(maxValueBytes + 1), ok.modRevision), 'tooLarge');
      assert.equal((await store.get(`${p}big`)), undefined);
      assert.equal((await store.get(`${p}fits`))!.value.byteLength, 1024 * 1024);
    });

    test('list pages are one consistent snapshot while writes continue', async () => {
      const store = await fresh();
      const p = uniquePrefix('pages');
      const key = (i: number) => `${p}${String(i).padStart(3, '0')}`;
      for (let i = 0; i < 30; i++) await store.create(key(i), text(`v${i}`));
      const expected = (await store.list(p)).items;
      assert.equal(expected.length, 30);

      const page1 = await store.list(p, { limit: 10 });
      assert.equal(page1.items.length, 10);
      assert.equal(page1.remaining, 20);
      assert.ok(page1.continue);
      const k15 = (await store.get(key(15)))!;
      await store.update(key(15), text('changed'), k15.modRevision);
      await store.delete(key(25));
      await store.create(`${p}0155`, text('new'));

      const page2 = await store.list(p, { limit: 10, continue: page1.continue });
      const page3 = await store.list(p, { limit: 10, continue: page2.continue });
      assert.equal(page2.revision, page1.revision);
      assert.equal(page3.revision, page1.revision);
      assert.equal(page3.continue, undefined);
      assertSameKv([...page1.items, ...page2.items, ...page3.items], expected);

      const now = await store.list(p);
      assert.equal(now.items.length, 30);
      assert.equal(await store.count(p), 30);
      assert.equal(str(now.items.find((kv) => kv.key === key(15))!.value), 'changed');
    });

    test('list at an older revision sees the state of that revision', async () => {
      const store = await fresh();
      const p = uniquePrefix('at');
      const a = await store.create(`${p}a`, text('1'));
      await store.update(`${p}a`, text('2'), a.modRevision);
      await store.create(`${p}b`, text('b'));
      const at = await store.list(p, { revision: a.modRevision });
      assert.equal(at.revision, a.modRevision);
      assertSameKv(at.items, [a]);
    });

    test('watch delivers creates, updates and deletes in order with the last value on delete', async () => {
      const store = await fresh();
      const p = uniquePrefix('watch');
      const from = await store.currentRevision();
      const watch = store.watch(p, { afterRevision: from });
      const a = await store.create(`${p}a`, text('1'));
      const a2 = await store.update(`${p}a`, text('2'), a.modRevision);
      await store.create(`/elsewhere${p}`, text('not watched'));
      const gone = await store.delete(`${p}a`);
      const events = await collect(watch, gone.modRevision);
      assert.deepEqual(
        events.map((e) => [e.type, e.kv.key, str(e.kv.value), e.kv.modRevision]),
        [
          ['ADDED', `${p}a`, '1', a.modRevision],
          ['MODIFIED', `${p}a`, '2', a2.modRevision],
          ['DELETED', `${p}a`, '2', gone.modRevision],
        ],
      );
      assert.equal(str(events[1].prevKv!.value), '1');

      const exact = store.watch(`${p}b`, { afterRevision: await store.currentRevision(), prefix: false });
      await store.create(`${p}bb`, text('prefix only'));
      const b = await store.create(`${p}b`, text('exact'));
      assert.deepEqual(revisions(await collect(exact, b.modRevision)), [b.modRevision]);
    });

    test('watch from an old revision under write load has no gap and no duplicate', async () => {
      const store = await fresh();
      const p = uniquePrefix('load');
      const start = await store.currentRevision();
      const written: number[] = [];
      const write = async (from: number, to: number, concurrency: number) => {
        let i = from;
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (i < to) written.push((await store.create(`${p}${i++}`, text('x'))).modRevision);
          }),
        );
      };
      await write(0, 600, 8);
      const middle = written[299];
      const watchers = [start, middle, await store.currentRevision()].map((after) => ({
        after,
        watch: store.watch(p, { afterRevision: after }),
      }));
      await write(600, 1500, 16);
      const last = Math.max(...written);
      for (const { after, watch } of watchers) {
        const seen = revisions(await collect(watch, last));
        const want = written.filter((r) => r > after).sort((x, y) => x - y);
        assert.deepEqual(seen, want, `watch after ${after}`);
      }
    });

    test('1,000 watchers at once each see every event', async () => {
      const store = await fresh();
      const p = uniquePrefix('fanout');
      const from = await store.currentRevision();
      const watches = Array.from({ length: 1000 }, () => store.watch(p, { afterRevision: from }));
      const written: number[] = [];
      for (let i = 0; i < 50; i++) written.push((await store.create(`${p}${i}`, text('x'))).modRevision);
      const results = await Promise.all(watches.map((w) => collect(w, written[written.length - 1])));
      for (const events of results) assert.deepEqual(revisions(events), written);
    });

    test('compaction discards old history and old reads fail with compacted', async () => {
      const store = await fresh();
      const p = uniquePrefix('compact');
      const v1 = await store.create(`${p}a`, text('1'));
      const v2 = await store.update(`${p}a`, text('2'), v1.modRevision);
      const v3 = await store.update(`${p}a`, text('3'), v2.modRevision);
      const other = await store.create(`${p}b`, text('b'));
      await store.compact(v3.modRevision);
      assert.ok((await store.compactedRevision()) >= v3.modRevision);
      await rejectsWith(store.list(p, { revision: v1.modRevision }), 'compacted');
      await rejectsWith(collect(store.watch(p, { afterRevision: v1.modRevision - 1 }), other.modRevision), 'compacted');
      assertSameKv((await store.list(p, { revision: v3.modRevision })).items, [v3]);
      const events = await collect(store.watch(p, { afterRevision: v3.modRevision }), other.modRevision);
      assert.deepEqual(revisions(events), [other.modRevision]);
      assertSameKv(await store.get(`${p}a`), v3);
    });

    test('a page token past compaction fails; its inconsistent continuation pages on at the latest revision', async () => {
      const store = await fresh();
      const p = uniquePrefix('inconsistent');
      for (const k of ['a', 'b', 'c', 'd']) await store.create(`${p}${k}`, text(k));
      const first = await store.list(p, { limit: 2 });
      const late = await store.create(`${p}e`, text('e'));
      await store.compact(late.modRevision);
      await rejectsWith(store.list(p, { limit: 2, continue: first.continue }), 'compacted');
      const second = await store.list(p, { limit: 2, continue: inconsistentContinue(first.continue!) });
      assert.deepEqual(second.items.map((kv) => kv.key), [`${p}c`, `${p}d`]);
      assert.ok(second.revision >= late.modRevision);
      const third = await store.list(p, { limit: 2, continue: second.continue });
      assert.deepEqual(third.items.map((kv) => kv.key), [`${p}e`]);
      assert.equal(third.revision, second.revision);
    });

    test('keys with a TTL expire and emit a delete', async () => {
      const store = await fresh();
      const p = uniquePrefix('ttl');
      const watch = store.watch(p, { afterRevision: await store.currentRevision() });
      await store.create(`${p}event`, text('short-lived'), { ttlSeconds: 2 });
      await store.create(`${p}kept`, text('stays'));
      const deadline = Date.now() + 15_000;
      const seen: WatchEvent[] = [];
      for await (const batch of watch) {
        seen.push(...batch);
        if (seen.some((e) => e.type === 'DELETED') || Date.now() > deadline) break;
      }
      watch.close();
      const deleted = seen.find((e) => e.type === 'DELETED');
      assert.ok(deleted, 'the expired key produced a delete event');
      assert.equal(deleted.kv.key, `${p}event`);
      assert.equal(await store.get(`${p}event`), undefined);
      assert.ok(await store.get(`${p}kept`));
    });

    test('every acknowledged write survives kill -9 of the writing process', async () => {
      const config = await backend.config();
      const p = uniquePrefix('crash');
      const store0 = await openStore(config);
      const start = await store0.currentRevision();
      await store0.close();

      const acked = new Map<string, number>();
      for (const [round, first] of [[1, 0], [2, 100_000]] as const) {
        const before = acked.size;
        await runWriterUntilKilled(config, p, first, 300, acked);
        assert.ok(acked.size >= before + 300, `round ${round} acknowledged writes`);
        const store = await openStore(config);
        try {
          for (const [key, revision] of acked) {
            const kv = await store.get(key);
            assert.ok(kv, `${key} was acknowledged at ${revision} and must survive`);
            assert.equal(kv.modRevision, revision);
          }
          const head = await store.currentRevision();
          const all = revisions(await collect(store.watch('', { afterRevision: start }), head));
          assert.deepEqual(all, Array.from({ length: head - start }, (_, i) => start + 1 + i), 'no hole, no repeat');
        } finally {
          await store.close();
        }
      }
    });
  });
}

/** Runs the crash writer as a child process and kills it with SIGKILL after `acks` acknowledgements. */
async function runWriterUntilKilled(
  config: StoreConfig,
  prefix: string,
  firstIndex: number,
  acks: number,
  acked: Map<string, number>,
): Promise<void> {
  const script = fileURLToPath(new URL('./crash-writer.js', import.meta.url));
  const child = spawn(process.execPath, [script, JSON.stringify(config), prefix, String(firstIndex), '8'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let count = 0;
  const lines = createInterface({ input: child.stdout });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  for await (const line of lines) {
    const [word, key, revision] = line.split(' ');
    if (word !== 'ack' || revision === undefined) continue;
    assert.ok(!acked.has(key), `${key} acknowledged twice`);
    acked.set(key, Number(revision));
    if (++count === acks) child.kill('SIGKILL');
  }
  clearTimeout(timer);
  await exited;
  assert.equal(child.signalCode, 'SIGKILL', 'the writer was killed, not stopped by an error');
}
