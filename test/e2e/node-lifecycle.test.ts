// Node lifecycle end to end: a hollow node whose agent stops goes Unknown,
// is tainted unreachable, its pods lose Ready and are evicted after their
// tolerationSeconds (a ReplicaSet replaces them elsewhere); the taint
// eviction controller's conformance behaviours; the pod garbage collector.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../src/cli/log.js';
import { startServer, type RunningServer } from '../../src/cli/server.js';
import { Client } from '../../src/client/rest.js';
import { pods as resourcesPods } from '../../src/client/resources.js';
import { hollowNodes } from '../../src/kubelet/hollow.js';
import { KubeletHost, type HostedNode } from '../../src/kubelet/host.js';
import { apiClient, type ApiClient } from '../helpers/api.js';
import { kubectl as runKubectl } from '../helpers/kubectl.js';
import { tempDir } from '../helpers/tmp.js';
import { EventRecorder } from '../../src/client/events.js';
import { SharedInformerFactory } from '../../src/client/informer-factory.js';
import { PodGCController } from '../../src/controllers/podgc/controller.js';
import { QUARANTINE_MS } from '../../src/controllers/podgc/gc.js';
import { eventually as poll } from '../helpers/eventually.js';

const eventually = <T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 40000) => poll(what, check, timeoutMs);

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}
interface PodJson {
  metadata: { name: string; uid: string; deletionTimestamp?: string; labels?: Record<string, string> };
  spec: { nodeName?: string };
  status: { phase?: string; conditions?: Condition[] };
}
interface NodeJson {
  spec: { taints?: { key: string; effect: string; timeAdded?: string }[] };
  status: { conditions?: Condition[] };
}

const unreachableTolerations = (seconds?: number) =>
  ['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready'].map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', ...(seconds === undefined ? {} : { tolerationSeconds: seconds }) }));

describe('node lifecycle', () => {
  const logs: string[] = [];
  const log = createLogger(0, (line) => logs.push(line));
  /** The controller manager's warnings, for a failure message. */
  const controllerWarnings = () => logs.filter((l) => /taint|evict|nodelifecycle|podgc/i.test(l)).slice(-20).join('\n');
  let server: RunningServer;
  let api: ApiClient;
  let client: Client;
  let host: KubeletHost | undefined;
  const flaky: HostedNode[] = hollowNodes(1, { prefix: 'flaky' });
  const ns = 'default';

  const kubectl = async (args: string[], stdin?: string) => {
    const r = await runKubectl(server.kubeconfigPath, args, stdin === undefined ? {} : { stdin });
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const get = async <T>(path: string) => {
    const res = await api.request('GET', path);
    return res.status === 200 ? (res.body as T) : undefined;
  };
  const pod = (name: string) => get<PodJson>(`/api/v1/namespaces/${ns}/pods/${name}`);
  const node = (name: string) => get<NodeJson>(`/api/v1/nodes/${name}`);
  const startFlaky = async () => {
    host = new KubeletHost({ client, log, nodes: flaky, retryMs: 500 });
    await host.start();
  };
  const create = (obj: object) => kubectl(['create', '-f', '-'], JSON.stringify(obj));
  const running = (name: string) => eventually(`${name} Running`, async () => ((await pod(name))?.status.phase === 'Running' ? pod(name) : undefined));
  const events = (name: string) => kubectl(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'jsonpath={range .items[*]}{.reason} {.message}{"\\n"}{end}']);

  before(async () => {
    server = await startServer(
      {
        dataDir: tempDir('k8ts-node-lifecycle'),
        httpsListenPort: 0,
        bindAddress: '127.0.0.1',
        serviceCidr: '10.43.0.0/16',
        clusterCidr: '10.42.0.0/16',
        simulatedNodes: 2,
        kubeletPort: 0,
        // Above the kubelets' 10 s Lease renewal (upstream: 50 s), so a live node never looks silent between renewals.
        nodeMonitorGracePeriodMs: 15_000,
        terminatedPodGCThreshold: 2,
      },
      log,
    );
    api = await apiClient(server.kubeconfigPath);
    client = await Client.fromKubeconfig(server.kubeconfigPath);
    await startFlaky();
    // Completed pods for the garbage collector, oldest first.
    for (const name of ['done-1', 'done-2', 'done-3', 'done-4']) {
      await create({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { nodeName: 'k8ts-sim-0', restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['true'] }] } });
      await new Promise((r) => setTimeout(r, 1100));
    }
    await eventually('3 Ready nodes', async () => (await kubectl(['get', 'nodes', '--no-headers'])).split('\n').filter((l) => / Ready /.test(l)).length === 3);
  });
  after(async () => {
    await host?.stop();
    client?.close();
    await server?.stop();
  });

  test('a node whose kubelet stops goes Unknown and tainted, its pods are evicted after tolerationSeconds and replaced elsewhere; heartbeats bring it back', async () => {
    await create({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'survivor' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'survivor' } },
        template: {
          metadata: { labels: { app: 'survivor' } },
          spec: {
            nodeSelector: {},
            affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: ['flaky-0'] }] } }] } },
            tolerations: unreachableTolerations(4),
            containers: [{ name: 'c', image: 'nginx' }],
          },
        },
      },
    });
    await create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'patient' }, spec: { nodeName: 'flaky-0', tolerations: unreachableTolerations(), containers: [{ name: 'c', image: 'nginx' }] } });
    await running('patient');
    const first = await eventually('the survivor pod Running on flaky-0', async () => {
      const list = (await get<{ items: PodJson[] }>(`/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dsurvivor`))!.items;
      // The preference is a score, not a rule: a pod placed elsewhere (flaky-0's lease late on a loaded
      // machine) is deleted, and the ReplicaSet's next one is scheduled again.
      const elsewhere = list.find((p) => p.spec.nodeName && p.spec.nodeName !== 'flaky-0' && !p.metadata.deletionTimestamp);
      if (elsewhere) await api.request('DELETE', `/api/v1/namespaces/${ns}/pods/${elsewhere.metadata.name}?gracePeriodSeconds=0`);
      return list.length === 1 && list[0].status.phase === 'Running' && list[0].spec.nodeName === 'flaky-0' ? list[0] : undefined;
    });
    assert.equal(first.spec.nodeName, 'flaky-0');

    await host!.stop();
    host = undefined;
    const down = await eventually('flaky-0 Unknown and tainted', async () => {
      const n = await node('flaky-0');
      const taints = (n?.spec.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();
      return taints.join() === 'node.kubernetes.io/unreachable:NoExecute,node.kubernetes.io/unreachable:NoSchedule' ? n : undefined;
    });
    for (const type of ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure']) {
      const c = down.status.conditions?.find((x) => x.type === type);
      assert.deepEqual([c?.status, c?.reason, c?.message], ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'], type);
    }
    assert.ok(down.spec.taints?.find((t) => t.effect === 'NoExecute')?.timeAdded);
    assert.match(await kubectl(['get', 'node', 'flaky-0', '--no-headers']), /^flaky-0\s+NotReady\s/);
    const nodeEvents = await events('flaky-0');
    assert.match(nodeEvents, /RegisteredNode Node flaky-0 event: Registered Node flaky-0 in Controller/);
    assert.match(nodeEvents, /NodeNotReady Node flaky-0 status is now: NodeNotReady/);
    await eventually('patient not Ready', async () => (await pod('patient'))?.status.conditions?.find((c) => c.type === 'Ready')?.status === 'False');
    assert.match(await events('patient'), /NodeNotReady Node is not ready/);

    // The survivor tolerates unreachable for 4 s, then the taint eviction controller deletes it.
    const evicted = await eventually('the survivor pod evicted', async () => {
      const p = await pod(first.metadata.name);
      return p?.metadata.deletionTimestamp ? p : undefined;
    });
    const target = evicted.status.conditions?.find((c) => c.type === 'DisruptionTarget');
    assert.deepEqual([target?.status, target?.reason, target?.message], ['True', 'DeletionByTaintManager', 'Taint manager: deleting due to NoExecute taint']);
    assert.match(await events(first.metadata.name), new RegExp(`TaintManagerEviction Marking for deletion Pod default/${first.metadata.name}`));
    const replacement = await eventually('a replacement Running on another node', async () => {
      const list = (await get<{ items: PodJson[] }>(`/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dsurvivor`))!.items;
      return list.find((p) => !p.metadata.deletionTimestamp && p.status.phase === 'Running');
    });
    assert.notEqual(replacement.spec.nodeName, 'flaky-0');
    // A pod tolerating unreachable forever stays.
    assert.equal((await pod('patient'))?.metadata.deletionTimestamp, undefined);

    // Non-graceful shutdown: an administrator marks the node out of service; its terminating pods are force-deleted.
    await kubectl(['taint', 'node', 'flaky-0', 'node.kubernetes.io/out-of-service=nodeshutdown:NoExecute']);
    await eventually('the evicted pod force-deleted', async () => (await pod(first.metadata.name)) === undefined);
    await eventually('patient evicted and force-deleted', async () => (await pod('patient')) === undefined);
    await kubectl(['taint', 'node', 'flaky-0', 'node.kubernetes.io/out-of-service=nodeshutdown:NoExecute-']);

    await startFlaky();
    await eventually('flaky-0 Ready and untainted', async () => {
      const n = await node('flaky-0');
      return n?.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True' && (n.spec.taints ?? []).length === 0;
    });
  });

  test('a cordoned node is tainted unschedulable until uncordoned', async () => {
    const taints = async () => ((await node('k8ts-sim-0'))?.spec.taints ?? []).map((t) => `${t.key}:${t.effect}`).join();
    await kubectl(['cordon', 'k8ts-sim-0']);
    await eventually('the unschedulable taint', async () => (await taints()) === 'node.kubernetes.io/unschedulable:NoSchedule');
    assert.match(await kubectl(['describe', 'node', 'k8ts-sim-0']), /\nTaints:\s+node\.kubernetes\.io\/unschedulable:NoSchedule\n/);
    await kubectl(['uncordon', 'k8ts-sim-0']);
    await eventually('no taints', async () => (await taints()) === '');
  });

  test('Taint, Pod Eviction on taint removal', async () => {
    await create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'taint-removal' },
      spec: { nodeName: 'k8ts-sim-1', tolerations: [{ key: 'kubernetes.io/e2e-evict-taint-key', operator: 'Equal', value: 'evictTaintVal', effect: 'NoExecute', tolerationSeconds: 6 }], containers: [{ name: 'c', image: 'nginx' }] },
    });
    await running('taint-removal');
    await kubectl(['taint', 'node', 'k8ts-sim-1', 'kubernetes.io/e2e-evict-taint-key=evictTaintVal:NoExecute']);
    await new Promise((r) => setTimeout(r, 2000));
    await kubectl(['taint', 'node', 'k8ts-sim-1', 'kubernetes.io/e2e-evict-taint-key=evictTaintVal:NoExecute-']);
    await eventually('the cancellation event', async () => (await events('taint-removal')).includes('TaintManagerEviction Cancelling deletion of Pod default/taint-removal'));
    await new Promise((r) => setTimeout(r, 6000));
    assert.equal((await pod('taint-removal'))?.metadata.deletionTimestamp, undefined);
  });

  test('Pod Eviction, Toleration limits', async () => {
    const tolerating = (name: string, seconds: number) =>
      create({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: { nodeName: 'k8ts-sim-1', tolerations: [{ key: 'kubernetes.io/e2e-evict-taint-key', operator: 'Equal', value: 'evictTaintVal', effect: 'NoExecute', tolerationSeconds: seconds }], containers: [{ name: 'c', image: 'nginx' }] },
      });
    await tolerating('taint-eviction-a', 2);
    await tolerating('taint-eviction-b', 12);
    await running('taint-eviction-a');
    await running('taint-eviction-b');
    const tainted = Date.now();
    await kubectl(['taint', 'node', 'k8ts-sim-1', 'kubernetes.io/e2e-evict-taint-key=evictTaintVal:NoExecute']);
    try {
      const gone = (name: string) => async () => {
        const p = await pod(name);
        return !p || !!p.metadata.deletionTimestamp;
      };
      await eventually('taint-eviction-a evicted', gone('taint-eviction-a'), 30_000).catch((err: Error) => {
        throw new Error(`${err.message}\n${controllerWarnings()}`);
      });
      const first = Date.now() - tainted;
      assert.equal(await gone('taint-eviction-b')(), false, 'b tolerates longer');
      await eventually('taint-eviction-b evicted', gone('taint-eviction-b'), 30_000);
      const second = Date.now() - tainted;
      assert.ok(first >= 1500 && second >= 11000, `evicted after ${first} and ${second} ms`);
    } finally {
      await kubectl(['taint', 'node', 'k8ts-sim-1', 'kubernetes.io/e2e-evict-taint-key=evictTaintVal:NoExecute-']);
    }
  });

  test('Pod garbage collector: terminated pods beyond --terminated-pod-gc-threshold go, oldest first', async () => {
    await eventually('the two newest completed pods left', async () => {
      const names = (await get<{ items: PodJson[] }>(`/api/v1/namespaces/${ns}/pods`))!.items.map((p) => p.metadata.name).filter((n) => n.startsWith('done-'));
      return names.sort().join() === 'done-3,done-4';
    }, 30_000);
  });

  test('Pod garbage collector: pods bound to a node that is gone are marked Failed with DisruptionTarget DeletionByPodGC and deleted', async () => {
    await create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan' }, spec: { nodeName: 'gone-node', containers: [{ name: 'c', image: 'nginx' }] } });
    const created = (await pod('orphan'))!;
    const watch = api.watch(`/api/v1/namespaces/${ns}/pods?watch=true&fieldSelector=metadata.name%3Dorphan&resourceVersion=${(created.metadata as { resourceVersion?: string }).resourceVersion}`);
    // A second pod GC on its own informers, its clock moved past the quarantine instead of waiting 40 s.
    const informers = new SharedInformerFactory(client, { log });
    const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    const gc = new PodGCController({ client, informers, recorder: (component) => new EventRecorder(client, { component, log }), log: quiet });
    informers.start();
    try {
      assert.ok(await informers.waitForCacheSync());
      await eventually('the orphan in the cache', async () => !!informers.informerFor(resourcesPods).lister.get(ns, 'orphan'));
      const now = Date.now();
      await gc.gc(now);
      assert.ok(await pod('orphan'), 'kept during the quarantine');
      await gc.gc(now + QUARANTINE_MS + 1);
      await eventually('the orphan deleted', async () => (await pod('orphan')) === undefined, 10_000);
      let marked: PodJson | undefined;
      for (let e = await watch.next(5000); e; e = await watch.next(5000)) {
        const p = e.object as unknown as PodJson;
        if (p.status?.conditions?.some((c) => c.type === 'DisruptionTarget')) marked = p;
        if (e.type === 'DELETED') break;
      }
      const target = marked?.status.conditions?.find((c) => c.type === 'DisruptionTarget');
      assert.deepEqual([marked?.status.phase, target?.status, target?.reason, target?.message], ['Failed', 'True', 'DeletionByPodGC', 'PodGC: node no longer exists']);
    } finally {
      watch.close();
      await informers.stop();
    }
  });
});
