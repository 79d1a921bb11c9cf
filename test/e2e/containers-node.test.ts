// The common/node conformance behaviours on real containers: each test runs a
// busybox-based pod through containerd and reads what it must show from
// `kubectl logs` or the pod's status. Images as in containers.test.ts: busybox
// is a shell (no ENTRYPOINT, CMD sh), nginx is busybox httpd (ENTRYPOINT
// httpd -f -v -p 80 -h /var/www, no CMD), etcd:k8ts is the host's etcd (a gRPC
// server with the standard health service on its client port).
import assert from 'node:assert/strict';
import { get } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { etcdImage } from '../../src/kubelet/images/host-binary.js';
import { pushSeedImages, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { eventually as poll } from '../helpers/eventually.js';

const eventually = <T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 90_000) => poll(what, check, timeoutMs);

/** How long a "no restart" test watches a pod whose probe runs every second. */
const OBSERVE_MS = 8000;

interface ContainerStatusJson {
  name: string;
  ready: boolean;
  restartCount: number;
  state: { running?: object; waiting?: { reason: string }; terminated?: { exitCode: number; reason: string } };
}
interface PodJson {
  metadata: { name: string; namespace: string; uid: string };
  status: {
    phase: string;
    reason?: string;
    message?: string;
    podIP?: string;
    hostIP?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: ContainerStatusJson[];
    initContainerStatuses?: ContainerStatusJson[];
  };
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get(url, { timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

describe('common/node conformance on real containers', () => {
  let registry: TestRegistry;
  let cluster: TestCluster;

  const getPod = async (name: string) => JSON.parse(await cluster.kubectl(['get', 'pod', name, '-o', 'json'])) as PodJson;
  const apply = (manifest: object) => cluster.kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(manifest) });
  const pod = (name: string, spec: object) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { terminationGracePeriodSeconds: 2, ...spec } });
  const deletePod = (name: string) => cluster.kubectl(['delete', 'pod', name, '--wait=false']);

  /** Runs a one-container pod (restartPolicy Never, more of the pod's spec in `podSpec`) to success; its pod and `kubectl logs`. */
  const runToSuccess = async (name: string, container: object, podSpec: object = {}) => {
    await apply(pod(name, { restartPolicy: 'Never', ...podSpec, containers: [{ name: 'c', image: 'busybox', ...container }] }));
    const p = await eventually(`${name} done`, async () => {
      const got = await getPod(name);
      return got.status.phase === 'Succeeded' || got.status.phase === 'Failed' ? got : undefined;
    });
    const log = await cluster.kubectl(['logs', name]);
    assert.equal(p.status.phase, 'Succeeded', `${name}: ${log} ${JSON.stringify(p.status)}`);
    return { pod: p, log };
  };
  /** `env` as NAME=value lines of a pod's log, as a map. */
  const envOf = (log: string) => new Map(log.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));

  const runningPod = (name: string) =>
    eventually(`${name} running`, async () => {
      const p = await getPod(name);
      return p.status.phase === 'Running' && p.status.containerStatuses?.[0]?.state.running ? p : undefined;
    });
  const restartCount = async (name: string) => (await getPod(name)).status.containerStatuses?.[0]?.restartCount ?? 0;
  /** The pod keeps running with no restart while its probe runs for OBSERVE_MS. */
  const assertNoRestart = async (name: string) => {
    await runningPod(name);
    await delay(OBSERVE_MS);
    const p = await getPod(name);
    assert.equal(p.status.phase, 'Running');
    assert.equal(p.status.containerStatuses?.[0]?.restartCount, 0);
  };

  before(async () => {
    registry = await startRegistry();
    await pushSeedImages(registry);
    await registry.push('library/etcd', 'k8ts', etcdImage());
    cluster = await startTestCluster({ runtime: 'containerd', registriesYaml: registry.registriesYaml(), kubeletBackoffBaseMs: 1000, nodeName: 'k8ts-node' });
    await eventually('node Ready', async () => (await cluster.kubectl(['get', 'node', 'k8ts-node', '--no-headers'])).split(/\s+/)[1] === 'Ready', 120_000);
  });
  after(async () => {
    await cluster?.stop();
    await registry?.stop();
  });

  test('Containers, without command and arguments', async () => {
    await apply(pod('image-defaults', { containers: [{ name: 'c', image: 'nginx' }] }));
    const p = await runningPod('image-defaults');
    // The image's ENTRYPOINT is busybox httpd on port 80.
    assert.equal(await eventually('httpd on :80', async () => httpStatus(`http://${p.status.podIP}:80/`).catch(() => undefined)), 200);
    await deletePod('image-defaults');
  });

  test('Containers, with arguments', async () => {
    await apply(pod('image-args', { containers: [{ name: 'c', image: 'nginx', args: ['-p', '8081'] }] }));
    const p = await runningPod('image-args');
    // The ENTRYPOINT (httpd) is kept and the args follow it: the later -p wins.
    assert.equal(await eventually('httpd on :8081', async () => httpStatus(`http://${p.status.podIP}:8081/`).catch(() => undefined)), 200);
    await deletePod('image-args');
  });

  test('Containers, with command', async () => {
    const { log } = await runToSuccess('image-command', { image: 'nginx', command: ['echo', 'command replaces the entrypoint'] });
    assert.equal(log, 'command replaces the entrypoint\n');
  });

  test('Containers, with command and arguments', async () => {
    const { log } = await runToSuccess('image-command-args', { image: 'nginx', command: ['echo'], args: ['command', 'and', 'arguments'] });
    assert.equal(log, 'command and arguments\n');
  });

  test('Environment variables, expansion', async () => {
    const { log } = await runToSuccess('env-expansion', {
      command: ['env'],
      env: [
        { name: 'FOO', value: 'foo-value' },
        { name: 'BAR', value: 'bar-value' },
        { name: 'FOOBAR', value: '$(FOO);;$(BAR)' },
      ],
    });
    assert.equal(envOf(log).get('FOOBAR'), 'foo-value;;bar-value');
  });

  test('Environment variables, command expansion', async () => {
    const { log } = await runToSuccess('env-command-expansion', { command: ['echo', 'test-value=$(TEST_VAR)'], env: [{ name: 'TEST_VAR', value: 'test-value' }] });
    assert.equal(log, 'test-value=test-value\n');
  });

  test('Environment variables, command argument expansion', async () => {
    const { log } = await runToSuccess('env-args-expansion', { command: ['echo'], args: ['test-value=$(TEST_VAR)'], env: [{ name: 'TEST_VAR', value: 'test-value' }] });
    assert.equal(log, 'test-value=test-value\n');
  });

  test('ConfigMap, from environment field', async () => {
    await cluster.kubectl(['create', 'configmap', 'env-field', '--from-literal=data-1=value-1']);
    const { log } = await runToSuccess('configmap-env-field', {
      command: ['env'],
      env: [{ name: 'CONFIG_DATA_1', valueFrom: { configMapKeyRef: { name: 'env-field', key: 'data-1' } } }],
    });
    assert.equal(envOf(log).get('CONFIG_DATA_1'), 'value-1');
  });

  test('ConfigMap, from environment variables', async () => {
    await cluster.kubectl(['create', 'configmap', 'env-from', '--from-literal=data_1=value-1', '--from-literal=data_2=value-2', '--from-literal=data_3=value-3']);
    const { log } = await runToSuccess('configmap-env-from', { command: ['env'], envFrom: [{ configMapRef: { name: 'env-from' } }, { prefix: 'p_', configMapRef: { name: 'env-from' } }] });
    const env = envOf(log);
    for (const i of [1, 2, 3]) {
      assert.equal(env.get(`data_${i}`), `value-${i}`);
      assert.equal(env.get(`p_data_${i}`), `value-${i}`);
    }
  });

  test('Secrets, pod environment field', async () => {
    await cluster.kubectl(['create', 'secret', 'generic', 'env-field', '--from-literal=data-1=value-1']);
    const { log } = await runToSuccess('secret-env-field', {
      command: ['env'],
      env: [{ name: 'SECRET_DATA', valueFrom: { secretKeyRef: { name: 'env-field', key: 'data-1' } } }],
    });
    assert.equal(envOf(log).get('SECRET_DATA'), 'value-1');
  });

  test('Secrets, pod environment from source', async () => {
    await cluster.kubectl(['create', 'secret', 'generic', 'env-from', '--from-literal=data_1=value-1']);
    const { log } = await runToSuccess('secret-env-from', { command: ['env'], envFrom: [{ secretRef: { name: 'env-from' } }, { prefix: 'p_', secretRef: { name: 'env-from' } }] });
    const env = envOf(log);
    assert.equal(env.get('data_1'), 'value-1');
    assert.equal(env.get('p_data_1'), 'value-1');
  });

  test('Secrets, with empty-key', async () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'empty-key' }, data: { '': Buffer.from('value-1').toString('base64') } };
    const res = await cluster.kubectlResult(['create', '-f', '-'], { stdin: JSON.stringify(secret) });
    assert.notEqual(res.code, 0);
    assert.match(res.stderr, /Secret "empty-key" is invalid: data\[\]: Invalid value: "": a valid config key must consist of alphanumeric characters/);
    const get = await cluster.kubectlResult(['get', 'secret', 'empty-key']);
    assert.match(get.stderr, /NotFound|not found/);
  });

  const fieldEnv = (name: string, fieldPath: string) => ({ name, valueFrom: { fieldRef: { fieldPath } } });

  test('DownwardAPI, environment for name, namespace and ip', async () => {
    const { pod: p, log } = await runToSuccess('downward-name', {
      command: ['env'],
      env: [fieldEnv('POD_NAME', 'metadata.name'), fieldEnv('POD_NAMESPACE', 'metadata.namespace'), fieldEnv('POD_IP', 'status.podIP')],
    });
    const env = envOf(log);
    assert.equal(env.get('POD_NAME'), 'downward-name');
    assert.equal(env.get('POD_NAMESPACE'), 'default');
    assert.match(env.get('POD_IP') ?? '', /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal(env.get('POD_IP'), p.status.podIP);
  });

  test('DownwardAPI, environment for host ip', async () => {
    const { pod: p, log } = await runToSuccess('downward-host-ip', { command: ['env'], env: [fieldEnv('HOST_IP', 'status.hostIP')] });
    assert.match(envOf(log).get('HOST_IP') ?? '', /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal(envOf(log).get('HOST_IP'), p.status.hostIP);
  });

  test('DownwardAPI, environment for Pod UID', async () => {
    const { pod: p, log } = await runToSuccess('downward-uid', { command: ['env'], env: [fieldEnv('POD_UID', 'metadata.uid')] });
    assert.match(p.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.equal(envOf(log).get('POD_UID'), p.metadata.uid);
  });

  test('init-container-starts-app-restartalways-pod', async () => {
    await apply(
      pod('init-always', {
        restartPolicy: 'Always',
        initContainers: [
          { name: 'init1', image: 'busybox', command: ['sh', '-c', 'echo init1 ran'] },
          { name: 'init2', image: 'busybox', command: ['sh', '-c', 'echo init2 ran'] },
        ],
        containers: [{ name: 'run1', image: 'busybox', command: ['sh', '-c', 'echo run1 started; exec sleep 600'] }],
      }),
    );
    const p = await runningPod('init-always');
    assert.deepEqual(p.status.initContainerStatuses?.map((s) => [s.name, s.state.terminated?.exitCode, s.state.terminated?.reason, s.ready]), [
      ['init1', 0, 'Completed', true],
      ['init2', 0, 'Completed', true],
    ]);
    assert.equal(p.status.conditions?.find((c) => c.type === 'Initialized')?.status, 'True');
    assert.equal(await cluster.kubectl(['logs', 'init-always', '-c', 'init1']), 'init1 ran\n');
    assert.equal(await cluster.kubectl(['logs', 'init-always', '-c', 'init2']), 'init2 ran\n');
    assert.equal(await eventually('run1 log', async () => (await cluster.kubectl(['logs', 'init-always', '-c', 'run1'])) || undefined), 'run1 started\n');
    await deletePod('init-always');
  });

  test('Pod liveness probe, using local file, restart', async () => {
    await apply(
      pod('liveness-file-restart', {
        containers: [
          {
            name: 'c',
            image: 'busybox',
            command: ['sh', '-c', 'echo ok > /tmp/health; sleep 3; rm -f /tmp/health; exec sleep 600'],
            livenessProbe: { exec: { command: ['cat', '/tmp/health'] }, initialDelaySeconds: 1, periodSeconds: 1, failureThreshold: 1 },
          },
        ],
      }),
    );
    await eventually('restarted once', async () => (await restartCount('liveness-file-restart')) >= 1);
    const events = await cluster.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=liveness-file-restart', '-o', 'custom-columns=REASON:.reason', '--no-headers']);
    assert.match(events, /Unhealthy/);
    await deletePod('liveness-file-restart');
  });

  test('Pod liveness probe, using local file, no restart', async () => {
    await apply(
      pod('liveness-file', {
        containers: [
          {
            name: 'c',
            image: 'busybox',
            command: ['sh', '-c', 'echo ok > /tmp/health; exec sleep 600'],
            livenessProbe: { exec: { command: ['cat', '/tmp/health'] }, initialDelaySeconds: 1, periodSeconds: 1, failureThreshold: 1 },
          },
        ],
      }),
    );
    await assertNoRestart('liveness-file');
    await deletePod('liveness-file');
  });

  test('Pod liveness probe, using tcp socket, no restart', async () => {
    // httpd serving an empty directory: every request is an HTTP error, yet the socket accepts.
    await apply(
      pod('liveness-tcp', {
        containers: [
          {
            name: 'c',
            image: 'busybox',
            command: ['sh', '-c', 'mkdir -p /var/empty && exec httpd -f -p 8080 -h /var/empty'],
            livenessProbe: { tcpSocket: { port: 8080 }, initialDelaySeconds: 1, periodSeconds: 1, failureThreshold: 1 },
          },
        ],
      }),
    );
    const p = await runningPod('liveness-tcp');
    const status = await eventually('httpd answers on :8080', async () => httpStatus(`http://${p.status.podIP}:8080/`).catch(() => undefined));
    assert.ok(status >= 400, `GET / on :8080 answered ${status}`);
    await assertNoRestart('liveness-tcp');
    await deletePod('liveness-tcp');
  });

  test('Pod liveness probe, using http endpoint, failure', async () => {
    // Upstream's description: the probe on '/' does not fail, so the restart count stays zero.
    await apply(
      pod('liveness-http', {
        containers: [{ name: 'c', image: 'nginx', livenessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: 1, periodSeconds: 1, failureThreshold: 1 } }],
      }),
    );
    await assertNoRestart('liveness-http');
    await deletePod('liveness-http');
  });
  test('Pods, service environment variables', async () => {
    const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'fooservice' }, spec: { selector: { name: 'server-envvars' }, ports: [{ port: 8765, targetPort: 8080 }] } };
    await apply(service);
    const ip = (JSON.parse(await cluster.kubectl(['get', 'service', 'fooservice', '-o', 'json'])) as { spec: { clusterIP: string } }).spec.clusterIP;
    const { log } = await runToSuccess('client-envvars', { command: ['env'] });
    const env = envOf(log);
    const expected: Record<string, string> = {
      FOOSERVICE_SERVICE_HOST: ip,
      FOOSERVICE_SERVICE_PORT: '8765',
      FOOSERVICE_PORT: `tcp://${ip}:8765`,
      FOOSERVICE_PORT_8765_TCP_PORT: '8765',
      FOOSERVICE_PORT_8765_TCP_PROTO: 'tcp',
      FOOSERVICE_PORT_8765_TCP: `tcp://${ip}:8765`,
      FOOSERVICE_PORT_8765_TCP_ADDR: ip,
    };
    for (const [name, value] of Object.entries(expected)) assert.equal(env.get(name), value, name);
    assert.match(env.get('KUBERNETES_SERVICE_HOST') ?? '', /^\d+\.\d+\.\d+\.\d+$/);
    assert.equal(env.get('KUBERNETES_SERVICE_PORT_HTTPS'), '443');
    // enableServiceLinks: false leaves only the kubernetes Service's variables.
    const { log: unlinked } = await runToSuccess('client-no-links', { command: ['env'] }, { enableServiceLinks: false });
    assert.equal(envOf(unlinked).get('FOOSERVICE_SERVICE_HOST'), undefined);
    assert.equal(envOf(unlinked).get('KUBERNETES_SERVICE_HOST'), env.get('KUBERNETES_SERVICE_HOST'));
  });

  test('Sysctl, test sysctls', async () => {
    const { pod: p, log } = await runToSuccess('sysctl-safe', { command: ['/bin/sysctl', 'kernel.shm_rmid_forced'] }, { securityContext: { sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }] } });
    assert.equal(p.status.phase, 'Succeeded');
    assert.equal(log, 'kernel.shm_rmid_forced = 1\n');
  });

  test('Sysctls, an unsafe sysctl the kubelet does not allow rejects the pod', async () => {
    const sysctls = [
      { name: 'kernel.shm_rmid_forced', value: '1' },
      { name: 'kernel.msgmax', value: '10000' },
    ];
    await apply(pod('sysctl-unsafe', { restartPolicy: 'Never', securityContext: { sysctls }, containers: [{ name: 'c', image: 'busybox', command: ['true'] }] }));
    const p = await eventually('rejected', async () => {
      const got = await getPod('sysctl-unsafe');
      return got.status.phase === 'Failed' ? got : undefined;
    });
    assert.equal(p.status.reason, 'SysctlForbidden');
    assert.equal(p.status.message, 'Pod was rejected: forbidden sysctl: "kernel.msgmax" not allowlisted');
    const events = await cluster.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=sysctl-unsafe,reason=SysctlForbidden', '-o', 'custom-columns=TYPE:.type,MESSAGE:.message', '--no-headers']);
    assert.match(events, /Warning\s+forbidden sysctl: "kernel.msgmax" not allowlisted/);
    await deletePod('sysctl-unsafe');
  });

  /** Upstream's gRPC probe test pod: etcd serving its client port (and the gRPC health service) on 2379. */
  const etcdPod = (name: string, probes: object) =>
    pod(name, {
      containers: [
        {
          name: 'etcd',
          image: 'etcd:k8ts',
          command: ['/usr/local/bin/etcd', '--data-dir', '/var/lib/etcd', '--listen-client-urls', 'http://0.0.0.0:2379', '--advertise-client-urls', 'http://127.0.0.1:2379'],
          ports: [{ containerPort: 2379 }],
          ...probes,
        },
      ],
    });

  test('Pod liveness probe, using grpc call, success', async () => {
    const grpc = { grpc: { port: 2379 }, periodSeconds: 1, timeoutSeconds: 5, failureThreshold: 1 };
    await apply(etcdPod('liveness-grpc', { livenessProbe: { ...grpc, initialDelaySeconds: 5 }, readinessProbe: grpc }));
    // Ready: the readiness probe's Health/Check answered SERVING.
    await eventually('ready', async () => (await getPod('liveness-grpc')).status.containerStatuses?.[0]?.ready === true);
    await assertNoRestart('liveness-grpc');
    await deletePod('liveness-grpc');
  });

  test('Pod liveness probe, using grpc call, failure', async () => {
    // Nothing listens on 2333: the probe fails and the kubelet restarts etcd.
    await apply(etcdPod('liveness-grpc-fail', { livenessProbe: { grpc: { port: 2333 }, initialDelaySeconds: 2, periodSeconds: 1, timeoutSeconds: 5, failureThreshold: 1 } }));
    await eventually('restarted once', async () => (await restartCount('liveness-grpc-fail')) >= 1);
    const events = await cluster.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=liveness-grpc-fail,reason=Unhealthy', '-o', 'custom-columns=MESSAGE:.message', '--no-headers']);
    assert.match(events, /Liveness probe failed/);
    await deletePod('liveness-grpc-fail');
  });

  test('Pod liveness probe, using http endpoint, multiple restarts (slow)', async () => {
    // Upstream's liveness server: /healthz answers 200 for a while after start, then an error (here 404 after 2 s).
    const server = 'mkdir -p /www; echo ok > /www/healthz; (sleep 2; rm /www/healthz) & exec httpd -f -p 8080 -h /www';
    await apply(
      pod('liveness-http-restarts', {
        containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', server], livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, initialDelaySeconds: 1, periodSeconds: 1, failureThreshold: 1 } }],
      }),
    );
    const seen: number[] = [];
    await eventually(
      '5 restarts',
      async () => {
        const count = await restartCount('liveness-http-restarts');
        if (count !== seen.at(-1)) seen.push(count);
        return count >= 5;
      },
      180_000,
    );
    // Monotonically increasing: every observed count is above the one before.
    assert.deepEqual(seen, [...seen].sort((a, b) => a - b), `restart counts seen: ${seen.join(', ')}`);
    assert.equal(new Set(seen).size, seen.length);
    await deletePod('liveness-http-restarts');
  });
});
