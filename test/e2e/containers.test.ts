// Real containers end to end: `k8ts server` with this machine as a node over
// its own containerd, images served by a local docker-registry that the node's
// registries.yaml mirrors docker.io to, driven by the real kubectl. Needs root,
// containerd, runc, the CNI plugins, busybox-static and docker-registry (npm
// test's setup installs them); a missing one fails the test.
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { kubectlPath } from '../helpers/kubectl.js';
import { pushSeedImages, startRegistry, type TestRegistry } from '../helpers/registry.js';
import type { CriRuntime } from '../../src/kubelet/runtime/cri/runtime.js';
import { createLogger } from '../../src/cli/log.js';
import { startContainerdAgent } from '../../src/kubelet/start.js';
import { eventually as poll } from '../helpers/eventually.js';

const eventually = <T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60000) => poll(what, check, timeoutMs);

interface ContainerStatusJson {
  name: string;
  ready: boolean;
  restartCount: number;
  containerID?: string;
  state: { running?: object; waiting?: { reason: string; message?: string }; terminated?: { exitCode: number; reason: string; message?: string } };
  lastState?: { terminated?: { exitCode: number; reason: string } };
}
interface PodJson {
  metadata: { name: string; uid: string };
  status: { phase: string; podIP?: string; containerStatuses?: ContainerStatusJson[]; initContainerStatuses?: ContainerStatusJson[] };
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

describe('real containers through containerd', () => {
  let registry: TestRegistry;
  let cluster: TestCluster;
  let runtime: CriRuntime;

  const getPod = async (name: string) => JSON.parse(await cluster.kubectl(['get', 'pod', name, '-o', 'json'])) as PodJson;
  const apply = (manifest: object) => cluster.kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(manifest) });
  const pod = (name: string, spec: object) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { terminationGracePeriodSeconds: 2, ...spec } });
  /** The log of a pod's container, read through the runtime (its latest attempt). */
  const logsOf = async (podName: string, container: string) => {
    const list = await runtime.listContainers({ labelSelector: { 'io.kubernetes.pod.name': podName, 'io.kubernetes.container.name': container } });
    const latest = list.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))[0];
    return latest ? runtime.readLogs(latest.id) : '';
  };
  const webPods = async () => (JSON.parse(await cluster.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'json'])) as { items: PodJson[] }).items;
  const containerIDs = (pods: PodJson[]) => pods.map((p) => p.status.containerStatuses?.[0]?.containerID ?? '').sort();

  before(async () => {
    registry = await startRegistry();
    await pushSeedImages(registry);
    cluster = await startTestCluster({ runtime: 'containerd', registriesYaml: registry.registriesYaml(), kubeletBackoffBaseMs: 1000, nodeName: 'k8ts-node' });
    runtime = cluster.server.agent!.node.runtime;
  });
  after(async () => {
    await cluster?.stop();
    await registry?.stop();
  });

  test('the node registers Ready with containerd as its runtime', async () => {
    await eventually('node Ready', async () => (await cluster.kubectl(['get', 'node', 'k8ts-node', '--no-headers'])).split(/\s+/)[1] === 'Ready');
    const node = JSON.parse(await cluster.kubectl(['get', 'node', 'k8ts-node', '-o', 'json']));
    assert.match(node.status.nodeInfo.containerRuntimeVersion, /^containerd:\/\/\d+\.\d+/);
    assert.ok(node.status.images.some((i: { names: string[] }) => i.names.includes('docker.io/k8ts/pause:3.10')));
  });

  test('kubectl create deployment web --image=nginx --replicas=3 runs three real containers serving HTTP', async () => {
    await cluster.kubectl(['create', 'deployment', 'web', '--image=nginx', '--replicas=3']);
    const pods = await eventually(
      '3 running web pods',
      async () => {
        const list = JSON.parse(await cluster.kubectl(['get', 'pods', '-l', 'app=web', '-o', 'json'])) as { items: PodJson[] };
        return list.items.length === 3 && list.items.every((p) => p.status.phase === 'Running' && p.status.containerStatuses?.[0]?.ready) ? list.items : undefined;
      },
      120_000,
    );
    const running = await runtime.listContainers({ state: 'CONTAINER_RUNNING', labelSelector: { 'io.kubernetes.container.name': 'nginx' } });
    assert.equal(running.length, 3);
    for (const p of pods) {
      assert.match(p.status.containerStatuses![0].containerID!, /^containerd:\/\/[0-9a-f]{64}$/);
      const r = await httpGet(`http://${p.status.podIP}/`);
      assert.equal(r.status, 200);
      assert.match(r.body, /busybox httpd/);
    }
  });

  test('a pod running expr 3 + 2 succeeds and its log prints 5', async () => {
    await apply(pod('calc', { restartPolicy: 'Never', containers: [{ name: 'calc', image: 'busybox', command: ['expr', '3', '+', '2'] }] }));
    await eventually('calc Succeeded', async () => (await getPod('calc')).status.phase === 'Succeeded', 90_000);
    assert.equal(await logsOf('calc', 'calc'), '5\n');
    const [status] = (await getPod('calc')).status.containerStatuses!;
    assert.equal(status.state.terminated?.exitCode, 0);
    assert.equal(status.state.terminated?.reason, 'Completed');
  });

  test('a Job running expr 3 + 2 completes and its log prints 5', async () => {
    await cluster.kubectl(['create', 'job', 'calc-job', '--image=busybox', '--', 'expr', '3', '+', '2']);
    await eventually('job complete', async () => (await cluster.kubectl(['get', 'job', 'calc-job', '-o', 'jsonpath={.status.succeeded}'])) === '1', 90_000);
    const [c] = await runtime.listContainers({ labelSelector: { 'io.kubernetes.container.name': 'calc-job' } });
    assert.equal(await runtime.readLogs(c.id), '5\n');
  });

  test('command and args override the image ENTRYPOINT and CMD; env, workingDir and init containers', async () => {
    await apply(
      pod('cmd', {
        restartPolicy: 'Never',
        initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'echo init done'] }],
        containers: [
          {
            name: 'main',
            image: 'busybox',
            command: ['sh', '-c'],
            args: ['echo "$GREETING from $(pwd) as $(id -u):$(id -g) host $(hostname)"'],
            env: [{ name: 'GREETING', value: 'hello' }],
            workingDir: '/tmp',
            securityContext: { runAsUser: 1000, runAsGroup: 3000 },
          },
        ],
      }),
    );
    await eventually('cmd Succeeded', async () => (await getPod('cmd')).status.phase === 'Succeeded', 90_000);
    assert.equal(await logsOf('cmd', 'init'), 'init done\n');
    assert.equal(await logsOf('cmd', 'main'), 'hello from /tmp as 1000:3000 host cmd\n');
  });

  /** Runs a one-container pod to completion; its phase and log. */
  const runPod = async (name: string, container: object, podSpec: object = {}) => {
    await apply(pod(name, { restartPolicy: 'Never', ...podSpec, containers: [{ name: 'c', image: 'busybox', ...container }] }));
    const phase = await eventually(`${name} done`, async () => {
      const p = (await getPod(name)).status.phase;
      return p === 'Succeeded' || p === 'Failed' ? p : undefined;
    }, 90_000);
    return { phase, log: await logsOf(name, 'c') };
  };

  test('Kubelet, log output, default', async () => {
    const r = await runPod('logs-default', { command: ['sh', '-c', 'echo Hello World; echo to stderr >&2'] });
    assert.equal(r.phase, 'Succeeded');
    // stdout and stderr are separate pipes: their relative order is not fixed.
    assert.deepEqual(r.log.split('\n').sort(), ['', 'Hello World', 'to stderr']);
  });

  test('Kubelet, pod with read only root file system', async () => {
    const r = await runPod('ro-root', { command: ['sh', '-c', 'echo test > /file'], securityContext: { readOnlyRootFilesystem: true } });
    assert.equal(r.phase, 'Failed');
    assert.match(r.log, /Read-only file system/);
  });

  test('Security Context, readOnlyRootFilesystem=false.', async () => {
    const r = await runPod('rw-root', { command: ['sh', '-c', 'echo test > /file && cat /file'], securityContext: { readOnlyRootFilesystem: false } });
    assert.equal(r.phase, 'Succeeded');
    assert.equal(r.log, 'test\n');
  });

  test('Security Context, runAsUser=65534', async () => {
    const r = await runPod('uid-65534', { command: ['id', '-u'], securityContext: { runAsUser: 65534 } });
    assert.equal(r.phase, 'Succeeded');
    assert.equal(r.log, '65534\n');
  });

  test('Security Context, test RunAsGroup at container level', async () => {
    const r = await runPod('group-container', { command: ['sh', '-c', 'id -u; id -g'], securityContext: { runAsUser: 1001, runAsGroup: 2002 } });
    assert.equal(r.phase, 'Succeeded');
    assert.equal(r.log, '1001\n2002\n');
  });

  test('Security Context, test RunAsGroup at pod level', async () => {
    const r = await runPod('group-pod', { command: ['sh', '-c', 'id -u; id -g; id -G'] }, { securityContext: { runAsUser: 1001, runAsGroup: 2002, supplementalGroups: [3003], fsGroup: 4004 } });
    assert.equal(r.phase, 'Succeeded');
    const [uid, gid, groups] = r.log.trim().split('\n');
    assert.equal(uid, '1001');
    assert.equal(gid, '2002');
    assert.deepEqual(groups.split(' ').sort(), ['2002', '3003', '4004']);
  });

  test('Security Context, privileged=false.', async () => {
    const r = await runPod('unprivileged', { command: ['sh', '-c', 'ip link add dummy0 type dummy || true'], securityContext: { privileged: false } });
    assert.equal(r.phase, 'Succeeded');
    assert.match(r.log, /Operation not permitted/);
  });

  test('Security Context, allowPrivilegeEscalation=false.', async () => {
    const r = await runPod('no-new-privs', { command: ['sh', '-c', 'id -u; grep NoNewPrivs /proc/self/status'], securityContext: { runAsUser: 1000, allowPrivilegeEscalation: false } });
    assert.equal(r.phase, 'Succeeded');
    assert.match(r.log, /^1000\nNoNewPrivs:\s+1\n$/);
  });

  test('runAsNonRoot with an image running as root is refused with CreateContainerConfigError', async () => {
    await apply(pod('nonroot', { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '60'], securityContext: { runAsNonRoot: true } }] }));
    const w = await eventually('CreateContainerConfigError', async () => (await getPod('nonroot')).status.containerStatuses?.[0]?.state.waiting);
    assert.equal(w.reason, 'CreateContainerConfigError');
    assert.match(w.message ?? '', /^container has runAsNonRoot and image will run as root \(pod: "nonroot_default\(/);
    await cluster.kubectl(['delete', 'pod', 'nonroot', '--wait=false']);
  });

  test('exec runs a command in a running container through the runtime\'s streaming server', async () => {
    const [web] = await webPods();
    const [c] = await runtime.listContainers({ state: 'CONTAINER_RUNNING', labelSelector: { 'io.kubernetes.pod.name': web.metadata.name } });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    stderr.on('data', (d: Buffer) => (err += d.toString()));
    const { exitCode } = await runtime.exec(c.id, ['sh', '-c', 'cat /var/www/index.html | head -c 15; echo oops >&2; exit 3'], { stdout, stderr, tty: false, signal: new AbortController().signal });
    assert.equal(exitCode, 3);
    assert.equal(out, '<!DOCTYPE html>');
    assert.equal(err, 'oops\n');
  });

  test('exec with a tty and port forwarding through the runtime\'s streaming server', async () => {
    const [web] = await webPods();
    const [c] = await runtime.listContainers({ state: 'CONTAINER_RUNNING', labelSelector: { 'io.kubernetes.pod.name': web.metadata.name } });
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (d: Buffer) => (out += d.toString()));
    const session = runtime.exec(c.id, ['sh'], { stdin, stdout, tty: true, signal: new AbortController().signal });
    stdin.write('echo tty-$((40+2))\nexit 4\n');
    assert.equal((await session).exitCode, 4);
    assert.match(out, /tty-42\r\n/);
    const [sandbox] = await runtime.listPodSandbox({ id: c.podSandboxId });
    const abort = new AbortController();
    const stream = await runtime.portForward(sandbox.id, 80, abort.signal);
    let body = '';
    stream.on('data', (d: Buffer) => (body += d.toString()));
    stream.write('GET / HTTP/1.0\r\n\r\n');
    await eventually('forwarded response', async () => body.includes('busybox httpd'));
    assert.match(body, /^HTTP\/1\.[01] 200 OK\r\n/);
    abort.abort();
  });

  test('kubectl logs, exec and port-forward reach real containers through the kubelet API', async () => {
    assert.equal(await cluster.kubectl(['logs', 'calc']), '5\n');
    const [web] = await webPods();
    assert.equal(await cluster.kubectl(['exec', web.metadata.name, '--', 'sh', '-c', 'head -c 15 /var/www/index.html']), '<!DOCTYPE html>');
    const failed = await cluster.kubectlResult(['exec', web.metadata.name, '--', 'sh', '-c', 'exit 3']);
    assert.equal(failed.code, 3);
    assert.match(failed.stderr, /command terminated with exit code 3/);
    const forward = spawn(kubectlPath(), ['--kubeconfig', cluster.kubeconfig, 'port-forward', `pod/${web.metadata.name}`, ':80'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let printed = '';
      forward.stdout.on('data', (d: Buffer) => (printed += d.toString()));
      const port = await eventually('port-forward listening', async () => /Forwarding from 127\.0\.0\.1:(\d+) -> 80/.exec(printed)?.[1]);
      const r = await httpGet(`http://127.0.0.1:${port}/`);
      assert.equal(r.status, 200);
      assert.match(r.body, /busybox httpd/);
    } finally {
      forward.kill();
    }
  });

  test('probes: httpGet readiness on a named port gates Ready; a failing exec liveness probe restarts the container', async () => {
    await apply(
      pod('probed', {
        containers: [
          {
            name: 'web',
            image: 'nginx',
            ports: [{ name: 'http', containerPort: 80 }],
            readinessProbe: { httpGet: { path: '/index.html', port: 'http' }, periodSeconds: 1 },
            livenessProbe: { exec: { command: ['sh', '-c', 'test ! -e /tmp/unhealthy'] }, periodSeconds: 1, failureThreshold: 1 },
          },
        ],
      }),
    );
    await eventually('probed Ready', async () => (await getPod('probed')).status.containerStatuses?.[0]?.ready === true, 90_000);
    const [c] = await runtime.listContainers({ state: 'CONTAINER_RUNNING', labelSelector: { 'io.kubernetes.pod.name': 'probed' } });
    await runtime.execSync(c.id, ['touch', '/tmp/unhealthy'], 5);
    await eventually('probed restarted', async () => ((await getPod('probed')).status.containerStatuses?.[0]?.restartCount ?? 0) >= 1, 90_000);
    const events = await cluster.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=probed', '-o', 'custom-columns=REASON:.reason,MESSAGE:.message', '--no-headers']);
    assert.match(events, /Killing\s+Container web failed liveness probe, will be restarted/);
    await cluster.kubectl(['delete', 'pod', 'probed', '--wait=false']);
  });

  test('deletion stops a container that ignores SIGTERM with SIGKILL after the grace period', async () => {
    await apply(pod('stubborn', { terminationGracePeriodSeconds: 2, containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'trap "" TERM; while true; do sleep 1; done'] }] }));
    await eventually('stubborn Running', async () => (await getPod('stubborn')).status.phase === 'Running', 90_000);
    const [c] = await runtime.listContainers({ labelSelector: { 'io.kubernetes.pod.name': 'stubborn' } });
    const t0 = Date.now();
    await cluster.kubectl(['delete', 'pod', 'stubborn', '--wait=true', '--timeout=60s']);
    const took = Date.now() - t0;
    assert.ok(took >= 1500, `deleted after ${took} ms, before the grace period`);
    // The container goes with its sandbox once the pod object is gone.
    await eventually('container removed', async () => (await runtime.listContainers({ id: c.id })).length === 0);
  });

  test('EmptyDir, Shared volumes between containers', async () => {
    await apply(
      pod('shared', {
        volumes: [{ name: 'shared-data', emptyDir: {} }],
        containers: [
          { name: 'writer', image: 'busybox', command: ['sh', '-c', 'echo Hello from the writer > /usr/share/volumeshare/shareddata.txt; sleep 3600'], volumeMounts: [{ name: 'shared-data', mountPath: '/usr/share/volumeshare' }] },
          { name: 'reader', image: 'busybox', command: ['sleep', '3600'], volumeMounts: [{ name: 'shared-data', mountPath: '/usr/share/volumeshare' }] },
        ],
      }),
    );
    await eventually('shared Running', async () => (await getPod('shared')).status.containerStatuses?.every((c) => c.ready) === true, 90_000);
    const [reader] = await runtime.listContainers({ state: 'CONTAINER_RUNNING', labelSelector: { 'io.kubernetes.pod.name': 'shared', 'io.kubernetes.container.name': 'reader' } });
    const r = await eventually('file shared', async () => {
      const out = await runtime.execSync(reader.id, ['cat', '/usr/share/volumeshare/shareddata.txt'], 5);
      return out.exitCode === 0 ? out : undefined;
    });
    assert.equal(r.stdout, 'Hello from the writer\n');
    await cluster.kubectl(['delete', 'pod', 'shared', '--wait=false']);
  });

  test('a container over its memory limit is OOMKilled with exit code 137', async () => {
    await apply(
      pod('oom', {
        restartPolicy: 'Never',
        containers: [{ name: 'hog', image: 'busybox', command: ['sh', '-c', 'x=$(head -c 134217728 /dev/zero | tr "\\0" a); echo survived'], resources: { limits: { memory: '16Mi' } } }],
      }),
    );
    const status = await eventually('oom terminated', async () => (await getPod('oom')).status.containerStatuses?.[0]?.state.terminated, 90_000);
    assert.equal(status.reason, 'OOMKilled');
    assert.equal(status.exitCode, 137);
  });

  test('an image that does not exist gives ErrImagePull, then ImagePullBackOff', async () => {
    await apply(pod('nope', { containers: [{ name: 'nope', image: 'k8ts-no-such-image:v1' }] }));
    const seen = new Set<string>();
    await eventually(
      'ErrImagePull and ImagePullBackOff',
      async () => {
        const w = (await getPod('nope')).status.containerStatuses?.[0]?.state.waiting;
        if (w) seen.add(w.reason);
        if (w?.reason === 'ImagePullBackOff') assert.match(w.message ?? '', /^Back-off pulling image "k8ts-no-such-image:v1"/);
        return seen.has('ErrImagePull') && seen.has('ImagePullBackOff');
      },
      90_000,
    );
    const events = await cluster.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=nope', '-o', 'custom-columns=REASON:.reason,MESSAGE:.message', '--no-headers']);
    assert.match(events, /Failed\s+Failed to pull image "k8ts-no-such-image:v1": /);
    assert.match(events, /BackOff\s+Back-off pulling image "k8ts-no-such-image:v1"/);
    await cluster.kubectl(['delete', 'pod', 'nope', '--wait=false']);
  });

  test('containerd killed: the agent restarts it and the running pods are kept', async () => {
    const before = containerIDs(await webPods());
    const supervisor = cluster.server.agent!.node.supervisor;
    const starts = supervisor.starts;
    process.kill(supervisor.pid!, 'SIGKILL');
    await eventually('containerd restarted', async () => supervisor.starts > starts && (await runtime.version()).runtimeName === 'containerd');
    const pods = await webPods();
    assert.deepEqual(containerIDs(pods), before);
    for (const p of pods) {
      assert.equal(p.status.containerStatuses?.[0]?.restartCount, 0);
      assert.equal((await httpGet(`http://${p.status.podIP}/`)).status, 200);
    }
  });

  test('agent restarted: the running containers are re-adopted, not recreated', async () => {
    const before = containerIDs(await webPods());
    await cluster.server.agent!.stop();
    const agent = await startContainerdAgent(
      { kubeconfigPath: cluster.kubeconfig, dataDir: cluster.dataDir, nodeName: 'k8ts-node', controlPlane: true, backoffBaseMs: 1000 },
      createLogger(0, () => undefined),
    );
    cluster.server.agent = agent;
    runtime = agent.node.runtime;
    const pods = await eventually('web pods running after the restart', async () => {
      const list = await webPods();
      return list.every((p) => p.status.phase === 'Running' && p.status.containerStatuses?.[0]?.ready) ? list : undefined;
    });
    assert.deepEqual(containerIDs(pods), before);
    for (const p of pods) assert.equal((await httpGet(`http://${p.status.podIP}/`)).status, 200);
    assert.equal((await runtime.listContainers({ state: 'CONTAINER_RUNNING', labelSelector: { 'io.kubernetes.container.name': 'nginx' } })).length, 3);
  });
});
