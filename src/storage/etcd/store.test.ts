import assert from 'node:assert/strict';
import { createServer, Socket, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Etcd3 } from 'etcd3';
import { startEtcd, type EtcdServer } from '../../../test/helpers/etcd.js';
import { tempDir } from '../../../test/helpers/tmp.js';
import { isStoreError, type Store, type Watch, type WatchEvent } from '../store.js';
import { storeSuite } from '../suite.js';
import { openEtcdStore, type EtcdStore } from './store.js';

let suiteEtcd: EtcdServer | undefined;
storeSuite({
  name: 'etcd',
  setup: async () => {
    suiteEtcd = await startEtcd();
  },
  teardown: async () => suiteEtcd?.stop(),
  config: async () => ({ dataDir: tempDir('k8ts-etcd-suite'), datastoreEndpoint: suiteEtcd!.endpoint }),
});

const text = (s: string) => new TextEncoder().encode(s);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `operation`, expecting it to fail with `unavailable` within `withinMs`; returns the message. */
async function failsUnavailable(operation: () => Promise<unknown>, withinMs: number): Promise<string> {
  const started = Date.now();
  try {
    await operation();
  } catch (err) {
    const elapsed = Date.now() - started;
    assert.ok(isStoreError(err, 'unavailable'), `expected unavailable, got ${String(err)}`);
    assert.ok(elapsed < withinMs, `failed after ${elapsed} ms, wanted under ${withinMs} ms`);
    return err.message;
  }
  assert.fail('the operation should fail while etcd is down');
}

/** Retries `operation` until it succeeds (etcd coming back) or the time is up. */
async function eventually<T>(operation: () => Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await operation();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(100);
    }
  }
}

/** Reads a watch in the background; `until` resolves once it has seen `revision`. */
function reader(watch: Watch) {
  const events: WatchEvent[] = [];
  let failure: unknown;
  const waiters: { revision: number; resolve: () => void }[] = [];
  const done = (async () => {
    try {
      for await (const batch of watch) {
        events.push(...batch);
        const last = batch[batch.length - 1].kv.modRevision;
        for (const w of waiters.filter((w) => w.revision <= last)) w.resolve();
      }
    } catch (err) {
      failure = err;
    }
  })();
  const until = (revision: number, timeoutMs = 15_000) =>
    new Promise<void>((resolve, reject) => {
      if (events.some((e) => e.kv.modRevision >= revision)) return resolve();
      const timer = setTimeout(() => reject(new Error(`watch did not reach ${revision}: ${String(failure)}`)), timeoutMs);
      waiters.push({ revision, resolve: () => (clearTimeout(timer), resolve()) });
    });
  return { events, until, done, failure: () => failure };
}

/**
 * A TCP proxy in front of etcd, so a test can cut the store off from a
 * running etcd (refuse connections, or hold them open and drop every byte)
 * and let it back.
 */
class Proxy {
  private readonly sockets = new Set<Socket>();
  private mode: 'forward' | 'refuse' | 'freeze' = 'forward';

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(target: string): Promise<Proxy> {
    const { hostname, port } = new URL(target);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const listenPort = typeof address === 'object' && address ? address.port : 0;
    const proxy = new Proxy(server, `http://127.0.0.1:${listenPort}`);
    server.on('connection', (client) => proxy.accept(client, hostname, Number(port)));
    return proxy;
  }

  /** Resets every connection and refuses new ones. */
  refuse(): void {
    this.mode = 'refuse';
    this.resetAll();
  }

  /** Keeps connections open but drops every byte, like a hung etcd or a network partition. */
  freeze(): void {
    this.mode = 'freeze';
  }

  /** Forwards again; connections held meanwhile are reset, as after a network failure. */
  heal(): void {
    this.resetAll();
    this.mode = 'forward';
  }

  async close(): Promise<void> {
    this.refuse();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private resetAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private accept(client: Socket, host: string, port: number): void {
    this.track(client);
    if (this.mode === 'refuse') return void client.destroy();
    const upstream = this.track(new Socket());
    upstream.connect(port, host);
    this.forward(client, upstream);
    this.forward(upstream, client);
  }

  private forward(from: Socket, to: Socket): void {
    from.on('data', (chunk) => {
      if (this.mode === 'forward') to.write(chunk);
    });
    from.on('error', () => to.destroy()).on('close', () => to.destroy());
  }

  private track(socket: Socket): Socket {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  }
}

describe('etcd store faults', () => {
  let etcd: EtcdServer;
  let store: EtcdStore;

  before(async () => {
    etcd = await startEtcd();
    store = await openEtcdStore([etcd.endpoint]);
  });
  after(async () => {
    await store?.close();
    await etcd?.stop();
  });

  test('with etcd down, operations fail fast with unavailable; after restart the same store works', async () => {
    const kv = await store.create('/faults/a', text('1'));
    await etcd.kill();
    const message = await failsUnavailable(() => store.get('/faults/a'), 3000);
    assert.ok(message.includes(etcd.endpoint), `the message names the endpoint: ${message}`);
    await failsUnavailable(() => store.update('/faults/a', text('2'), kv.modRevision), 3000);
    await failsUnavailable(() => store.list('/faults/'), 3000);
    await failsUnavailable(() => store.currentRevision(), 3000);

    await etcd.restart();
    const updated = await eventually(() => store.update('/faults/a', text('2'), kv.modRevision));
    assert.equal(updated.createRevision, kv.createRevision);
    assert.equal(new TextDecoder().decode((await store.get('/faults/a'))!.value), '2');
  });

  test('a watch open across an etcd restart delivers every write once, in order', async () => {
    const p = '/faults/restart/';
    const watch = store.watch(p, { afterRevision: await store.currentRevision() });
    const seen = reader(watch);
    const written: number[] = [];
    for (let i = 0; i < 20; i++) written.push((await store.create(`${p}before-${i}`, text('x'))).modRevision);
    await seen.until(written[written.length - 1]);
    // Writes the watch has not delivered yet when etcd goes down.
    for (let i = 0; i < 20; i++) written.push((await store.create(`${p}unseen-${i}`, text('x'))).modRevision);

    await etcd.kill();
    await etcd.restart();
    for (let i = 0; i < 20; i++) {
      written.push((await eventually(() => store.create(`${p}after-${i}`, text('x')))).modRevision);
    }
    await seen.until(written[written.length - 1]);
    watch.close();
    await seen.done;
    assert.deepEqual(
      seen.events.map((e) => e.kv.modRevision),
      written,
    );
    assert.ok(seen.events.every((e) => e.type === 'ADDED'));
  });

  test('writes during an etcd crash: the watch sees exactly what the store holds', async () => {
    const p = '/faults/crash/';
    const from = await store.currentRevision();
    const seen = reader(store.watch(p, { afterRevision: from }));
    let stop = false;
    const acknowledged: number[] = [];
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        try {
          acknowledged.push((await store.create(`${p}${String(i).padStart(5, '0')}`, text('x'))).modRevision);
        } catch (err) {
          assert.ok(isStoreError(err, 'unavailable'), String(err));
          await sleep(50);
        }
      }
    })();
    await sleep(300);
    await etcd.kill();
    await sleep(300);
    await etcd.restart();
    await eventually(async () => assert.ok(acknowledged.length > 0 && (await store.currentRevision()) > 0));
    await sleep(300);
    stop = true;
    await writer;

    const stored = await store.list(p);
    assert.ok(stored.items.length > 0);
    await seen.until(Math.max(...stored.items.map((kv) => kv.modRevision)));
    const delivered = seen.events.map((e) => e.kv.key);
    assert.deepEqual(delivered, stored.items.map((kv) => kv.key), 'one ADDED event per stored key, in order');
    for (const revision of acknowledged) {
      assert.ok(seen.events.some((e) => e.kv.modRevision === revision), `acknowledged write ${revision} delivered`);
    }
  });
});

describe('etcd store leases for TTLs', () => {
  let etcd: EtcdServer;
  let store: EtcdStore;
  let admin: Etcd3;

  before(async () => {
    etcd = await startEtcd();
    store = await openEtcdStore([etcd.endpoint]);
    admin = new Etcd3({ hosts: etcd.endpoint });
  });
  after(async () => {
    await store?.close();
    admin?.close();
    await etcd?.stop();
  });

  const leaseIds = async () => (await admin.leaseClient.leaseLeases()).leases.map((lease) => lease.ID);

  test('keys written with the same long TTL share one lease; a revoked lease is replaced', async () => {
    await store.create('/leases/a', text('a'), { ttlSeconds: 3600 });
    await store.create('/leases/b', text('b'), { ttlSeconds: 3600 });
    const [shared, ...others] = await leaseIds();
    assert.deepEqual(others, [], 'one lease for both keys');

    await admin.leaseClient.leaseRevoke({ ID: shared });
    assert.equal(await store.get('/leases/a'), undefined, 'revoking the lease deleted its keys');
    await store.create('/leases/c', text('c'), { ttlSeconds: 3600 });
    const [replacement, ...more] = await leaseIds();
    assert.notEqual(replacement, shared);
    assert.deepEqual(more, []);
  });

  test('an update without a TTL keeps the key past the old TTL', async () => {
    const kept = await store.create('/leases/kept', text('1'), { ttlSeconds: 2 });
    await store.update('/leases/kept', text('2'), kept.modRevision);
    const watch = store.watch('/leases/gone', { afterRevision: await store.currentRevision(), prefix: false });
    await store.create('/leases/gone', text('x'), { ttlSeconds: 2 });
    const seen = reader(watch);
    await eventually(async () => assert.ok(seen.events.some((e) => e.type === 'DELETED')), 15_000);
    watch.close();
    assert.equal(new TextDecoder().decode((await store.get('/leases/kept'))!.value), '2');
  });
});

describe('etcd store cut off from a running etcd', () => {
  let etcd: EtcdServer;
  let proxy: Proxy;
  let store: EtcdStore;
  let direct: Store;

  before(async () => {
    etcd = await startEtcd();
    proxy = await Proxy.start(etcd.endpoint);
    store = await openEtcdStore([proxy.endpoint], { requestTimeoutMs: 2000 });
    direct = await openEtcdStore([etcd.endpoint]);
  });
  after(async () => {
    await store?.close();
    await direct?.close();
    await proxy?.close();
    await etcd?.stop();
  });

  test('an etcd that accepts connections but never answers fails requests at the deadline', async () => {
    await store.create('/cut/hang', text('1'));
    proxy.freeze();
    const message = await failsUnavailable(() => store.get('/cut/hang'), 4000);
    assert.match(message, /deadline/i);
    proxy.heal();
    assert.ok(await eventually(() => store.get('/cut/hang')));
  });

  test('a watch resumes after a connection loss with no gap, or fails with compacted when its revision is gone', async () => {
    const p = '/cut/watch/';
    const first = await store.create(`${p}0`, text('x'));
    const resumed = reader(store.watch(p, { afterRevision: first.modRevision - 1 }));
    await resumed.until(first.modRevision);

    proxy.refuse();
    const whileCut = [(await direct.create(`${p}1`, text('x'))).modRevision];
    whileCut.push((await direct.create(`${p}2`, text('x'))).modRevision);
    proxy.heal();
    await resumed.until(whileCut[1]);
    assert.deepEqual(
      resumed.events.map((e) => e.kv.modRevision),
      [first.modRevision, ...whileCut],
    );

    proxy.refuse();
    const lost = (await direct.create(`${p}3`, text('x'))).modRevision;
    await direct.create(`${p}4`, text('x'));
    await direct.compact(await direct.currentRevision());
    assert.ok(lost < (await direct.compactedRevision()));
    proxy.heal();
    await resumed.done;
    assert.ok(isStoreError(resumed.failure(), 'compacted'), `the watch failed with ${String(resumed.failure())}`);
    assert.deepEqual(
      resumed.events.map((e) => e.kv.modRevision),
      [first.modRevision, ...whileCut],
      'nothing after the compacted gap is delivered',
    );
  });

  test('compactedRevision sees compaction done by another client', async () => {
    const head = (await direct.create('/cut/compact', text('x'))).modRevision;
    await direct.compact(head);
    assert.equal(await store.compactedRevision(), head);
    assert.equal(await store.compactedRevision(), head);
  });
});

describe('etcd store start-up', () => {
  test('opening against an endpoint where nothing listens fails with unavailable naming it', async () => {
    const endpoint = 'http://127.0.0.1:1';
    const started = Date.now();
    await assert.rejects(openEtcdStore([endpoint], { startupTimeoutMs: 1000 }), (err) => {
      assert.ok(isStoreError(err, 'unavailable'), String(err));
      assert.ok(err.message.includes(endpoint), err.message);
      return true;
    });
    assert.ok(Date.now() - started < 5000);
  });
});
