// Two control planes on one etcd: one controller manager leads, the other
// stands by; when the leader stops, the standby takes over and the pods the
// first one created are not created again.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiClient, type ApiClient } from '../helpers/api.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { Client } from '../../src/client/rest.js';
import { createLogger } from '../../src/cli/log.js';
import { startControllerManager } from '../../src/controllers/manager.js';
import { startEtcd, type EtcdServer } from '../helpers/etcd.js';
import { eventually } from './apps-readiness.js';

describe('controller manager failover', () => {
  let etcd: EtcdServer;
  let first: TestCluster;
  let second: TestCluster;
  let api: ApiClient;

  before(async () => {
    etcd = await startEtcd();
    first = await startTestCluster({ datastoreEndpoint: etcd.endpoint });
    await eventually('the first manager leads', async () => (await first.server.controlPlane.runningControllers()).length > 0);
    second = await startTestCluster({ datastoreEndpoint: etcd.endpoint });
    api = await apiClient(second.kubeconfig);
  });
  after(async () => {
    await second?.stop();
    await first?.stop();
    await etcd?.stop();
  });

  const podNames = async () =>
    (((await api.request('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dfailover')).body as { items: { metadata: { name: string } }[] }).items).map((p) => p.metadata.name).sort();

  test('the standby takes over within 15 s when the leader stops, and no pod is created twice', async () => {
    assert.deepEqual(await second.server.controlPlane.runningControllers(), [], 'the second manager stands by');
    const lease = (await api.request('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager')).body as { spec: { holderIdentity: string; leaseDurationSeconds: number } };
    assert.equal(lease.spec.leaseDurationSeconds, 15);
    await first.kubectl(['create', 'deployment', 'failover', '--image=nginx', '--replicas=5']);
    await eventually('5 pods', async () => (await podNames()).length === 5);
    const before = await podNames();

    const stoppedAt = Date.now();
    await first.server.controlPlane.stopControllerManager();
    await eventually('the standby leads', async () => (await second.server.controlPlane.runningControllers()).length > 0, 15_000);
    assert.ok(Date.now() - stoppedAt < 15_000);
    const holder = ((await api.request('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager')).body as { spec: { holderIdentity: string } }).spec.holderIdentity;
    assert.notEqual(holder, lease.spec.holderIdentity);

    // The new leader resyncs from the API: the 5 pods are its own, none created again.
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(await podNames(), before);
    await second.kubectl(['scale', 'deployment', 'failover', '--replicas=7']);
    await eventually('7 pods', async () => (await podNames()).length === 7);
    await new Promise((r) => setTimeout(r, 1000));
    const after = await podNames();
    assert.equal(after.length, 7);
    for (const name of before) assert.ok(after.includes(name));
    const creates = (await second.kubectl(['get', 'events', '-o', 'jsonpath={range .items[?(@.reason=="SuccessfulCreate")]}{.message}{"\\n"}{end}'])).trim().split('\n');
    assert.equal(creates.filter((m) => m.startsWith('Created pod: failover-')).length, 7);
  });

  test('a standby takes over once a dead leader\'s lease expires', async () => {
    // A third manager (on the first server) stands by; the leader dies without giving up its lease.
    const client = await Client.fromKubeconfig(first.kubeconfig);
    const third = startControllerManager(client, createLogger(0, () => undefined));
    try {
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(third.manager.runningControllers(), []);
      const before = await podNames();
      const diedAt = Date.now();
      await second.server.controlPlane.stopControllerManager({ releaseLease: false });
      // Upstream timing: the lease lasts 15 s from the last renewal the standby saw; it retries every 2 s.
      await eventually('the third manager leads', async () => third.manager.runningControllers().length > 0, 20_000);
      const took = Date.now() - diedAt;
      assert.ok(took >= 10_000 && took < 18_000, `took over after ${took} ms`);
      await first.kubectl(['scale', 'deployment', 'failover', '--replicas=8']);
      await eventually('8 pods', async () => (await podNames()).length === 8);
      await new Promise((r) => setTimeout(r, 1000));
      const after = await podNames();
      assert.equal(after.length, 8);
      for (const name of before) assert.ok(after.includes(name));
    } finally {
      await third.stop();
      client.close();
    }
  });
});
