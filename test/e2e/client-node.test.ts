// The official JavaScript client, unmodified: typed CRUD, list, watch and an informer.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('@kubernetes/client-node', () => {
  let cluster: TestCluster;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let apps: k8s.AppsV1Api;

  before(async () => {
    cluster = await startTestCluster();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
    apps = kc.makeApiClient(k8s.AppsV1Api);
  });
  after(async () => cluster.stop());

  test('typed create, read, list, patch and delete', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'from-client', labels: { via: 'client-node' } }, data: { a: '1' } } });
    const read = await core.readNamespacedConfigMap({ namespace: 'default', name: 'from-client' });
    assert.equal(read.data?.a, '1');
    const listed = await core.listNamespacedConfigMap({ namespace: 'default', labelSelector: 'via=client-node' });
    assert.deepEqual(listed.items.map((c) => c.metadata?.name), ['from-client']);
    await core.patchNamespacedConfigMap(
      { namespace: 'default', name: 'from-client', body: { data: { a: '2' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    assert.equal((await core.readNamespacedConfigMap({ namespace: 'default', name: 'from-client' })).data?.a, '2');
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'from-client' });
    await assert.rejects(core.readNamespacedConfigMap({ namespace: 'default', name: 'from-client' }), (err: { code?: number }) => err.code === 404);

    const created = await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'typed' },
        spec: { selector: { matchLabels: { app: 'typed' } }, template: { metadata: { labels: { app: 'typed' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      },
    });
    assert.equal(created.spec?.replicas, 1);
    assert.equal(created.spec?.strategy?.type, 'RollingUpdate');
  });

  test('watch delivers ADDED, MODIFIED and DELETED from a resourceVersion', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: 'default' });
    const seen: string[] = [];
    const watch = new k8s.Watch(kc);
    const controller = await watch.watch(
      '/api/v1/namespaces/default/configmaps',
      { resourceVersion: list.metadata?.resourceVersion, allowWatchBookmarks: true },
      (phase, obj: k8s.V1ConfigMap) => {
        if (obj.metadata?.name === 'watched') seen.push(phase);
      },
      () => {},
    );
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'watched' } } });
    await core.replaceNamespacedConfigMap({ namespace: 'default', name: 'watched', body: { metadata: { name: 'watched' }, data: { k: 'v' } } });
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'watched' });
    await until('three events', () => seen.length === 3);
    assert.deepEqual(seen, ['ADDED', 'MODIFIED', 'DELETED']);
    controller.abort();
  });

  test('an informer lists, then keeps its cache in step with changes', async () => {
    await core.createNamespace({ body: { metadata: { name: 'informed' } } });
    await core.createNamespacedConfigMap({ namespace: 'informed', body: { metadata: { name: 'before' } } });
    const path = '/api/v1/namespaces/informed/configmaps';
    const informer = k8s.makeInformer(kc, path, () => core.listNamespacedConfigMap({ namespace: 'informed' }));
    const events: string[] = [];
    // The namespace's kube-root-ca.crt (root CA publisher) is not part of this story.
    const record = (what: string, name?: string) => name !== 'kube-root-ca.crt' && events.push(`${what} ${name}`);
    informer.on('add', (obj) => record('add', obj.metadata?.name));
    informer.on('update', (obj) => record('update', obj.metadata?.name));
    informer.on('delete', (obj) => record('delete', obj.metadata?.name));
    await informer.start();
    try {
      await until('initial add', () => events.includes('add before'));
      await core.createNamespacedConfigMap({ namespace: 'informed', body: { metadata: { name: 'after' } } });
      await core.patchNamespacedConfigMap(
        { namespace: 'informed', name: 'before', body: { data: { x: 'y' } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      await core.deleteNamespacedConfigMap({ namespace: 'informed', name: 'after' });
      await until('all changes', () => events.includes('delete after') && events.includes('update before'));
      assert.deepEqual(events, ['add before', 'add after', 'update before', 'delete after']);
      assert.deepEqual(informer.list('informed').map((c) => c.metadata?.name).filter((n) => n !== 'kube-root-ca.crt'), ['before']);
      assert.equal(informer.get('before', 'informed')?.data?.x, 'y');
    } finally {
      await informer.stop();
    }
  });
});
