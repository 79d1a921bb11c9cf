// A pod's identity inside real containers: the resolv.conf of each dnsPolicy,
// the kubelet-managed /etc/hosts (hostAliases, subdomain FQDN, host network),
// the sandbox hostname, and termination messages — on `k8ts server` with this
// machine as a containerd node, driven by the real kubectl; then the same
// kubelet logic on hollow nodes. Needs root, containerd, runc, the CNI plugins,
// busybox-static and docker-registry (npm test's setup installs them); a
// missing one fails the test.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { eventually as poll } from '../helpers/eventually.js';
import { pushSeedImages, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { parseResolvConf, STUB_RESOLV_CONF, viableResolvConf } from '../../src/kubelet/dns.js';

const eventually = <T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 90_000) => poll(what, check, timeoutMs);

interface TerminatedJson {
  exitCode: number;
  reason: string;
  message?: string;
}
interface PodJson {
  metadata: { name: string; uid: string };
  status: {
    phase: string;
    podIP?: string;
    hostIP?: string;
    containerStatuses?: { name: string; ready: boolean; state: { terminated?: TerminatedJson }; lastState?: { terminated?: TerminatedJson } }[];
  };
}

/** The node's own resolver as the kubelet picks it (k3s: one pods can reach), whose search domains ClusterFirst pods inherit. */
const node = parseResolvConf(
  ['/etc/resolv.conf', '/run/systemd/resolve/resolv.conf'].map((p) => (existsSync(p) ? readFileSync(p, 'utf8') : '')).find(viableResolvConf) ?? STUB_RESOLV_CONF,
);

/** resolv.conf as containerd writes it from the CRI DNSConfig. */
function resolvConf(servers: string[], searches: string[], options: string[]): string {
  return `${searches.length ? `search ${searches.join(' ')}\n` : ''}${servers.map((s) => `nameserver ${s}\n`).join('')}${options.length ? `options ${options.join(' ')}\n` : ''}`;
}

/** Helpers over one test cluster. */
function podHelpers(cluster: () => TestCluster) {
  const getPod = async (name: string) => JSON.parse(await cluster().kubectl(['get', 'pod', name, '-o', 'json'])) as PodJson;
  const apply = (manifest: object) => cluster().kubectl(['apply', '-f', '-'], { stdin: JSON.stringify(manifest) });
  const pod = (name: string, spec: object) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { terminationGracePeriodSeconds: 1, ...spec } });
  /** Runs a pod to completion; its phase, its first container's terminated state and its log. */
  const runPod = async (name: string, container: object, podSpec: object = {}) => {
    await apply(pod(name, { restartPolicy: 'Never', ...podSpec, containers: [{ name: 'c', image: 'busybox', ...container }] }));
    const done = await eventually(`${name} done`, async () => {
      const p = await getPod(name);
      const terminated = p.status.containerStatuses?.[0]?.state.terminated;
      return (p.status.phase === 'Succeeded' || p.status.phase === 'Failed') && terminated ? { phase: p.status.phase, terminated, pod: p } : undefined;
    });
    return { ...done, log: await cluster().kubectl(['logs', name]) };
  };
  /** Starts a pod whose containers sleep, and waits until they all run. */
  const runSleeping = async (name: string, spec: object) => {
    await apply(pod(name, spec));
    return eventually(`${name} running`, async () => {
      const p = await getPod(name);
      return p.status.phase === 'Running' && p.status.containerStatuses?.every((c) => c.ready) ? p : undefined;
    });
  };
  const exec = (name: string, container: string, ...cmd: string[]) => cluster().kubectl(['exec', name, '-c', container, '--', ...cmd]);
  return { getPod, apply, pod, runPod, runSleeping, exec };
}

describe('pod identity in real containers', () => {
  let registry: TestRegistry;
  let cluster: TestCluster;
  const { apply, getPod, pod, runPod, runSleeping, exec } = podHelpers(() => cluster);
  const sleeper = (name: string, extra: object = {}) => ({ name, image: 'busybox', command: ['sleep', '3600'], ...extra });

  before(async () => {
    registry = await startRegistry();
    await pushSeedImages(registry);
    cluster = await startTestCluster({ runtime: 'containerd', registriesYaml: registry.registriesYaml(), nodeName: 'k8ts-pod-node' });
  });
  after(async () => {
    await cluster?.stop();
    await registry?.stop();
  });

  test('DNS, custom dnsConfig', async () => {
    const r = await runPod('dns-none', { command: ['cat', '/etc/resolv.conf'] }, { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['resolv.conf.local'] } });
    assert.equal(r.phase, 'Succeeded');
    assert.equal(r.log, 'search resolv.conf.local\nnameserver 1.1.1.1\n');
  });

  test('ClusterFirst: the cluster DNS (10.43.0.10, the 10th IP of the service CIDR), the Kubernetes search path, ndots:5', async () => {
    const r = await runPod('dns-cluster-first', { command: ['cat', '/etc/resolv.conf'] });
    const searches = [...new Set(['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local', ...node.searches])];
    assert.equal(r.log, resolvConf(['10.43.0.10'], searches, ['ndots:5']));
  });

  test('a dnsConfig merges into ClusterFirst: nameservers and searches appended, options by name', async () => {
    const r = await runPod('dns-merged', { command: ['cat', '/etc/resolv.conf'] }, { dnsConfig: { nameservers: ['1.1.1.1'], searches: ['extra.example'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } });
    const searches = [...new Set(['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local', ...node.searches, 'extra.example'])];
    assert.equal(r.log, resolvConf(['10.43.0.10', '1.1.1.1'], searches, ['ndots:2', 'edns0']));
  });

  test('Default and host-network ClusterFirst use the node resolver; ClusterFirstWithHostNet the cluster DNS', async () => {
    const nodeConf = resolvConf(node.servers.slice(0, 3), node.searches, node.options);
    assert.equal((await runPod('dns-default', { command: ['cat', '/etc/resolv.conf'] }, { dnsPolicy: 'Default' })).log, nodeConf);
    assert.equal((await runPod('dns-hostnet', { command: ['cat', '/etc/resolv.conf'] }, { hostNetwork: true })).log, nodeConf);
    const withHostNet = await runPod('dns-hostnet-cluster', { command: ['cat', '/etc/resolv.conf'] }, { hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' });
    assert.match(withHostNet.log, /^nameserver 10\.43\.0\.10$/m);
    assert.match(withHostNet.log, /^options ndots:5$/m);
  });

  test('Kubelet, hostAliases', async () => {
    const r = await runPod('host-aliases', { command: ['cat', '/etc/hosts'] }, { hostAliases: [{ ip: '123.45.67.89', hostnames: ['foo', 'bar'] }] });
    assert.equal(r.phase, 'Succeeded');
    assert.match(r.log, /\n# Entries added by HostAliases\.\n123\.45\.67\.89\tfoo\tbar\n$/);
  });

  test('Kubelet, managed etc hosts', async () => {
    const p = await runSleeping('etc-hosts', {
      containers: [sleeper('busybox-1'), sleeper('busybox-2'), sleeper('busybox-3', { volumeMounts: [{ name: 'host-etc-hosts', mountPath: '/etc/hosts' }] })],
      volumes: [{ name: 'host-etc-hosts', hostPath: { path: '/etc/hosts' } }],
    });
    for (const c of ['busybox-1', 'busybox-2']) {
      const hosts = await exec('etc-hosts', c, 'cat', '/etc/hosts');
      assert.ok(hosts.startsWith('# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n'), hosts);
      assert.ok(hosts.endsWith(`fe00::2\tip6-allrouters\n${p.status.podIP}\tetc-hosts\n`), hosts);
    }
    // A container mounting /etc/hosts itself keeps its own.
    assert.equal(await exec('etc-hosts', 'busybox-3', 'cat', '/etc/hosts'), readFileSync('/etc/hosts', 'utf8'));
    await runSleeping('etc-hosts-hostnet', { hostNetwork: true, containers: [sleeper('busybox-1'), sleeper('busybox-2')] });
    for (const c of ['busybox-1', 'busybox-2']) {
      const hosts = await exec('etc-hosts-hostnet', c, 'cat', '/etc/hosts');
      assert.ok(!hosts.includes('# Kubernetes-managed hosts file.'), hosts);
      assert.ok(hosts.includes(readFileSync('/etc/hosts', 'utf8')), hosts);
    }
  });

  test('hostname and subdomain: the sandbox hostname and the FQDN in /etc/hosts; setHostnameAsFQDN', async () => {
    const p = await runSleeping('named', { hostname: 'web-0', subdomain: 'web', containers: [sleeper('c')] });
    assert.equal(await exec('named', 'c', 'hostname'), 'web-0\n');
    assert.match(await exec('named', 'c', 'cat', '/etc/hosts'), new RegExp(`\\n${p.status.podIP!.replace(/\./g, '\\.')}\\tweb-0\\.web\\.default\\.svc\\.cluster\\.local\\tweb-0\\n$`));
    const fqdn = await runPod('named-fqdn', { command: ['hostname'] }, { hostname: 'db-1', subdomain: 'db', setHostnameAsFQDN: true });
    assert.equal(fqdn.log, 'db-1.db.default.svc.cluster.local\n');
  });

  test('Container Runtime, TerminationMessage, from log output of succeeding container', async () => {
    const r = await runPod('term-log-ok', { command: ['sh', '-c', 'echo OK'], terminationMessagePolicy: 'FallbackToLogsOnError' });
    assert.equal(r.phase, 'Succeeded');
    assert.equal(r.terminated.message, undefined);
  });

  test('Container Runtime, TerminationMessage, from file of succeeding container', async () => {
    const r = await runPod('term-file-ok', { command: ['sh', '-c', 'printf OK > /dev/termination-log'], terminationMessagePolicy: 'FallbackToLogsOnError' });
    assert.equal(r.phase, 'Succeeded');
    assert.equal(r.terminated.message, 'OK');
  });

  test("Container Runtime, TerminationMessage, from container's log output of failing container", async () => {
    const r = await runPod('term-log-fail', { command: ['sh', '-c', 'printf DONE; exit 1'], terminationMessagePolicy: 'FallbackToLogsOnError' });
    assert.equal(r.phase, 'Failed');
    assert.equal(r.terminated.message, 'DONE');
  });

  test('Container Runtime, TerminationMessagePath, non-root user and non-default path', async () => {
    const r = await runPod('term-custom', {
      command: ['sh', '-c', 'printf DONE > /dev/termination-custom-log'],
      terminationMessagePath: '/dev/termination-custom-log',
      securityContext: { runAsUser: 1000 },
    });
    assert.equal(r.phase, 'Succeeded');
    assert.equal(r.terminated.message, 'DONE');
  });

  test('File policy: a failing container that wrote no message has none; the file keeps its last 4096 bytes', async () => {
    const failed = await runPod('term-file-none', { command: ['sh', '-c', 'echo oops; exit 3'] });
    assert.equal(failed.terminated.exitCode, 3);
    assert.equal(failed.terminated.message, undefined);
    const long = await runPod('term-file-long', { command: ['sh', '-c', 'printf "%5000s" "" | tr " " x > /dev/termination-log; printf END >> /dev/termination-log'] });
    assert.equal(long.terminated.message, `${'x'.repeat(4093)}END`);
  });

  test('a container that cannot start with restartPolicy Never is terminated: StartError, exit code 128, and the pod Failed', async () => {
    await apply(pod('start-error', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['no-such-command'] }] }));
    const p = await eventually('start-error Failed', async () => {
      const now = await getPod('start-error');
      return now.status.phase === 'Failed' ? now : undefined;
    });
    const status = p.status.containerStatuses?.[0];
    assert.equal(status?.state.terminated?.reason, 'StartError', JSON.stringify(status));
    assert.equal(status?.state.terminated?.exitCode, 128);
    assert.match(status?.state.terminated?.message ?? '', /exec: "no-such-command": executable file not found in \$PATH/);
    assert.deepEqual(status?.lastState, {});
  });
});

describe('pod identity on hollow nodes (the same kubelet logic over the simulated runtime)', () => {
  let cluster: TestCluster;
  const { runPod, runSleeping, exec } = podHelpers(() => cluster);

  before(async () => {
    cluster = await startTestCluster({ simulatedNodes: 1, clusterDNS: ['10.43.0.53'], clusterDomain: 'k8ts.test' });
  });
  after(async () => {
    await cluster?.stop();
  });

  test('resolv.conf and hostname come from the kubelet: --cluster-dns and --cluster-domain for ClusterFirst, the pod hostname', async () => {
    await runSleeping('hollow-dns', { hostname: 'h-0', subdomain: 'h', containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] });
    assert.match(await exec('hollow-dns', 'c', 'cat', '/etc/resolv.conf'), /^search default\.svc\.k8ts\.test svc\.k8ts\.test k8ts\.test.*\nnameserver 10\.43\.0\.53\noptions ndots:5\n$/);
    assert.equal(await exec('hollow-dns', 'c', 'hostname'), 'h-0\n');
  });

  test('FallbackToLogsOnError takes the log tail of a failed container whose message file is empty; File leaves the message empty', async () => {
    const failed = await runPod('hollow-term', { command: ['sh', '-c', 'echo DONE; exit 1'], terminationMessagePolicy: 'FallbackToLogsOnError' });
    assert.equal(failed.phase, 'Failed');
    assert.equal(failed.terminated.message, 'DONE\n');
    const file = await runPod('hollow-term-file', { command: ['sh', '-c', 'echo DONE; exit 1'] });
    assert.equal(file.terminated.message, undefined);
  });
});
