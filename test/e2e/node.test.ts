// The node agent end to end: `k8ts server --simulated-nodes 3` and the real
// kubectl. Pods are created with spec.nodeName set (no scheduler needed).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';

interface ContainerStatusJson {
  name: string;
  ready: boolean;
  restartCount: number;
  state: { running?: object; waiting?: { reason: string; message?: string }; terminated?: { exitCode: number; reason: string } };
  lastState?: { terminated?: { exitCode: number; reason: string } };
}
interface PodJson {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  status: {
    phase: string;
    podIP?: string;
    hostIP?: string;
    qosClass?: string;
    conditions?: { type: string; status: string; reason?: string }[];
    containerStatuses?: ContainerStatusJson[];
    initContainerStatuses?: ContainerStatusJson[];
  };
}

describe('node agent with simulated nodes', () => {
  let cluster: TestCluster;
  const getPod = async (name: string) => JSON.parse(await cluster.kubectl(['get', 'pod', name, '-o', 'json'])) as PodJson;
  const statusColumn = async (name: string) => (await cluster.kubectl(['get', 'pod', name, '--no-headers'])).trim().split(/\s+/)[2];
  const apply = (manifest: object) => cluster.kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(manifest) });
  const pod = (name: string, node: string, spec: object, annotations: Record<string, string> = {}) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, annotations },
    spec: { nodeName: node, terminationGracePeriodSeconds: 2, ...spec },
  });

  before(async () => {
    cluster = await startTestCluster({ simulatedNodes: 3, kubeletBackoffBaseMs: 1000 });
  });
  after(async () => cluster.stop());

  test('nodes register Ready with a pod CIDR, a Lease, and the upstream wide columns', async () => {
    await eventually('3 Ready nodes', async () => {
      const out = await cluster.kubectl(['get', 'nodes', '--no-headers']);
      const lines = out.trim().split('\n');
      return lines.length === 3 && lines.every((l) => l.split(/\s+/)[1] === 'Ready');
    });
    const wide = await cluster.kubectl(['get', 'nodes', '-o', 'wide']);
    assert.match(wide.split('\n')[0], /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME$/);
    assert.match(wide, /k8ts-sim-0\s+Ready\s+<none>\s+\S+\s+v1\.33\.0\+k8ts\s+172\.18\.0\.2\s+<none>\s+k8ts simulated node\s+\S+\s+k8ts-simulated:\/\/0\.1\.0/);
    const node = JSON.parse(await cluster.kubectl(['get', 'node', 'k8ts-sim-1', '-o', 'json']));
    assert.match(node.spec.podCIDR, /^10\.42\.\d+\.0\/24$/);
    assert.deepEqual(node.spec.podCIDRs, [node.spec.podCIDR]);
    assert.equal(node.status.capacity.pods, '110');
    assert.equal(node.metadata.labels['kubernetes.io/hostname'], 'k8ts-sim-1');
    assert.equal(node.metadata.labels['kubernetes.io/os'], 'linux');
    assert.deepEqual(
      node.status.conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`),
      ['MemoryPressure=False', 'DiskPressure=False', 'PIDPressure=False', 'Ready=True'],
    );
    const lease = JSON.parse(await cluster.kubectl(['get', 'lease', '-n', 'kube-node-lease', 'k8ts-sim-1', '-o', 'json']));
    assert.equal(lease.spec.holderIdentity, 'k8ts-sim-1');
    assert.equal(lease.spec.leaseDurationSeconds, 40);
    assert.equal(lease.metadata.ownerReferences[0].uid, node.metadata.uid);
    const cidrs = new Set<string>();
    for (const n of JSON.parse(await cluster.kubectl(['get', 'nodes', '-o', 'json'])).items) cidrs.add(n.spec.podCIDR);
    assert.equal(cidrs.size, 3);
  });

  test('Conformance tests minimum number of nodes.', async () => {
    type NodeJson = { spec: { unschedulable?: boolean; taints?: { effect: string }[] }; status: { conditions: { type: string; status: string }[] } };
    const { items } = JSON.parse(await cluster.kubectl(['get', 'nodes', '-o', 'json'])) as { items: NodeJson[] };
    const schedulable = items.filter(
      (n) => !n.spec.unschedulable && !(n.spec.taints ?? []).some((t) => t.effect !== 'PreferNoSchedule') && n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    );
    assert.ok(schedulable.length >= 2, `${schedulable.length} untainted Ready nodes`);
  });

  test('Node, resource lifecycle', async () => {
    // A Node object with no kubelet behind it, as upstream's test makes.
    const name = 'e2e-fake-node-lifecycle';
    await cluster.kubectl(['create', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name } }) });
    assert.equal(await cluster.kubectl(['get', 'node', name, '-o', 'jsonpath={.metadata.name}']), name);
    await cluster.kubectl(['patch', 'node', name, '--type=merge', '-p', '{"metadata":{"labels":{"patched":"true"}}}']);
    assert.equal(await cluster.kubectl(['get', 'nodes', '-l', 'patched=true', '-o', 'jsonpath={.items[*].metadata.name}']), name);
    const node = JSON.parse(await cluster.kubectl(['get', 'node', name, '-o', 'json'])) as { metadata: { labels: Record<string, string> } };
    node.metadata.labels.updated = 'true';
    await cluster.kubectl(['replace', '-f', '-'], { stdin: JSON.stringify(node) });
    assert.equal(await cluster.kubectl(['get', 'node', name, '-o', 'jsonpath={.metadata.labels.updated}']), 'true');
    await cluster.kubectl(['delete', 'node', name, '--wait=true']);
    assert.match((await cluster.kubectlResult(['get', 'node', name])).stderr, /nodes "e2e-fake-node-lifecycle" not found/);
  });

  test('Pods, assigned hostip', async () => {
    await apply(pod('web', 'k8ts-sim-0', { containers: [{ name: 'nginx', image: 'nginx' }] }));
    const p = await eventually('web Running', async () => {
      const p = await getPod('web');
      return p.status.phase === 'Running' && p.status.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? p : undefined;
    });
    assert.equal(p.status.hostIP, '172.18.0.2');
    const node = JSON.parse(await cluster.kubectl(['get', 'node', 'k8ts-sim-0', '-o', 'json']));
    assert.equal(p.status.podIP?.split('.').slice(0, 3).join('.'), node.spec.podCIDR.split('.').slice(0, 3).join('.'));
    assert.equal(await statusColumn('web'), 'Running');
    const describe = await cluster.kubectl(['describe', 'pod', 'web']);
    assert.match(describe, /Conditions:\n\s+Type\s+Status\n\s+PodReadyToStartContainers\s+True\s*\n\s+Initialized\s+True\s*\n\s+Ready\s+True\s*\n\s+ContainersReady\s+True\s*\n\s+PodScheduled\s+True/);
    await eventually('events in describe', async () => {
      const d = await cluster.kubectl(['describe', 'pod', 'web']);
      return /Pulling\s+\S+\s+kubelet\s+Pulling image "nginx"/.test(d) && /Created\s+\S+\s+kubelet\s+Created container: nginx/.test(d) && /Started\s+\S+\s+kubelet\s+Started container nginx/.test(d);
    });
  });

  test('Container Runtime, Restart Policy, Pod Phases', async () => {
    const exiting = (code: number) => ({ containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', `sleep 0.3; exit ${code}`] }] });
    await apply(pod('never-ok', 'k8ts-sim-1', { restartPolicy: 'Never', ...exiting(0) }));
    await apply(pod('never-fail', 'k8ts-sim-1', { restartPolicy: 'Never', ...exiting(1) }));
    await apply(pod('onfailure-fail', 'k8ts-sim-2', { restartPolicy: 'OnFailure', ...exiting(1) }));
    await apply(pod('always-ok', 'k8ts-sim-2', { restartPolicy: 'Always', ...exiting(0) }));
    await eventually('never-ok Succeeded', async () => (await getPod('never-ok')).status.phase === 'Succeeded');
    const ok = await getPod('never-ok');
    assert.equal(ok.status.containerStatuses?.[0].state.terminated?.reason, 'Completed');
    assert.equal(ok.status.containerStatuses?.[0].restartCount, 0);
    assert.equal(await statusColumn('never-ok'), 'Completed');
    await eventually('never-fail Failed', async () => (await getPod('never-fail')).status.phase === 'Failed');
    assert.equal(await statusColumn('never-fail'), 'Error');
    assert.equal((await getPod('never-fail')).status.containerStatuses?.[0].state.terminated?.exitCode, 1);
    for (const name of ['onfailure-fail', 'always-ok']) {
      await eventually(`${name} restarted`, async () => {
        const p = await getPod(name);
        return p.status.phase === 'Running' && (p.status.containerStatuses?.[0].restartCount ?? 0) >= 2;
      });
    }
    // Neither Never pod ever restarts.
    assert.equal((await getPod('never-ok')).status.containerStatuses?.[0].restartCount, 0);
    assert.equal((await getPod('never-fail')).status.containerStatuses?.[0].restartCount, 0);
  });

  test('Kubelet, failed pod, terminated reason', async () => {
    await apply(pod('bin-false', 'k8ts-sim-0', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['/bin/false'] }] }));
    const p = await eventually('bin-false terminated', async () => {
      const p = await getPod('bin-false');
      return p.status.containerStatuses?.[0].state.terminated ? p : undefined;
    });
    assert.equal(p.status.containerStatuses?.length, 1);
    assert.equal(p.status.containerStatuses?.[0].state.terminated?.reason, 'Error');
    // Kubelet, failed pod, delete: a terminated pod can be deleted.
    await cluster.kubectl(['delete', 'pod', 'bin-false', '--wait=true', '--timeout=30s']);
  });

  test('CrashLoopBackOff: a container that keeps failing backs off and says so', async () => {
    await apply(pod('crasher', 'k8ts-sim-1', { containers: [{ name: 'c', image: 'busybox' }] }, { 'k8ts.io/simulate-exit-after': '200ms', 'k8ts.io/simulate-exit-code': '2' }));
    const p = await eventually('crasher in CrashLoopBackOff', async () => {
      const p = await getPod('crasher');
      return p.status.containerStatuses?.[0].state.waiting?.reason === 'CrashLoopBackOff' ? p : undefined;
    });
    const cs = p.status.containerStatuses![0];
    assert.match(cs.state.waiting!.message!, /^back-off \d+s restarting failed container=c pod=crasher_default\(/);
    assert.equal(cs.lastState?.terminated?.exitCode, 2);
    assert.equal(cs.lastState?.terminated?.reason, 'Error');
    assert.equal(p.status.phase, 'Running');
    await eventually('BackOff event', async () => /Warning\s+BackOff\s+.*Back-off restarting failed container c in pod crasher_default/.test(await cluster.kubectl(['describe', 'pod', 'crasher'])));
  });

  test('init-container-starts-app-restartnever-pod', async () => {
    await apply(
      pod('init-never', 'k8ts-sim-2', {
        restartPolicy: 'Never',
        initContainers: [
          { name: 'init1', image: 'busybox', command: ['sleep', '5'] },
          { name: 'init2', image: 'busybox', command: ['/bin/true'] },
        ],
        containers: [{ name: 'run1', image: 'busybox', command: ['/bin/true'] }],
      }),
    );
    await eventually('Init:0/2', async () => (await statusColumn('init-never')) === 'Init:0/2');
    const p = await eventually('init-never Succeeded', async () => {
      const p = await getPod('init-never');
      return p.status.phase === 'Succeeded' ? p : undefined;
    });
    assert.deepEqual(p.status.initContainerStatuses?.map((s) => s.state.terminated?.reason), ['Completed', 'Completed']);
    assert.equal(p.status.conditions?.find((c) => c.type === 'Initialized')?.status, 'True');
  });

  test('init-container-fails-stops-app-restartnever-pod', async () => {
    await apply(
      pod('init-fail', 'k8ts-sim-2', {
        restartPolicy: 'Never',
        initContainers: [
          { name: 'init1', image: 'busybox', command: ['/bin/false'] },
          { name: 'init2', image: 'busybox', command: ['/bin/true'] },
        ],
        containers: [{ name: 'run1', image: 'busybox', command: ['/bin/true'] }],
      }),
    );
    const p = await eventually('init-fail Failed', async () => {
      const p = await getPod('init-fail');
      return p.status.phase === 'Failed' ? p : undefined;
    });
    assert.equal(p.status.initContainerStatuses?.[0].state.terminated?.exitCode, 1);
    assert.equal(p.status.initContainerStatuses?.[1].state.waiting?.reason, 'PodInitializing');
    assert.equal(p.status.containerStatuses?.[0].state.waiting?.reason, 'PodInitializing');
    assert.equal(p.status.conditions?.find((c) => c.type === 'Initialized')?.reason, 'ContainersNotInitialized');
    assert.equal(await statusColumn('init-fail'), 'Init:Error');
  });

  test('init-container-fails-stops-app-restartalways-pod', async () => {
    await apply(
      pod('init-loop', 'k8ts-sim-0', {
        initContainers: [{ name: 'init1', image: 'busybox', command: ['/bin/false'] }],
        containers: [{ name: 'run1', image: 'nginx' }],
      }),
    );
    const p = await eventually('init-loop restarting its init container', async () => {
      const p = await getPod('init-loop');
      return (p.status.initContainerStatuses?.[0].restartCount ?? 0) >= 2 ? p : undefined;
    });
    assert.equal(p.status.phase, 'Pending');
    assert.equal(p.status.containerStatuses?.[0].state.waiting?.reason, 'PodInitializing');
    // Between back-offs the init container runs again (Init:0/1); the column shows the failure in between.
    await eventually('Init:CrashLoopBackOff or Init:Error', async () => /^Init:(CrashLoopBackOff|Error)$/.test(await statusColumn('init-loop')));
  });

  test('Pod readiness probe, failure', async () => {
    await apply(
      pod('unready', 'k8ts-sim-1', { containers: [{ name: 'c', image: 'nginx', readinessProbe: { httpGet: { port: 80, path: '/' }, periodSeconds: 1 } }] }, { 'k8ts.io/simulate-probe-fail': 'readiness' }),
    );
    await eventually('Unhealthy event', async () => /Warning\s+Unhealthy\s+.*Readiness probe failed: HTTP probe failed with statuscode: 500/.test(await cluster.kubectl(['describe', 'pod', 'unready'])));
    const p = await getPod('unready');
    assert.equal(p.status.phase, 'Running');
    assert.equal(p.status.containerStatuses?.[0].ready, false);
    assert.equal(p.status.containerStatuses?.[0].restartCount, 0);
    assert.equal(p.status.conditions?.find((c) => c.type === 'Ready')?.status, 'False');
    assert.match((await cluster.kubectl(['get', 'pod', 'unready', '--no-headers'])).trim(), /^unready\s+0\/1\s+Running\s+0/);
  });

  test('Pod liveness probe, using http endpoint, restart', async () => {
    await apply(
      pod('unlive', 'k8ts-sim-2', { containers: [{ name: 'c', image: 'nginx', livenessProbe: { httpGet: { port: 80, path: '/healthz' }, periodSeconds: 1, failureThreshold: 1 } }] }, { 'k8ts.io/simulate-probe-fail': 'liveness' }),
    );
    await eventually('a liveness restart', async () => ((await getPod('unlive')).status.containerStatuses?.[0].restartCount ?? 0) >= 1);
    await eventually('Killing event', async () => /Normal\s+Killing\s+.*Container c failed liveness probe, will be restarted/.test(await cluster.kubectl(['describe', 'pod', 'unlive'])));
  });

  test('grpc probes on hollow nodes: a serving container is Ready, a failing one reports upstream\'s NOT_SERVING', async () => {
    await apply(pod('grpc-ok', 'k8ts-sim-0', { containers: [{ name: 'c', image: 'nginx', readinessProbe: { grpc: { port: 9000 }, periodSeconds: 1 } }] }));
    await apply(pod('grpc-down', 'k8ts-sim-1', { containers: [{ name: 'c', image: 'nginx', readinessProbe: { grpc: { port: 9000, service: 'app' }, periodSeconds: 1 } }] }, { 'k8ts.io/simulate-probe-fail': 'readiness' }));
    await eventually('grpc-ok Ready', async () => (await getPod('grpc-ok')).status.containerStatuses?.[0].ready === true);
    await eventually('Unhealthy event', async () => /Warning\s+Unhealthy\s+.*Readiness probe failed: service unhealthy \(responded with "NOT_SERVING"\)/.test(await cluster.kubectl(['describe', 'pod', 'grpc-down'])));
    assert.equal((await getPod('grpc-down')).status.containerStatuses?.[0].ready, false);
  });

  test('a pod waits in CreateContainerConfigError for a missing ConfigMap key and starts when it appears', async () => {
    await apply(
      pod('needs-config', 'k8ts-sim-0', {
        containers: [{ name: 'c', image: 'nginx', env: [{ name: 'COLOR', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'color' } } }] }],
      }),
    );
    const p = await eventually('CreateContainerConfigError', async () => {
      const p = await getPod('needs-config');
      return p.status.containerStatuses?.[0].state.waiting?.reason === 'CreateContainerConfigError' ? p : undefined;
    });
    assert.equal(p.status.containerStatuses?.[0].state.waiting?.message, 'configmap "app-config" not found');
    assert.equal(await statusColumn('needs-config'), 'CreateContainerConfigError');
    await cluster.kubectl(['create', 'configmap', 'app-config', '--from-literal=color=blue']);
    await eventually('needs-config Running', async () => (await getPod('needs-config')).status.phase === 'Running', 30_000);
  });

  test('Pods, lifecycle: graceful deletion stops the containers, then the kubelet removes the pod', async () => {
    await apply(pod('doomed', 'k8ts-sim-1', { containers: [{ name: 'c', image: 'nginx', lifecycle: { preStop: { exec: { command: ['/bin/true'] } } } }] }));
    await eventually('doomed Running', async () => (await getPod('doomed')).status.phase === 'Running');
    await cluster.kubectl(['delete', 'pod', 'doomed', '--wait=true', '--timeout=30s']);
    const res = await cluster.kubectlResult(['get', 'pod', 'doomed']);
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /pods "doomed" not found/);
    const events = await cluster.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=doomed', '-o', 'json']);
    assert.ok(JSON.parse(events).items.some((e: { reason: string; message: string }) => e.reason === 'Killing' && e.message === 'Stopping container c'));
  });

  test('Pods, QOS', async () => {
    const resources = { limits: { cpu: '100m', memory: '64Mi' }, requests: { cpu: '100m', memory: '64Mi' } };
    await apply(pod('guaranteed', 'k8ts-sim-2', { containers: [{ name: 'c', image: 'nginx', resources }] }));
    await eventually('guaranteed Running', async () => (await getPod('guaranteed')).status.phase === 'Running');
    assert.equal((await getPod('guaranteed')).status.qosClass, 'Guaranteed');
    const describe = await cluster.kubectl(['describe', 'node', 'k8ts-sim-2']);
    assert.match(describe, /Non-terminated Pods:/);
    assert.match(describe, /default\s+guaranteed\s+100m \(0%\)\s+100m \(0%\)\s+64Mi \(0%\)\s+64Mi \(0%\)/);
    assert.match(describe, /Allocated resources:/);
  });

  test('Pods, ActiveDeadlineSeconds', async () => {
    await apply(pod('deadline', 'k8ts-sim-0', { activeDeadlineSeconds: 2, containers: [{ name: 'c', image: 'nginx' }] }));
    await eventually('deadline Running', async () => (await getPod('deadline')).status.phase === 'Running');
    const p = await eventually('deadline Failed', async () => {
      const p = await getPod('deadline');
      return p.status.phase === 'Failed' ? p : undefined;
    });
    assert.equal((p.status as { reason?: string }).reason, 'DeadlineExceeded');
    assert.equal((p.status as { message?: string }).message, 'Pod was active on the node longer than the specified deadline');
  });

  test('Pod readiness probe, with initial delay', async () => {
    await apply(pod('delayed', 'k8ts-sim-1', { containers: [{ name: 'c', image: 'nginx', readinessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, initialDelaySeconds: 3, periodSeconds: 1 } }] }));
    const running = await eventually('delayed Running', async () => {
      const p = await getPod('delayed');
      return p.status.phase === 'Running' ? p : undefined;
    });
    const startedAt = Date.parse((running.status.containerStatuses?.[0].state.running as { startedAt: string }).startedAt);
    assert.equal(running.status.containerStatuses?.[0].ready, false);
    await eventually('delayed Ready', async () => (await getPod('delayed')).status.containerStatuses?.[0].ready === true);
    // Ready no earlier than the initial delay after the container started (startedAt has second precision).
    assert.ok(Date.now() - startedAt >= 2000);
    assert.equal((await getPod('delayed')).status.containerStatuses?.[0].restartCount, 0);
  });

  test('a Deployment scheduled onto the hollow nodes runs its pods', async () => {
    await cluster.kubectl(['create', 'deployment', 'hello', '--image=nginx', '--replicas=3']);
    await eventually('3 available replicas', async () => {
      const d = JSON.parse(await cluster.kubectl(['get', 'deployment', 'hello', '-o', 'json']));
      return d.status?.availableReplicas === 3;
    }, 60_000);
    const pods = JSON.parse(await cluster.kubectl(['get', 'pods', '-l', 'app=hello', '-o', 'json'])).items as { spec: { nodeName: string }; status: { phase: string } }[];
    assert.equal(pods.length, 3);
    assert.ok(pods.every((p) => p.status.phase === 'Running' && p.spec.nodeName.startsWith('k8ts-sim-')));
  });
});
