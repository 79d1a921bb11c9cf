// LimitRange admission and the PriorityClass API, as the scheduling conformance behaviours
// (test/e2e/scheduling/limit_range.go, preemption.go) check them, through HTTPS and the real kubectl.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiClient } from '../helpers/api.js';
import { startApiCluster, type TestCluster } from '../helpers/cluster.js';

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };
type PodBody = { metadata: { annotations?: Record<string, string> }; spec: { containers: { resources: Resources }[] } };
type StatusBody = { code: number; reason: string; message: string };

const mergePatch = { 'Content-Type': 'application/merge-patch+json' };

describe('LimitRange and PriorityClass', () => {
  let cluster: TestCluster;
  let api: ApiClient;

  before(async () => ({ cluster, api } = await startApiCluster()));
  after(async () => cluster.stop());

  const pod = (name: string, resources: Resources = {}) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources }] },
  });

  test('LimitRange, resources', async () => {
    await api.request('POST', '/api/v1/namespaces', { metadata: { name: 'limits' } });
    const ranges = '/api/v1/namespaces/limits/limitranges';
    const pods = '/api/v1/namespaces/limits/pods';
    const limitRange = {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'limit-range' },
      spec: {
        limits: [
          {
            type: 'Container',
            min: { cpu: '100m', memory: '100Mi', 'ephemeral-storage': '214748364800m' },
            max: { cpu: '500m', memory: '500Mi', 'ephemeral-storage': '536870912000' },
            defaultRequest: { cpu: '200m', memory: '200Mi', 'ephemeral-storage': '200Gi' },
            default: { cpu: '300m', memory: '300Mi', 'ephemeral-storage': '300Gi' },
            maxLimitRequestRatio: { cpu: '4' },
          },
        ],
      },
    };
    assert.equal((await api.request('POST', ranges, limitRange)).status, 201);
    const stored = (await api.request('GET', `${ranges}/limit-range`)).body as typeof limitRange;
    assert.deepEqual(stored.spec.limits[0].min, limitRange.spec.limits[0].min);
    assert.deepEqual(stored.spec.limits[0].default, limitRange.spec.limits[0].default);

    // No resources: the defaults, and the annotation saying so.
    const plain = (await api.request('POST', pods, pod('pod-no-resources'))).body as PodBody;
    assert.deepEqual(plain.spec.containers[0].resources, {
      requests: { cpu: '200m', memory: '200Mi', 'ephemeral-storage': '200Gi' },
      limits: { cpu: '300m', memory: '300Mi', 'ephemeral-storage': '300Gi' },
    });
    assert.equal(
      plain.metadata.annotations?.['kubernetes.io/limit-ranger'],
      'LimitRanger plugin set: cpu, ephemeral-storage, memory request for container pause; cpu, ephemeral-storage, memory limit for container pause',
    );

    // Partial resources: only the missing ones are defaulted (requests default to limits first).
    const partial = (await api.request('POST', pods, pod('pod-partial-resources', { requests: { cpu: '300m' }, limits: { memory: '400Mi' } })))
      .body as PodBody;
    assert.deepEqual(partial.spec.containers[0].resources, {
      requests: { cpu: '300m', memory: '400Mi', 'ephemeral-storage': '200Gi' },
      limits: { cpu: '300m', memory: '400Mi', 'ephemeral-storage': '300Gi' },
    });

    // Outside the bounds: refused, nothing stored.
    const small = await api.request('POST', pods, pod('pod-too-small', { requests: { cpu: '50m', memory: '100Mi' }, limits: { cpu: '150m' } }));
    assert.equal(small.status, 403);
    assert.equal((small.body as StatusBody).reason, 'Forbidden');
    assert.equal((small.body as StatusBody).message, 'pods "pod-too-small" is forbidden: minimum cpu usage per Container is 100m, but request is 50m');
    const big = await api.request('POST', pods, pod('pod-too-big', { requests: { cpu: '100m' }, limits: { cpu: '600m', memory: '600Mi' } }));
    assert.equal(big.status, 403);
    assert.equal(
      (big.body as StatusBody).message,
      'pods "pod-too-big" is forbidden: [maximum cpu usage per Container is 500m, but limit is 600m, ' +
        'maximum memory usage per Container is 500Mi, but limit is 600Mi, cpu max limit to request ratio per Container is 4, but provided ratio is 6.000000]',
    );
    assert.equal((await api.request('GET', `${pods}/pod-too-big`)).status, 404);

    // Updating the range changes what later pods get.
    const patched = await api.request('PATCH', `${ranges}/limit-range`, { spec: { limits: [{ ...limitRange.spec.limits[0], min: { cpu: '10m', memory: '100Mi' } }] } }, mergePatch);
    assert.equal(patched.status, 200);
    assert.equal((await api.request('POST', pods, pod('pod-small-now', { requests: { cpu: '50m', memory: '100Mi' }, limits: { cpu: '150m' } }))).status, 201);

    // Deleted: nothing is defaulted or refused any more.
    assert.equal((await api.request('DELETE', `${ranges}/limit-range`)).status, 200);
    const free = (await api.request('POST', pods, pod('pod-no-limits', { requests: { cpu: '2', memory: '1Gi' } }))).body as PodBody;
    assert.deepEqual(free.spec.containers[0].resources, { requests: { cpu: '2', memory: '1Gi' } });
    assert.equal(free.metadata.annotations?.['kubernetes.io/limit-ranger'], undefined);
  });

  test('LimitRange, list, patch and delete a LimitRange by collection', async () => {
    const label = 'e2e-limitrange-collection';
    for (const ns of ['lr-one', 'lr-two']) {
      await api.request('POST', '/api/v1/namespaces', { metadata: { name: ns } });
      const body = { metadata: { name: `${ns}-range`, labels: { [label]: 'true' } }, spec: { limits: [{ type: 'Container', max: { cpu: '1' } }] } };
      assert.equal((await api.request('POST', `/api/v1/namespaces/${ns}/limitranges`, body)).status, 201);
    }
    const listed = (await api.request('GET', `/api/v1/limitranges?labelSelector=${label}%3Dtrue`)).body as { items: { metadata: { name: string } }[] };
    assert.deepEqual(listed.items.map((i) => i.metadata.name).sort(), ['lr-one-range', 'lr-two-range']);
    const patched = await api.request('PATCH', '/api/v1/namespaces/lr-one/limitranges/lr-one-range', { metadata: { labels: { patched: 'yes' } }, spec: { limits: [{ type: 'Container', max: { cpu: '2' } }] } }, mergePatch);
    assert.equal(patched.status, 200);
    const after = patched.body as { metadata: { labels: Record<string, string> }; spec: { limits: { max: Record<string, string> }[] } };
    assert.equal(after.metadata.labels.patched, 'yes');
    assert.equal(after.spec.limits[0].max.cpu, '2');
    const deleted = await api.request('DELETE', `/api/v1/namespaces/lr-one/limitranges?labelSelector=${label}%3Dtrue`);
    assert.equal(deleted.status, 200);
    const left = (await api.request('GET', `/api/v1/limitranges?labelSelector=${label}%3Dtrue`)).body as { items: { metadata: { name: string } }[] };
    assert.deepEqual(left.items.map((i) => i.metadata.name), ['lr-two-range']);
  });

  test('a LimitRange is shown by kubectl describe and refuses kubectl run outside it', async () => {
    await cluster.kubectl(['create', 'namespace', 'lr-kubectl']);
    const manifest = 'apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: mem\nspec:\n  limits:\n  - type: Container\n    max:\n      memory: 512Mi\n';
    await cluster.kubectl(['create', '-f', '-', '-n', 'lr-kubectl'], { stdin: manifest });
    const described = await cluster.kubectl(['describe', 'limitrange', 'mem', '-n', 'lr-kubectl']);
    assert.match(described, /Container\s+memory\s+-\s+512Mi\s+512Mi\s+512Mi\s+-/);
    const refused = await cluster.kubectlResult(['run', 'hog', '--image=busybox', '-n', 'lr-kubectl', '--overrides={"spec":{"containers":[{"name":"hog","image":"busybox","resources":{"limits":{"memory":"1Gi"}}}]}}']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Error from server \(Forbidden\): pods "hog" is forbidden: maximum memory usage per Container is 512Mi, but limit is 1Gi/);
  });

  test('Scheduler, Verify PriorityClass endpoints', async () => {
    const path = '/apis/scheduling.k8s.io/v1/priorityclasses';
    for (let i = 1; i <= 2; i++) {
      assert.equal((await api.request('POST', path, { metadata: { name: `p${i}` }, value: i })).status, 201);
    }
    const listed = (await api.request('GET', path)).body as { items: { metadata: { name: string } }[] };
    const names = listed.items.map((i) => i.metadata.name);
    for (const n of ['p1', 'p2', 'system-cluster-critical', 'system-node-critical']) assert.ok(names.includes(n), n);
    // value is immutable; description and labels are not.
    const immutable = await api.request('PATCH', `${path}/p1`, { value: 10 }, mergePatch);
    assert.equal(immutable.status, 422);
    assert.match((immutable.body as StatusBody).message, /PriorityClass.scheduling.k8s.io "p1" is invalid: value: Forbidden: may not be changed in an update\./);
    const current = (await api.request('GET', `${path}/p2`)).body as { value: number; metadata: Record<string, unknown> };
    const replaced = await api.request('PUT', `${path}/p2`, { ...current, value: 20 });
    assert.equal(replaced.status, 422);
    assert.equal((await api.request('PATCH', `${path}/p1`, { description: 'updated' }, mergePatch)).status, 200);
    assert.equal((await api.request('PUT', `${path}/p2`, { ...current, description: 'replaced' })).status, 200);
    assert.equal(((await api.request('GET', `${path}/p1`)).body as { description: string }).description, 'updated');
    assert.equal(((await api.request('GET', `${path}/p2`)).body as { value: number }).value, 2);
  });
});
