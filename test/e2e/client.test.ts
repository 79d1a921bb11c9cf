// The client library against a real k8ts server: REST, typed errors, watch,
// informers (resume after a cut connection, relist after 410).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isAlreadyExists, isConflict, isGone, isNotFound } from '../../src/client/errors.js';
import { EventRecorder, type CoreEvent } from '../../src/client/events.js';
import { Informer, dropManagedFields } from '../../src/client/informer.js';
import { LeaderElector, type Lease } from '../../src/client/leader-election.js';
import { SharedInformerFactory } from '../../src/client/informer-factory.js';
import { Client } from '../../src/client/rest.js';
import { configmaps, events, leases, namespaces } from '../../src/client/resources.js';
import type { KubeObject, ResourceClient, Watch, WatchEvent } from '../../src/client/types.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.fail('expected the request to fail');
}

/** Reads events from a watch until `count` arrived. */
async function take<T extends KubeObject>(it: AsyncIterator<WatchEvent<T>>, count: number): Promise<WatchEvent<T>[]> {
  const out: WatchEvent<T>[] = [];
  while (out.length < count) {
    const next = await Promise.race([it.next(), sleep(10_000).then(() => undefined)]);
    if (!next) throw new Error(`only ${out.length} of ${count} watch events arrived`);
    if (next.done) break;
    if (next.value.type !== 'BOOKMARK') out.push(next.value);
  }
  return out;
}

const cm = (name: string, labels: Record<string, string> = {}, data: Record<string, string> = {}): ConfigMap => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels },
  data,
});

describe('client library against a real server', () => {
  let cluster: TestCluster;
  let client: Client;
  let cms: ResourceClient<ConfigMap>;

  before(async () => {
    cluster = await startTestCluster();
    client = await Client.fromKubeconfig(cluster.kubeconfig, { userAgent: 'client-test' });
    cms = client.resource<ConfigMap>(configmaps);
  });

  after(async () => {
    client?.close();
    await cluster?.stop();
  });

  it('creates, reads, lists, updates, patches and deletes; errors are typed', async () => {
    const created = await cms.create('default', cm('crud', { app: 'x' }, { a: '1' }));
    assert.equal(created.metadata?.namespace, 'default');
    assert.ok(created.metadata?.uid);

    const dup = await rejection(cms.create('default', cm('crud')));
    assert.ok(isAlreadyExists(dup), String(dup));
    assert.equal((dup as { code: number }).code, 409);
    assert.equal((dup as Error).message, 'configmaps "crud" already exists');

    const missing = await rejection(cms.get('default', 'nope'));
    assert.ok(isNotFound(missing));
    assert.equal((missing as { reason: string }).reason, 'NotFound');
    assert.equal((missing as { status: { code: number } }).status.code, 404);

    const updated = await cms.update({ ...created, data: { a: '2' } });
    assert.equal(updated.data?.a, '2');
    const stale = await rejection(cms.update({ ...created, data: { a: '3' } }));
    assert.ok(isConflict(stale), String(stale));
    assert.ok(!isAlreadyExists(stale));

    const merged = await cms.patch('default', 'crud', 'merge', { data: { b: 'm' } });
    assert.deepEqual(merged.data, { a: '2', b: 'm' });
    const jsonPatched = await cms.patch('default', 'crud', 'json', [{ op: 'replace', path: '/data/a', value: 'j' }]);
    assert.equal(jsonPatched.data?.a, 'j');
    const strategic = await cms.patch('default', 'crud', 'strategic', { metadata: { labels: { tier: 's' } } });
    assert.deepEqual(strategic.metadata?.labels, { app: 'x', tier: 's' });
    const applied = await cms.patch(
      'default',
      'applied',
      'apply',
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied' }, data: { k: 'v' } },
      { fieldManager: 'client-test', force: true },
    );
    assert.equal(applied.data?.k, 'v');
    assert.ok(applied.metadata?.managedFields?.some((f) => f.manager === 'client-test' && f.operation === 'Apply'));
    await cms.delete('default', 'applied');

    const dry = await cms.create('default', cm('dry'), { dryRun: true });
    assert.equal(dry.metadata?.name, 'dry');
    assert.ok(isNotFound(await rejection(cms.get('default', 'dry'))), 'a dry-run create is not persisted');

    const list = await cms.list('default', { labelSelector: 'app=x' });
    assert.deepEqual(list.items.map((i) => i.metadata?.name), ['crud']);
    assert.equal(list.items[0].kind, 'ConfigMap');
    assert.ok(Number(list.resourceVersion) > 0);

    await cms.delete('default', 'crud');
    assert.ok(isNotFound(await rejection(cms.get('default', 'crud'))));
    assert.ok(isNotFound(await rejection(cms.delete('default', 'crud'))));
  });

  it('pages lists with limit and continue', async () => {
    const ns = client.resource(namespaces);
    await ns.create(undefined, { metadata: { name: 'paging' } });
    for (let i = 0; i < 5; i++) await cms.create('paging', cm(`p${i}`));
    const first = await cms.list('paging', { limit: 2 });
    assert.equal(first.items.length, 2);
    assert.ok(first.continue);
    const names = first.items.map((i) => i.metadata?.name);
    let token: string | undefined = first.continue;
    while (token) {
      const page = await cms.list('paging', { limit: 2, continue: token });
      names.push(...page.items.map((i) => i.metadata?.name));
      token = page.continue;
    }
    assert.deepEqual(names.filter((n) => n?.startsWith('p')), ['p0', 'p1', 'p2', 'p3', 'p4']);
    assert.equal(new Set(names).size, names.length, 'no item on two pages');
    const namespace = await ns.get('ignored-for-cluster-scoped', 'paging');
    assert.equal(namespace.metadata?.name, 'paging');
  });

  it('watches ADDED, MODIFIED and DELETED; stop() ends the stream', async () => {
    const start = await cms.list('default');
    const watch = cms.watch('default', { resourceVersion: start.resourceVersion, allowWatchBookmarks: true });
    const it = watch[Symbol.asyncIterator]();
    await cms.create('default', cm('w1'));
    await cms.patch('default', 'w1', 'merge', { data: { x: 'y' } });
    await cms.delete('default', 'w1');
    const events = await take(it, 3);
    assert.deepEqual(events.map((e) => `${e.type} ${e.object.metadata?.name}`), ['ADDED w1', 'MODIFIED w1', 'DELETED w1']);
    assert.equal(events[1].object.data?.x, 'y');
    watch.stop();
    assert.equal((await it.next()).done, true);
  });

  it('a watch from a compacted resourceVersion yields a 410 ERROR event', async () => {
    const old = (await cms.list('default')).resourceVersion;
    await cms.create('default', cm('compact-me'));
    await cms.delete('default', 'compact-me');
    await cluster.server.store.compact(await cluster.server.store.currentRevision());
    const events: WatchEvent<ConfigMap>[] = [];
    for await (const e of cms.watch('default', { resourceVersion: old })) events.push(e);
    assert.equal(events.length, 1);
    assert.equal(events[0].type, 'ERROR');
    assert.equal((events[0].object as unknown as { code: number }).code, 410);
  });

  it('informer: handlers see add/update/delete; lister and indexer read the cache', async () => {
    await client.resource(namespaces).create(undefined, { metadata: { name: 'inf' } });
    await cms.create('inf', cm('before', { team: 'a' }));
    const informer = new Informer<ConfigMap>(cms, { namespace: 'inf', transform: dropManagedFields });
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (o, initial) => seen.push(`add ${o.metadata?.name}${initial ? ' (initial)' : ''}`),
      onUpdate: (o, n) => seen.push(`update ${o.data?.v ?? '-'}->${n.data?.v}`),
      onDelete: (o, info) => seen.push(`delete ${o.metadata?.name} ${o.data?.v} ${info.finalStateUnknown}`),
    });
    informer.addIndexer('team', (o) => (o.metadata?.labels?.team ? [o.metadata.labels.team] : []));
    informer.start();
    assert.equal(await informer.waitForSync(), true);
    assert.ok(informer.hasSynced());
    assert.ok(seen.includes('add before (initial)'));

    await cms.create('inf', cm('after', { team: 'b' }));
    await cms.patch('inf', 'after', 'merge', { data: { v: '1' } });
    await until('lister sees the update', () => informer.lister.get('inf', 'after')?.data?.v === '1');
    assert.deepEqual(informer.lister.list('inf', 'team=b').map((o) => o.metadata?.name), ['after']);
    assert.deepEqual(informer.lister.list(undefined, 'team in (a,b)').map((o) => o.metadata?.name).sort(), ['after', 'before']);
    assert.deepEqual(informer.byIndex('team', 'a').map((o) => o.metadata?.name), ['before']);
    assert.equal(informer.lister.get('inf', 'nope'), undefined);
    assert.ok((await cms.get('inf', 'after')).metadata?.managedFields, 'the server tracks managedFields');
    assert.equal(informer.lister.get('inf', 'after')?.metadata?.managedFields, undefined, 'the transform dropped them');

    await cms.delete('inf', 'after');
    await until('delete delivered', () => seen.includes('delete after 1 false'));
    assert.deepEqual(informer.byIndex('team', 'b'), []);
    assert.ok(seen.includes('add after') && seen.includes('update -->1'), seen.join(', '));

    // A handler added later is told about the cache's contents.
    const late: string[] = [];
    informer.addEventHandler({ onAdd: (o) => late.push(o.metadata?.name ?? '') });
    assert.deepEqual(late.filter((n) => n !== 'kube-root-ca.crt'), ['before']);
    await informer.stop();
  });

  it('informer: resumes after the watch connection is cut, missing nothing', async () => {
    await client.resource(namespaces).create(undefined, { metadata: { name: 'cut' } });
    const own = await Client.fromKubeconfig(cluster.kubeconfig);
    const informer = new Informer<ConfigMap>(own.resource<ConfigMap>(configmaps), { namespace: 'cut', initialBackoffMs: 50 });
    const names = new Set<string>();
    let adds = 0;
    informer.addEventHandler({ onAdd: (o) => (adds++, names.add(o.metadata?.name ?? '')) });
    informer.start();
    await informer.waitForSync();
    for (let round = 0; round < 3; round++) {
      for (const sockets of Object.values(own.agent.sockets)) for (const s of sockets ?? []) s.destroy();
      await cms.create('cut', cm(`c${round}`));
    }
    await until('all three adds', () => ['c0', 'c1', 'c2'].every((n) => names.has(n)));
    assert.equal(adds, names.size, 'no object delivered twice');
    await informer.stop();
    own.close();
  });

  it('informer: relists after 410 Gone and delivers the difference', async () => {
    await client.resource(namespaces).create(undefined, { metadata: { name: 'gone' } });
    await cms.create('gone', cm('stays', {}, { v: '1' }));
    await cms.create('gone', cm('goes', {}, { v: '1' }));
    const gate = new Gate();
    const informer = new Informer<ConfigMap>(gatedWatch(cms, gate), { namespace: 'gone', initialBackoffMs: 50 });
    const seen: string[] = [];
    informer.addEventHandler({
      onAdd: (o, initial) => !initial && seen.push(`add ${o.metadata?.name}`),
      onUpdate: (o, n) => seen.push(`update ${n.metadata?.name} ${o.data?.v}->${n.data?.v}`),
      onDelete: (o, info) => seen.push(`delete ${o.metadata?.name} ${info.finalStateUnknown}`),
    });
    informer.start();
    await informer.waitForSync();
    // The informer's watch is held back: changes pile up, then history is compacted away.
    await cms.patch('gone', 'stays', 'merge', { data: { v: '2' } });
    await cms.delete('gone', 'goes');
    await cms.create('gone', cm('new'));
    await cluster.server.store.compact(await cluster.server.store.currentRevision());
    gate.open();
    await until('the difference is delivered', () => seen.length >= 3);
    assert.deepEqual(seen.sort(), ['add new', 'delete goes true', 'update stays 1->2']);
    assert.ok(isGone(await rejection(cms.list('gone', { resourceVersion: '1', resourceVersionMatch: 'Exact' }))));
    // And it keeps watching afterwards.
    await cms.create('gone', cm('later'));
    await until('watch resumed after the relist', () => seen.includes('add later'));
    await informer.stop();
  });

  it('shared informer factory: one informer per resource and scope', async () => {
    const factory = new SharedInformerFactory(client);
    const a = factory.informerFor<ConfigMap>(configmaps, { namespace: 'inf' });
    const b = factory.informerFor<ConfigMap>(configmaps, { namespace: 'inf' });
    const c = factory.informerFor<ConfigMap>(configmaps);
    assert.equal(a, b);
    assert.notEqual(a, c);
    const stop = new AbortController();
    factory.start(stop.signal);
    assert.equal(await factory.waitForCacheSync(stop.signal), true);
    assert.ok(c.lister.get('inf', 'before'));
    const late = factory.informerFor(namespaces);
    assert.equal(await late.waitForSync(), true, 'informers created after start() start too');
    stop.abort();
    await factory.stop();
    assert.equal(await factory.informerFor(configmaps, { namespace: 'never-started' }).waitForSync(stop.signal), false);
  });

  it('leader election: one leads; a graceful stop releases the lease and the standby takes over at once', async () => {
    const log: string[] = [];
    const timing = { leaseDurationSeconds: 5, renewDeadlineMs: 2000, retryPeriodMs: 200 };
    const elector = (identity: string) =>
      new LeaderElector({
        client,
        name: 'graceful',
        identity,
        ...timing,
        callbacks: {
          onStartedLeading: () => void log.push(`${identity} started`),
          onStoppedLeading: () => void log.push(`${identity} stopped`),
        },
      });
    const a = elector('a');
    const b = elector('b');
    const stopA = new AbortController();
    const stopB = new AbortController();
    const leadingSignals: AbortSignal[] = [];
    const runA = a.run(stopA.signal, async (leading) => void leadingSignals.push(leading));
    await until('a leads', () => a.isLeader());
    const runB = b.run(stopB.signal);
    let both = false;
    const watcher = setInterval(() => (both ||= a.isLeader() && b.isLeader()), 20);
    await sleep(800);
    assert.equal(b.isLeader(), false, 'the standby waits');
    assert.equal(b.getLeader(), 'a');

    const lease = JSON.parse(await cluster.kubectl(['get', 'lease', '-n', 'kube-system', 'graceful', '-o', 'json'])) as Lease;
    assert.equal(lease.spec?.holderIdentity, 'a');
    assert.equal(lease.spec?.leaseDurationSeconds, 5);
    assert.equal(lease.spec?.leaseTransitions, 0);
    assert.match(lease.spec?.acquireTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.match(lease.spec?.renewTime ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);

    const stoppedAt = Date.now();
    stopA.abort();
    await runA;
    assert.equal(leadingSignals[0].aborted, true, 'the term signal aborts');
    await until('b leads', () => b.isLeader());
    assert.ok(Date.now() - stoppedAt < 4000, 'took over before the 5 s lease could expire');
    const after = await client.resource<Lease>(leases).get('kube-system', 'graceful');
    assert.equal(after.spec?.holderIdentity, 'b');
    assert.equal(after.spec?.leaseTransitions, 1);
    clearInterval(watcher);
    assert.equal(both, false, 'never two leaders');
    stopB.abort();
    await runB;
    assert.deepEqual(log, ['a started', 'a stopped', 'b started', 'b stopped']);
    assert.equal((await client.resource<Lease>(leases).get('kube-system', 'graceful')).spec?.holderIdentity, '');
  });

  it('leader election: when the leader dies without releasing, the standby takes over after the lease expires', async () => {
    const timing = { name: 'crash', leaseDurationSeconds: 2, renewDeadlineMs: 1000, retryPeriodMs: 200 };
    const a = new LeaderElector({ client, identity: 'a', releaseOnCancel: false, ...timing });
    const b = new LeaderElector({ client, identity: 'b', ...timing });
    const killA = new AbortController();
    const stopB = new AbortController();
    const runA = a.run(killA.signal);
    await until('a leads', () => a.isLeader());
    const runB = b.run(stopB.signal);
    await sleep(500);
    killA.abort();
    await runA;
    const killedAt = Date.now();
    await until('b leads', () => b.isLeader(), 15_000);
    assert.ok(Date.now() - killedAt >= 1000, 'the standby honoured the lease of the dead leader');
    const lease = await client.resource<Lease>(leases).get('kube-system', 'crash');
    assert.equal(lease.spec?.holderIdentity, 'b');
    assert.equal(lease.spec?.leaseTransitions, 1);
    stopB.abort();
    await runB;
  });

  it('event recorder: repeats are counted into one Event, visible through kubectl', async () => {
    await client.resource(namespaces).create(undefined, { metadata: { name: 'ev' } });
    const target = await cms.create('ev', cm('target'));
    const recorder = new EventRecorder(client, { component: 'test-controller', host: 'node-a' });
    recorder.event(target, 'Normal', 'Synced', 'synced ok');
    recorder.event(target, 'Normal', 'Synced', 'synced ok');
    recorder.event(target, 'Normal', 'Synced', 'synced ok');
    recorder.event(target, 'Warning', 'Failed', 'something broke');
    await recorder.flush();
    const list = await client.resource<CoreEvent>(events).list('ev');
    const byReason = new Map(list.items.map((e) => [e.reason, e]));
    assert.equal(list.items.length, 2);
    const synced = byReason.get('Synced') as CoreEvent;
    assert.equal(synced.count, 3);
    assert.equal(synced.type, 'Normal');
    assert.match(synced.metadata?.name ?? '', /^target\.[0-9a-f]+$/);
    assert.deepEqual(synced.involvedObject, {
      kind: 'ConfigMap',
      namespace: 'ev',
      name: 'target',
      uid: target.metadata?.uid,
      apiVersion: 'v1',
      resourceVersion: target.metadata?.resourceVersion,
    });
    assert.deepEqual(synced.source, { component: 'test-controller', host: 'node-a' });
    assert.equal(synced.reportingComponent, 'test-controller');
    assert.equal(synced.reportingInstance, 'node-a');
    assert.ok(synced.firstTimestamp && synced.lastTimestamp >= synced.firstTimestamp);
    assert.equal(byReason.get('Failed')?.count, 1);
    const table = await cluster.kubectl(['get', 'events', '-n', 'ev']);
    assert.match(table, /Warning\s+Failed\s+configmap\/target\s+something broke/);
    const wide = await cluster.kubectl(['get', 'events', '-n', 'ev', '-o', 'wide']);
    assert.match(wide, /Normal\s+Synced\s+configmap\/target\s+test-controller, node-a\s+synced ok\s+\S+\s+3\s+target\.[0-9a-f]+/);
    const json = JSON.parse(await cluster.kubectl(['get', 'events', '-n', 'ev', '--field-selector', 'reason=Synced', '-o', 'json'])) as {
      items: CoreEvent[];
    };
    assert.deepEqual(json.items.map((e) => e.count), [3]);
  });

  it('event recorder: a flood never blocks the caller; the queue and the spam filter drop the excess', async () => {
    await client.resource(namespaces).create(undefined, { metadata: { name: 'flood' } });
    const recorder = new EventRecorder(client, { component: 'flood', maxPending: 50, spamBurst: 5 });
    const ref = (name: string) => ({ kind: 'ConfigMap', apiVersion: 'v1', namespace: 'flood', name, uid: name });
    for (let i = 0; i < 8; i++) recorder.event(ref('spammy'), 'Normal', 'Tick', `tick ${i}`);
    assert.equal(recorder.droppedCount, 3, 'the per-object bucket let 5 through');
    for (let i = 0; i < 200; i++) recorder.event(ref(`o${i}`), 'Normal', 'Made', 'made');
    const dropped = recorder.droppedCount;
    assert.ok(dropped > 100, `the bounded queue dropped events (${dropped})`);
    await recorder.flush();
    const written = (await client.resource<CoreEvent>(events).list('flood')).items.length;
    assert.equal(written, 208 - dropped);
    // Recording against a namespace that does not exist fails in the background, not in the caller.
    recorder.event(ref('x'), 'Warning', 'Nowhere', 'no namespace');
    recorder.event({ kind: 'ConfigMap', metadata: { name: 'y', namespace: 'missing-ns' } }, 'Warning', 'Nowhere', 'no namespace');
    await recorder.flush();
  });
});

class Gate {
  private opened = false;
  private waiters: (() => void)[] = [];
  open(): void {
    this.opened = true;
    for (const w of this.waiters.splice(0)) w();
  }
  wait(): Promise<void> {
    return this.opened ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }
}

/** The real resource client, whose watches only start once the gate opens. */
function gatedWatch<T extends KubeObject>(inner: ResourceClient<T>, gate: Gate): ResourceClient<T> {
  return Object.assign(Object.create(inner) as ResourceClient<T>, {
    watch(namespace?: string, options?: Parameters<ResourceClient<T>['watch']>[1]): Watch<T> {
      let real: Watch<T> | undefined;
      let stopped = false;
      return {
        stop() {
          stopped = true;
          real?.stop();
        },
        async *[Symbol.asyncIterator]() {
          await gate.wait();
          if (stopped) return;
          real = inner.watch(namespace, options);
          yield* real;
        },
      };
    },
  });
}
