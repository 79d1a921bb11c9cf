// The client library against a real k8ts server: REST, typed errors, watch,
// informers (resume after a cut connection, relist after 410).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isAlreadyExists, isConflict, isGone, isNotFound } from '../../src/client/errors.js';
import { Informer } from '../../src/client/informer.js';
import { SharedInformerFactory } from '../../src/client/informer-factory.js';
import { Client } from '../../src/client/rest.js';
import { configmaps, namespaces } from '../../src/client/resources.js';
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
    const informer = new Informer<ConfigMap>(cms, { namespace: 'inf' });
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
    factory.start();
    assert.equal(await factory.waitForCacheSync(), true);
    assert.ok(c.lister.get('inf', 'before'));
    const late = factory.informerFor(namespaces);
    assert.equal(await late.waitForSync(), true, 'informers created after start() start too');
    await factory.stop();
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
