// API-machinery conformance behaviours (shared/conformance.yaml, test/e2e/apimachinery/*)
// through HTTPS with the admin's credentials, each named after its testname.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiClient, type WatchEventJson, type WatchStream } from '../helpers/api.js';
import { startApiCluster, type TestCluster } from '../helpers/cluster.js';

type Meta = { name: string; resourceVersion: string; labels?: Record<string, string> };
type List = { metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number }; items: { metadata: Meta }[] };
type StatusBody = { code: number; reason: string; message: string; metadata?: { continue?: string } };

const mergePatch = { 'Content-Type': 'application/merge-patch+json' };

describe('API machinery conformance', () => {
  let cluster: TestCluster;
  let api: ApiClient;

  before(async () => ({ cluster, api } = await startApiCluster()));
  after(async () => cluster.stop());

  async function createNamespace(name: string): Promise<void> {
    assert.equal((await api.request('POST', '/api/v1/namespaces', { metadata: { name } })).status, 201);
  }

  const configMap = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data: {} });

  /** Collects `count` events (or fewer when the stream goes quiet). */
  async function take(watch: WatchStream, count: number): Promise<WatchEventJson[]> {
    const events: WatchEventJson[] = [];
    while (events.length < count) {
      const event = await watch.next();
      if (!event) break;
      events.push(event);
    }
    return events;
  }

  const summary = (events: WatchEventJson[]) => events.map((e) => `${e.type} ${e.object.metadata?.name}`);

  test('Confirm a server version', async () => {
    const version = (await api.request('GET', '/version')).body as { major: string; minor: string; gitVersion: string };
    assert.match(version.major, /^\d+$/);
    assert.match(version.minor, /^\d+$/);
    assert.match(version.gitVersion, /^v\d+\.\d+\.\d+/);
  });

  test('API metadata HTTP return', async () => {
    // A backend without Table conversion (a review kind) answers 406 to a Table-only Accept header.
    const review = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { nonResourceAttributes: { path: '/', verb: 'get' } },
    };
    const path = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
    assert.equal((await api.request('POST', path, review)).status, 201);
    const res = await api.request('POST', path, review, { Accept: 'application/json;as=Table;v=v1beta1;g=meta.k8s.io' });
    assert.equal(res.status, 406);
    assert.equal((res.body as StatusBody).reason, 'NotAcceptable');
  });

  test('Discovery, confirm the groupVersion and a resource from each apiGroup', async () => {
    const groups = (await api.request('GET', '/apis')).body as { groups: { name: string; versions: { groupVersion: string }[] }[] };
    assert.ok(groups.groups.length > 10);
    for (const group of groups.groups) {
      for (const { groupVersion } of group.versions) {
        const list = (await api.request('GET', `/apis/${groupVersion}`)).body as { groupVersion: string; resources: { name: string; kind: string }[] };
        assert.equal(list.groupVersion, groupVersion);
        assert.ok(list.resources.some((r) => r.name && r.kind), `${groupVersion} has a resource`);
      }
    }
  });

  test('watch-configmaps-closed-and-restarted', async () => {
    await createNamespace('watch-restart');
    const cms = '/api/v1/namespaces/watch-restart/configmaps';
    const selector = 'labelSelector=watch-this-configmap%3Dwatch-closed-and-restarted';
    const watch = api.watch(`${cms}?watch=true&${selector}`);
    await api.request('POST', cms, configMap('e2e-watch-test-watch-closed', { 'watch-this-configmap': 'watch-closed-and-restarted' }));
    await api.request('PATCH', `${cms}/e2e-watch-test-watch-closed`, { data: { mutation: '1' } }, mergePatch);
    const seen = await take(watch, 2);
    watch.close();
    assert.deepEqual(summary(seen), ['ADDED e2e-watch-test-watch-closed', 'MODIFIED e2e-watch-test-watch-closed']);
    // Changes while no watch is open are delivered to a watch reopened from the last seen version.
    await api.request('PATCH', `${cms}/e2e-watch-test-watch-closed`, { data: { mutation: '2' } }, mergePatch);
    await api.request('DELETE', `${cms}/e2e-watch-test-watch-closed`);
    const lastSeen = seen[1].object.metadata?.resourceVersion;
    const reopened = api.watch(`${cms}?watch=true&${selector}&resourceVersion=${lastSeen}`);
    try {
      const rest = await take(reopened, 2);
      assert.deepEqual(summary(rest), ['MODIFIED e2e-watch-test-watch-closed', 'DELETED e2e-watch-test-watch-closed']);
      assert.equal((rest[0].object as { data?: { mutation?: string } }).data?.mutation, '2');
    } finally {
      reopened.close();
    }
  });

  test('watch-configmaps-with-multiple-watchers', async () => {
    await createNamespace('watch-multi');
    const cms = '/api/v1/namespaces/watch-multi/configmaps';
    const label = 'watch-this-configmap';
    const watchA = api.watch(`${cms}?watch=true&labelSelector=${label}%3Dmultiple-watchers-A`);
    const watchB = api.watch(`${cms}?watch=true&labelSelector=${label}%3Dmultiple-watchers-B`);
    const watchAB = api.watch(`${cms}?watch=true&labelSelector=${label}+in+(multiple-watchers-A,multiple-watchers-B)`);
    try {
      for (const [name, value] of [['cm-a', 'multiple-watchers-A'], ['cm-b', 'multiple-watchers-B']]) {
        await api.request('POST', cms, configMap(name, { [label]: value }));
        await api.request('PATCH', `${cms}/${name}`, { data: { mutation: '1' } }, mergePatch);
        await api.request('PATCH', `${cms}/${name}`, { data: { mutation: '2' } }, mergePatch);
        await api.request('DELETE', `${cms}/${name}`);
      }
      const lifecycle = (name: string) => [`ADDED ${name}`, `MODIFIED ${name}`, `MODIFIED ${name}`, `DELETED ${name}`];
      assert.deepEqual(summary(await take(watchA, 4)), lifecycle('cm-a'));
      assert.deepEqual(summary(await take(watchB, 4)), lifecycle('cm-b'));
      assert.deepEqual(summary(await take(watchAB, 8)), [...lifecycle('cm-a'), ...lifecycle('cm-b')]);
      assert.equal(await watchA.next(300), undefined, 'A sees nothing of B');
    } finally {
      for (const w of [watchA, watchB, watchAB]) w.close();
    }
  });

  test('watch-consistency', async () => {
    await createNamespace('watch-consistency');
    const cms = '/api/v1/namespaces/watch-consistency/configmaps';
    const start = ((await api.request('GET', cms)).body as List).metadata.resourceVersion;
    const first = api.watch(`${cms}?watch=true&resourceVersion=${start}`);
    // Writes from a background loop while the watches are read.
    const writes = (async () => {
      for (let i = 0; i < 30; i++) {
        const name = `cm-${i % 5}`;
        const res = await api.request('POST', cms, configMap(name));
        if (res.status === 409) await api.request('DELETE', `${cms}/${name}`);
      }
    })();
    const events = await take(first, 30);
    await writes;
    const versions = events.map((e) => e.object.metadata?.resourceVersion);
    assert.ok(events.length >= 20, `saw ${events.length} events`);
    // A watch started at each event's version replays exactly the events that followed it.
    for (const index of [0, Math.floor(events.length / 2), events.length - 2]) {
      const second = api.watch(`${cms}?watch=true&resourceVersion=${versions[index]}`);
      try {
        const replay = await take(second, events.length - index - 1);
        assert.deepEqual(replay.map((e) => e.object.metadata?.resourceVersion), versions.slice(index + 1));
      } finally {
        second.close();
      }
    }
    first.close();
  });

  test('API Chunking, server should support continue listing from the last key even if the original version has been compacted away', async () => {
    await createNamespace('chunking-compacted');
    const path = '/api/v1/namespaces/chunking-compacted/podtemplates';
    const template = (i: number) => ({
      apiVersion: 'v1',
      kind: 'PodTemplate',
      metadata: { name: `template-${String(i).padStart(4, '0')}` },
      template: { spec: { containers: [{ name: 'test', image: 'busybox' }] } },
    });
    const total = 60;
    for (let i = 0; i < total; i++) assert.equal((await api.request('POST', path, template(i))).status, 201);
    const first = (await api.request('GET', `${path}?limit=25`)).body as List;
    assert.equal(first.items.length, 25);
    assert.equal(first.metadata.remainingItemCount, total - 25);
    assert.ok(first.metadata.continue);

    // Writes after the first page, then compaction past its revision: the token has expired.
    await api.request('POST', path, template(total));
    const store = cluster.server.store;
    await store.compact(await store.currentRevision());
    const expired = await api.request('GET', `${path}?limit=25&continue=${encodeURIComponent(first.metadata.continue)}`);
    assert.equal(expired.status, 410);
    const status = expired.body as StatusBody;
    assert.equal(status.reason, 'Expired');
    assert.match(status.message, /too old to display a consistent list result/);
    const inconsistent = status.metadata?.continue;
    assert.ok(inconsistent, 'the 410 carries an inconsistent continue token');

    // The inconsistent token continues from the last key at the latest revision, then pages consistently.
    const names = first.items.map((i) => i.metadata.name);
    let token: string | undefined = inconsistent;
    let pageVersion: string | undefined;
    while (token) {
      const page = (await api.request('GET', `${path}?limit=25&continue=${encodeURIComponent(token)}`)).body as List;
      assert.ok(page.items.length <= 25);
      pageVersion ??= page.metadata.resourceVersion;
      assert.equal(page.metadata.resourceVersion, pageVersion);
      names.push(...page.items.map((i) => i.metadata.name));
      if (page.metadata.continue) assert.equal(page.metadata.remainingItemCount, total + 1 - names.length);
      token = page.metadata.continue;
    }
    assert.ok(Number(pageVersion) > Number(first.metadata.resourceVersion));
    assert.deepEqual(names, Array.from({ length: total + 1 }, (_, i) => template(i).metadata.name));
  });

  test('Server side field validation, typed object', async () => {
    await createNamespace('field-validation');
    const path = '/apis/apps/v1/namespaces/field-validation/deployments';
    const body = `{
      "apiVersion": "apps/v1", "kind": "Deployment",
      "metadata": { "name": "typed", "labels": { "app": "nginx" } },
      "spec": {
        "selector": { "matchLabels": { "app": "nginx" } },
        "template": { "metadata": { "labels": { "app": "nginx" } },
          "spec": { "containers": [{ "name": "nginx", "image": "nginx:latest", "unknownNested": "val1" }] } },
        "paused": true, "paused": false,
        "unknownDeep": "val2"
      }
    }`;
    const res = await api.request('POST', `${path}?fieldValidation=Strict`, Buffer.from(body));
    assert.equal(res.status, 400);
    const status = res.body as StatusBody;
    assert.equal(status.reason, 'BadRequest');
    assert.match(status.message, /^Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: /);
    for (const part of ['unknown field "spec.template.spec.containers[0].unknownNested"', 'unknown field "spec.unknownDeep"', 'duplicate field "spec.paused"']) {
      assert.ok(status.message.includes(part), `${status.message} mentions ${part}`);
    }
    assert.equal((await api.request('GET', `${path}/typed`)).status, 404, 'nothing was written');
    // Warn: created, with the same findings as warnings.
    const warned = await api.request('POST', `${path}?fieldValidation=Warn`, Buffer.from(body));
    assert.equal(warned.status, 201);
    assert.match(String(warned.headers.warning), /299 - "unknown field \\"spec.unknownDeep\\""/);
  });

  test('Server side field validation, typed unknown metadata', async () => {
    const path = '/api/v1/namespaces/default/configmaps';
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unknown-meta', unknownMeta: 'foo' }, data: {} };
    const res = await api.request('POST', `${path}?fieldValidation=Strict`, body);
    assert.equal(res.status, 400);
    assert.equal((res.body as StatusBody).message, 'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "metadata.unknownMeta"');
    assert.equal((await api.request('GET', `${path}/unknown-meta`)).status, 404);
  });
});
