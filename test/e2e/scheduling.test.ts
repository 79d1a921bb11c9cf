// The scheduler end to end: Node objects created through the API, pods and
// node changes through the real kubectl; placement, refusals (events and the
// PodScheduled condition) and preemption as upstream reports them.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../src/cli/log.js';
import { Client } from '../../src/client/rest.js';
import { startScheduler } from '../../src/scheduler/run.js';
import { type ApiClient } from '../helpers/api.js';
import { startApiCluster, type TestCluster } from '../helpers/cluster.js';

interface PodJson {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status?: { nominatedNodeName?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

describe('scheduling', () => {
  let cluster: TestCluster;
  let api: ApiClient;
  let nsCounter = 0;

  before(async () => ({ cluster, api } = await startApiCluster()));
  after(async () => cluster.stop());

  async function createNode(name: string, opts: { cpu?: string; memory?: string; pods?: string; labels?: Record<string, string>; taints?: object[]; extra?: Record<string, string> } = {}): Promise<void> {
    const allocatable = { cpu: opts.cpu ?? '4', memory: opts.memory ?? '8Gi', pods: opts.pods ?? '110', ...(opts.extra ?? {}) };
    const res = await api.request('POST', '/api/v1/nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(opts.labels ?? {}) } },
      spec: { taints: opts.taints },
      status: { capacity: allocatable, allocatable, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'hollow' }] },
    });
    assert.equal(res.status, 201, res.text);
  }

  async function deleteNodes(...names: string[]): Promise<void> {
    for (const n of names) await api.request('DELETE', `/api/v1/nodes/${n}`);
  }

  /** A namespace per test, so each sees only its own pods and events. */
  async function namespace(): Promise<string> {
    const ns = `sched-${++nsCounter}`;
    await cluster.kubectl(['create', 'namespace', ns]);
    return ns;
  }

  async function apply(ns: string, manifest: object): Promise<void> {
    await cluster.kubectl(['apply', '-n', ns, '-f', '-'], { stdin: JSON.stringify(manifest) });
  }

  function pod(name: string, spec: object = {}, labels: Record<string, string> = {}): object {
    return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } };
  }

  async function getPod(ns: string, name: string): Promise<PodJson | undefined> {
    const res = await api.request('GET', `/api/v1/namespaces/${ns}/pods/${name}`);
    return res.status === 200 ? (res.body as PodJson) : undefined;
  }

  async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const scheduledNode = (ns: string, name: string): Promise<string> => waitFor(`${name} to be scheduled`, async () => (await getPod(ns, name))?.spec.nodeName);

  async function unschedulable(ns: string, name: string): Promise<string> {
    return waitFor(`${name} to be marked unschedulable`, async () => {
      const c = (await getPod(ns, name))?.status?.conditions?.find((x) => x.type === 'PodScheduled');
      return c?.status === 'False' && c.reason === 'Unschedulable' ? (c.message ?? '') : undefined;
    });
  }

  async function events(ns: string, reason: string): Promise<string[]> {
    const out = await cluster.kubectl(['get', 'events', '-n', ns, '--field-selector', `reason=${reason}`, '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']);
    return out.split('\n').filter(Boolean);
  }

  /** Finishes a graceful deletion as a kubelet would once the containers stopped. */
  async function completeDeletion(ns: string, name: string): Promise<void> {
    await waitFor(`${name} to be terminating or gone`, async () => {
      const p = await getPod(ns, name);
      return !p || !!p.metadata.deletionTimestamp;
    });
    await cluster.kubectlResult(['delete', 'pod', name, '-n', ns, '--grace-period=0', '--force']);
  }

  test('Scheduler, node selector matching', async () => {
    const ns = await namespace();
    await createNode('sel-a');
    await createNode('sel-b');
    await cluster.kubectl(['label', 'node', 'sel-b', 'size=Large']);
    await apply(ns, pod('web-pod', { nodeSelector: { size: 'Large' } }));
    assert.equal(await scheduledNode(ns, 'web-pod'), 'sel-b');
    const scheduled = await waitFor('the Scheduled event', async () => (await events(ns, 'Scheduled')).length > 0 && events(ns, 'Scheduled'));
    assert.deepEqual(scheduled, [`Successfully assigned ${ns}/web-pod to sel-b`]);
    await deleteNodes('sel-a', 'sel-b');
  });

  test('Scheduler, node selector not matching', async () => {
    const ns = await namespace();
    await createNode('nsel-a');
    await apply(ns, pod('restricted', { nodeSelector: { label: 'nonempty' } }));
    const message = await unschedulable(ns, 'restricted');
    const n = JSON.parse(await cluster.kubectl(['get', 'nodes', '-o', 'json'])).items.length as number;
    assert.equal(message, `0/${n} nodes are available: ${n} node(s) didn't match Pod's node affinity/selector. preemption: 0/${n} nodes are available: ${n} Preemption is not helpful for scheduling.`);
    assert.deepEqual(await waitFor('the FailedScheduling event', async () => (await events(ns, 'FailedScheduling')).length > 0 && events(ns, 'FailedScheduling')), [message]);
    const describe = await cluster.kubectl(['describe', 'pod', 'restricted', '-n', ns]);
    assert.match(describe, /Warning\s+FailedScheduling\s+.*default-scheduler\s+0\/\d+ nodes are available/);
    // labelling the node lets the pending pod go
    await cluster.kubectl(['label', 'node', 'nsel-a', 'label=nonempty']);
    assert.equal(await scheduledNode(ns, 'restricted'), 'nsel-a');
    await deleteNodes('nsel-a');
  });

  test('Scheduler, resource limits', async () => {
    const ns = await namespace();
    await createNode('res-a', { cpu: '1', labels: { pool: 'res' } });
    await createNode('res-b', { cpu: '1', labels: { pool: 'res' } });
    const filler = (name: string) => pod(name, { nodeSelector: { pool: 'res' }, containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '700m' }, limits: { cpu: '700m' } } }] });
    await apply(ns, filler('filler-1'));
    await apply(ns, filler('filler-2'));
    const nodes = new Set([await scheduledNode(ns, 'filler-1'), await scheduledNode(ns, 'filler-2')]);
    assert.deepEqual([...nodes].sort(), ['res-a', 'res-b']);
    await apply(ns, filler('additional-pod'));
    const message = await unschedulable(ns, 'additional-pod');
    const n = JSON.parse(await cluster.kubectl(['get', 'nodes', '-o', 'json'])).items.length as number;
    const others = n - 2;
    assert.equal(
      message,
      others === 0
        ? '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.'
        : `0/${n} nodes are available: 2 Insufficient cpu, ${others} node(s) didn't match Pod's node affinity/selector. preemption: 0/${n} nodes are available: 2 No preemption victims found for incoming pod, ${others} Preemption is not helpful for scheduling.`,
    );
    const got = await cluster.kubectl(['get', 'pod', 'additional-pod', '-n', ns]);
    assert.match(got, /additional-pod\s+0\/1\s+Pending/);
    // a deleted pod frees room: the waiting pod is retried and placed
    await cluster.kubectl(['delete', 'pod', 'filler-1', '-n', ns, '--grace-period=0', '--force']);
    await scheduledNode(ns, 'additional-pod');
    await deleteNodes('res-a', 'res-b');
  });

  test('taints and tolerations: kubectl taint keeps pods away unless they tolerate it', async () => {
    const ns = await namespace();
    await createNode('node1', { labels: { pool: 'taint' } });
    await cluster.kubectl(['taint', 'nodes', 'node1', 'app=blue:NoSchedule']);
    await apply(ns, pod('plain', { nodeSelector: { pool: 'taint' } }));
    const message = await unschedulable(ns, 'plain');
    assert.match(message, /1 node\(s\) had untolerated taint \{app: blue\}/);
    await apply(ns, pod('web-pod', { nodeSelector: { pool: 'taint' }, tolerations: [{ key: 'app', operator: 'Equal', value: 'blue', effect: 'NoSchedule' }] }));
    assert.equal(await scheduledNode(ns, 'web-pod'), 'node1');
    // removing the taint lets the other one go too
    await cluster.kubectl(['taint', 'nodes', 'node1', 'app=blue:NoSchedule-']);
    assert.equal(await scheduledNode(ns, 'plain'), 'node1');
    await deleteNodes('node1');
  });

  test('the control-plane taint, affinity and resources aggregate into one upstream message', async () => {
    const ns = await namespace();
    await createNode('agg-cp', { labels: { pool: 'agg' }, taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] });
    await createNode('agg-small', { cpu: '1', labels: { pool: 'agg' } });
    await createNode('agg-other', { labels: { pool: 'agg', disk: 'hdd' } });
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['agg'] }, { key: 'disk', operator: 'DoesNotExist' }] }] } } };
    await apply(ns, pod('big', { affinity, containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '2' } } }] }));
    const message = await unschedulable(ns, 'big');
    const n = JSON.parse(await cluster.kubectl(['get', 'nodes', '-o', 'json'])).items.length as number;
    // reasons are sorted as strings, counts included
    const reasons = ['1 Insufficient cpu', `${n - 2} node(s) didn't match Pod's node affinity/selector`, '1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }'].sort();
    assert.equal(message, `0/${n} nodes are available: ${reasons.join(', ')}. preemption: 0/${n} nodes are available: 1 No preemption victims found for incoming pod, ${n - 1} Preemption is not helpful for scheduling.`);
    await deleteNodes('agg-cp', 'agg-small', 'agg-other');
  });

  test('kubectl cordon and uncordon steer scheduling', async () => {
    const ns = await namespace();
    await createNode('cordon-a', { labels: { pool: 'cordon' } });
    await cluster.kubectl(['cordon', 'cordon-a']);
    await apply(ns, pod('waits', { nodeSelector: { pool: 'cordon' } }));
    assert.match(await unschedulable(ns, 'waits'), /1 node\(s\) were unschedulable/);
    await cluster.kubectl(['uncordon', 'cordon-a']);
    assert.equal(await scheduledNode(ns, 'waits'), 'cordon-a');
    await deleteNodes('cordon-a');
  });

  test('node affinity: required In and preferred terms', async () => {
    const ns = await namespace();
    await createNode('aff-ssd', { labels: { pool: 'aff', disk: 'ssd' } });
    await createNode('aff-hdd', { labels: { pool: 'aff', disk: 'hdd' } });
    const required = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['hdd'] }] }] } } };
    await apply(ns, pod('required', { affinity: required }));
    assert.equal(await scheduledNode(ns, 'required'), 'aff-hdd');
    const preferred = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'pool', operator: 'In', values: ['aff'] }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } }],
      },
    };
    for (let i = 0; i < 3; i++) await apply(ns, pod(`preferred-${i}`, { affinity: preferred }));
    for (let i = 0; i < 3; i++) assert.equal(await scheduledNode(ns, `preferred-${i}`), 'aff-ssd');
    await deleteNodes('aff-ssd', 'aff-hdd');
  });

  test('pod anti-affinity spreads replicas one per node', async () => {
    const ns = await namespace();
    await createNode('anti-a', { labels: { pool: 'anti' } });
    await createNode('anti-b', { labels: { pool: 'anti' } });
    const spec = {
      nodeSelector: { pool: 'anti' },
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' }] } },
    };
    await apply(ns, pod('web-1', spec, { app: 'web' }));
    await apply(ns, pod('web-2', spec, { app: 'web' }));
    const placed = new Set([await scheduledNode(ns, 'web-1'), await scheduledNode(ns, 'web-2')]);
    assert.equal(placed.size, 2);
    await apply(ns, pod('web-3', spec, { app: 'web' }));
    assert.match(await unschedulable(ns, 'web-3'), /2 node\(s\) didn't match pod anti-affinity rules/);
    await deleteNodes('anti-a', 'anti-b');
  });

  test('Scheduling, HostPort matching and HostIP and Protocol not-matching', async () => {
    const ns = await namespace();
    await createNode('hp-a', { labels: { pool: 'hostport' } });
    const withPort = (name: string, hostIP: string, protocol: string) =>
      pod(name, { nodeSelector: { pool: 'hostport' }, containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 8080, hostPort: 54321, hostIP, protocol }] }] });
    await apply(ns, withPort('pod1', '127.0.0.1', 'TCP'));
    await apply(ns, withPort('pod2', '127.0.0.2', 'TCP'));
    await apply(ns, withPort('pod3', '127.0.0.2', 'UDP'));
    for (const p of ['pod1', 'pod2', 'pod3']) assert.equal(await scheduledNode(ns, p), 'hp-a');
    await deleteNodes('hp-a');
  });

  test('Scheduling, HostPort and Protocol match, HostIPs different but one is default HostIP (0.0.0.0)', async () => {
    const ns = await namespace();
    await createNode('hp0-a', { labels: { pool: 'hostport0' } });
    const withPort = (name: string, hostIP: string) =>
      pod(name, { nodeSelector: { pool: 'hostport0' }, containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 8080, hostPort: 54322, hostIP, protocol: 'TCP' }] }] });
    await apply(ns, withPort('pod4', '0.0.0.0'));
    assert.equal(await scheduledNode(ns, 'pod4'), 'hp0-a');
    await apply(ns, withPort('pod5', '127.0.0.1'));
    assert.match(await unschedulable(ns, 'pod5'), /1 node\(s\) didn't have free ports for the requested pod ports/);
    await deleteNodes('hp0-a');
  });

  test('pods for another scheduler are left alone', async () => {
    const ns = await namespace();
    await createNode('other-a');
    await apply(ns, pod('mine', { schedulerName: 'my-scheduler' }));
    await apply(ns, pod('theirs', { nodeSelector: { 'kubernetes.io/hostname': 'other-a' } }));
    await scheduledNode(ns, 'theirs');
    const mine = await getPod(ns, 'mine');
    assert.equal(mine?.spec.nodeName, undefined);
    assert.equal(mine?.status?.conditions?.find((c) => c.type === 'PodScheduled'), undefined);
    await deleteNodes('other-a');
  });

  test('Scheduler, Basic Preemption', async () => {
    const ns = await namespace();
    await cluster.kubectl(['create', 'priorityclass', `${ns}-low`, '--value=1']);
    await cluster.kubectl(['create', 'priorityclass', `${ns}-high`, '--value=1000']);
    await createNode('pre-a', { cpu: '1', labels: { pool: 'pre' } });
    const consume = (name: string, cls: string) =>
      pod(name, { priorityClassName: cls, nodeSelector: { pool: 'pre' }, containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '800m' } } }] });
    await apply(ns, consume('low', `${ns}-low`));
    assert.equal(await scheduledNode(ns, 'low'), 'pre-a');
    const lowUid = (await getPod(ns, 'low'))?.metadata.uid;
    await apply(ns, consume('high', `${ns}-high`));
    const nominated = await waitFor('nominatedNodeName', async () => (await getPod(ns, 'high'))?.status?.nominatedNodeName);
    assert.equal(nominated, 'pre-a');
    const victim = await waitFor('the victim to be marked', async () => {
      const p = await getPod(ns, 'low');
      return p?.status?.conditions?.find((c) => c.type === 'DisruptionTarget') ?? (!p && { type: 'DisruptionTarget', status: 'True', reason: 'PreemptionByScheduler', message: 'gone' });
    });
    assert.equal(victim.reason, 'PreemptionByScheduler');
    await completeDeletion(ns, 'low');
    assert.equal(await scheduledNode(ns, 'high'), 'pre-a');
    const preempted = await waitFor('the Preempted event', async () => (await events(ns, 'Preempted')).length > 0 && events(ns, 'Preempted'));
    assert.match(preempted[0], new RegExp(`^Preempted by pod [0-9a-f-]+ on node pre-a$`));
    assert.ok(lowUid);
    await deleteNodes('pre-a');
  });

  test('Scheduler, Preemption for critical pod', async () => {
    const ns = await namespace();
    await createNode('crit-a', { cpu: '1', labels: { pool: 'crit' } });
    const consume = (name: string, cls?: string) =>
      pod(name, { ...(cls ? { priorityClassName: cls } : {}), nodeSelector: { pool: 'crit' }, containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '800m' } } }] });
    await apply(ns, consume('ordinary'));
    await scheduledNode(ns, 'ordinary');
    await cluster.kubectl(['create', '-n', 'kube-system', '-f', '-'], { stdin: JSON.stringify({ ...consume(`${ns}-critical`, 'system-cluster-critical'), metadata: { name: `${ns}-critical` } }) });
    await completeDeletion(ns, 'ordinary');
    assert.equal(await scheduledNode('kube-system', `${ns}-critical`), 'crit-a');
    await cluster.kubectl(['delete', 'pod', `${ns}-critical`, '-n', 'kube-system', '--grace-period=0', '--force']);
    await deleteNodes('crit-a');
  });

  test('preemptionPolicy Never waits instead of preempting', async () => {
    const ns = await namespace();
    await cluster.kubectl(['create', 'priorityclass', `${ns}-never`, '--value=1000', '--preemption-policy=Never']);
    await createNode('never-a', { cpu: '1', labels: { pool: 'never' } });
    const consume = (name: string, cls?: string) =>
      pod(name, { ...(cls ? { priorityClassName: cls } : {}), nodeSelector: { pool: 'never' }, containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '800m' } } }] });
    await apply(ns, consume('low'));
    await scheduledNode(ns, 'low');
    await apply(ns, consume('polite', `${ns}-never`));
    assert.match(await unschedulable(ns, 'polite'), /preemption: not eligible due to preemptionPolicy=Never\.$/);
    assert.equal((await getPod(ns, 'low'))?.metadata.deletionTimestamp, undefined);
    await deleteNodes('never-a');
  });

  test('one active scheduler: the kube-scheduler Lease is held and a second instance waits', async () => {
    const lease = await waitFor('the kube-scheduler lease', async () => {
      const res = await api.request('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler');
      return res.status === 200 && (res.body as { spec: { holderIdentity?: string } }).spec.holderIdentity;
    });
    assert.ok(lease);
    const client = await Client.fromKubeconfig(cluster.kubeconfig);
    const second = startScheduler({ client, log: createLogger(0, () => undefined), identity: 'second-scheduler' });
    try {
      await new Promise((r) => setTimeout(r, 3000));
      assert.equal(second.current(), undefined);
      assert.ok(await cluster.server.controlPlane.schedulerStatus(), 'the first scheduler still leads');
    } finally {
      await second.stop();
      client.close();
    }
  });

  test('kubectl drain evicts the pods of a node and keeps new ones away', async () => {
    const ns = await namespace();
    await createNode('drain-a', { labels: { pool: 'drain' } });
    await apply(ns, pod('resident', { nodeSelector: { pool: 'drain' } }));
    assert.equal(await scheduledNode(ns, 'resident'), 'drain-a');
    // No kubelet runs on this node: finish graceful deletions as it would.
    let draining = true;
    const kubelet = (async () => {
      while (draining) {
        const p = await getPod(ns, 'resident');
        if (p?.metadata.deletionTimestamp) await cluster.kubectlResult(['delete', 'pod', 'resident', '-n', ns, '--grace-period=0', '--force']);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    try {
      const out = await cluster.kubectl(['drain', 'drain-a', '--force', '--timeout=30s']);
      assert.match(out, /node\/drain-a (cordoned|drained)/);
    } finally {
      draining = false;
      await kubelet;
    }
    assert.equal(await getPod(ns, 'resident'), undefined);
    await apply(ns, pod('newcomer', { nodeSelector: { pool: 'drain' } }));
    assert.match(await unschedulable(ns, 'newcomer'), /1 node\(s\) were unschedulable/);
    await deleteNodes('drain-a');
  });

  test('Verify the DisruptionTarget condition is added to the preempted pod', async () => {
    const ns = await namespace();
    await cluster.kubectl(['create', 'priorityclass', `${ns}-low`, '--value=1']);
    await cluster.kubectl(['create', 'priorityclass', `${ns}-high`, '--value=1000']);
    await createNode('dt-a', { cpu: '1', labels: { pool: 'dt' } });
    const consume = (name: string, cls: string, extra: object = {}) => ({
      ...pod(name, { priorityClassName: cls, nodeSelector: { pool: 'dt' }, containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '1' } } }] }),
      ...extra,
    });
    await apply(ns, consume('victim', `${ns}-low`, { metadata: { name: 'victim', finalizers: ['example.com/test-finalizer'] } }));
    await scheduledNode(ns, 'victim');
    await apply(ns, consume('preemptor', `${ns}-high`));
    const condition = await waitFor('DisruptionTarget on the victim', async () => (await getPod(ns, 'victim'))?.status?.conditions?.find((c) => c.type === 'DisruptionTarget'));
    assert.equal(condition.status, 'True');
    assert.equal(condition.reason, 'PreemptionByScheduler');
    assert.equal(condition.message, 'default-scheduler: preempting to accommodate a higher priority pod');
    // The scheduler marks the victim, then deletes it: the deletion follows the condition.
    await waitFor('the victim terminating', async () => (await getPod(ns, 'victim'))?.metadata.deletionTimestamp);
    await cluster.kubectl(['patch', 'pod', 'victim', '-n', ns, '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    await completeDeletion(ns, 'victim');
    assert.equal(await scheduledNode(ns, 'preemptor'), 'dt-a');
    await deleteNodes('dt-a');
  });

  test('Pod preemption verification', async () => {
    const ns = await namespace();
    const fake = 'example.com/fakecpu';
    await createNode('rs-a', { labels: { pool: 'rs' }, extra: { [fake]: '1000' } });
    for (let i = 1; i <= 4; i++) await cluster.kubectl(['create', 'priorityclass', `${ns}-p${i}`, `--value=${i}`]);
    const rs = (name: string, priority: number, amount: number) => ({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name },
      spec: {
        replicas: 1,
        selector: { matchLabels: { name } },
        template: {
          metadata: { labels: { name } },
          spec: {
            priorityClassName: `${ns}-p${priority}`,
            nodeSelector: { pool: 'rs' },
            containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { requests: { [fake]: String(amount) }, limits: { [fake]: String(amount) } } }],
          },
        },
      },
    });
    const podsOf = async (name: string): Promise<PodJson[]> => {
      const res = await api.request('GET', `/api/v1/namespaces/${ns}/pods?labelSelector=name%3D${name}`);
      return (res.body as { items: PodJson[] }).items;
    };
    const boundPod = (name: string) => waitFor(`a bound pod of ${name}`, async () => (await podsOf(name)).find((p) => p.spec.nodeName && !p.metadata.deletionTimestamp));
    // Priority 1-3 fill 950 of the node's 1000.
    await apply(ns, rs('rs-1', 1, 200));
    await apply(ns, rs('rs-2', 2, 300));
    await apply(ns, rs('rs-3', 3, 450));
    const first = await Promise.all(['rs-1', 'rs-2', 'rs-3'].map(boundPod));
    // No kubelet runs here: finish the victims' graceful deletion as it would.
    let running = true;
    const kubelet = (async () => {
      while (running) {
        for (const p of [...(await podsOf('rs-1')), ...(await podsOf('rs-2'))]) {
          if (p.metadata.deletionTimestamp) await cluster.kubectlResult(['delete', 'pod', p.metadata.name, '-n', ns, '--grace-period=0', '--force']);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    try {
      // Priority 4 needs 500: the cheapest room is the priority 1 and 2 pods.
      await apply(ns, rs('rs-4', 4, 500));
      const high = await boundPod('rs-4');
      assert.equal(high.spec.nodeName, 'rs-a');
      const rs3 = await podsOf('rs-3');
      assert.equal(rs3.length, 1);
      assert.equal(rs3[0].metadata.uid, first[2].metadata.uid, 'the priority 3 pod was not preempted');
      // Every ReplicaSet still has its replica; the replaced low-priority pods wait.
      for (const name of ['rs-1', 'rs-2']) {
        const pods = await waitFor(`${name} to be replaced`, async () => {
          const list = (await podsOf(name)).filter((p) => !p.metadata.deletionTimestamp);
          return list.length === 1 && list[0].metadata.uid !== first[name === 'rs-1' ? 0 : 1].metadata.uid && list;
        });
        assert.equal(pods[0].spec.nodeName, undefined);
      }
    } finally {
      running = false;
      await kubelet;
    }
    await cluster.kubectl(['delete', 'rs', '--all', '-n', ns]);
    await deleteNodes('rs-a');
  });
});
