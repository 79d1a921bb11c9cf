// The kubelet's own files in hollow containers, as real containers get them
// (test/e2e/containers-pod.test.ts checks those): the kubelet-managed
// /etc/hosts in upstream's exact format, the resolv.conf the runtime writes
// from the kubelet's DNS config, and termination messages the container
// writes to its terminationMessagePath — kept in memory on hollow nodes and
// read back by the kubelet through the runtime. Driven by the real kubectl.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { eventually as poll } from '../helpers/eventually.js';
import { parseResolvConf, STUB_RESOLV_CONF, viableResolvConf } from '../../src/kubelet/dns.js';

const eventually = <T>(what: string, check: () => Promise<T | undefined | false>) => poll(what, check, 60_000);

interface PodJson {
  status: { phase: string; podIP?: string; containerStatuses?: { ready: boolean; state: { terminated?: { exitCode: number; message?: string } } }[] };
}

/** The node's resolver as the kubelet picks it (k3s: the first one pods can reach). */
const node = parseResolvConf(
  ['/etc/resolv.conf', '/run/systemd/resolve/resolv.conf'].map((p) => (existsSync(p) ? readFileSync(p, 'utf8') : '')).find(viableResolvConf) ?? STUB_RESOLV_CONF,
);

describe('the kubelet\'s pod files in hollow containers', () => {
  let cluster: TestCluster;
  const getPod = async (name: string) => JSON.parse(await cluster.kubectl(['get', 'pod', name, '-o', 'json'])) as PodJson;
  const create = (name: string, spec: object) =>
    cluster.kubectl(['create', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { terminationGracePeriodSeconds: 1, ...spec } }) });
  const sleeper = (name: string, extra: object = {}) => ({ name, image: 'busybox', command: ['sleep', '3600'], ...extra });
  const runSleeping = async (name: string, spec: object) => {
    await create(name, spec);
    return eventually(`${name} running`, async () => {
      const p = await getPod(name);
      return p.status.phase === 'Running' && p.status.containerStatuses?.every((c) => c.ready) ? p : undefined;
    });
  };
  /** Runs a one-container pod to its end; its terminated state. */
  const runToEnd = async (name: string, container: object) => {
    await create(name, { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', ...container }] });
    return eventually(`${name} terminated`, async () => {
      const p = await getPod(name);
      const terminated = p.status.containerStatuses?.[0]?.state.terminated;
      return (p.status.phase === 'Succeeded' || p.status.phase === 'Failed') && terminated ? terminated : undefined;
    });
  };
  const cat = (pod: string, container: string, path: string) => cluster.kubectl(['exec', pod, '-c', container, '--', 'cat', path]);

  before(async () => {
    cluster = await startTestCluster({ simulatedNodes: 1 });
  });
  after(async () => {
    await cluster?.stop();
  });

  test('/etc/hosts is the kubelet-managed file: header, localhost and IPv6 names, the pod\'s FQDN under its subdomain, hostAliases', async () => {
    const p = await runSleeping('named', { hostname: 'web-0', subdomain: 'web', hostAliases: [{ ip: '123.45.67.89', hostnames: ['foo', 'bar'] }], containers: [sleeper('c')] });
    assert.equal(
      await cat('named', 'c', '/etc/hosts'),
      '# Kubernetes-managed hosts file.\n' +
        '127.0.0.1\tlocalhost\n' +
        '::1\tlocalhost ip6-localhost ip6-loopback\n' +
        'fe00::0\tip6-localnet\n' +
        'fe00::0\tip6-mcastprefix\n' +
        'fe00::1\tip6-allnodes\n' +
        'fe00::2\tip6-allrouters\n' +
        `${p.status.podIP}\tweb-0.web.default.svc.cluster.local\tweb-0\n` +
        '\n# Entries added by HostAliases.\n' +
        '123.45.67.89\tfoo\tbar\n',
    );
  });

  test('a container mounting its own /etc/hosts keeps it; a host-network pod gets the node\'s, not kubelet-managed', async () => {
    const p = await runSleeping('etc-hosts', {
      containers: [sleeper('managed'), sleeper('own', { volumeMounts: [{ name: 'host-etc-hosts', mountPath: '/etc/hosts' }] })],
      volumes: [{ name: 'host-etc-hosts', hostPath: { path: '/etc/hosts' } }],
    });
    assert.ok((await cat('etc-hosts', 'managed', '/etc/hosts')).endsWith(`fe00::2\tip6-allrouters\n${p.status.podIP}\tetc-hosts\n`));
    assert.ok(!(await cat('etc-hosts', 'own', '/etc/hosts')).includes('# Kubernetes-managed hosts file.'));
    await runSleeping('etc-hosts-hostnet', { hostNetwork: true, containers: [sleeper('c')] });
    assert.equal(await cat('etc-hosts-hostnet', 'c', '/etc/hosts'), `# Kubernetes-managed hosts file (host network).\n${readFileSync('/etc/hosts', 'utf8')}`);
  });

  test('resolv.conf is what the runtime writes from the kubelet\'s DNS config', async () => {
    await runSleeping('dns-cluster-first', { containers: [sleeper('c')] });
    const searches = [...new Set(['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local', ...node.searches])];
    assert.equal(await cat('dns-cluster-first', 'c', '/etc/resolv.conf'), `search ${searches.join(' ')}\nnameserver 10.43.0.10\noptions ndots:5\n`);
    await runSleeping('dns-none', { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['resolv.conf.local'] }, containers: [sleeper('c')] });
    assert.equal(await cat('dns-none', 'c', '/etc/resolv.conf'), 'search resolv.conf.local\nnameserver 1.1.1.1\n');
  });

  test('Container Runtime, TerminationMessage, from file of succeeding container', async () => {
    const t = await runToEnd('term-file-ok', { command: ['sh', '-c', 'printf OK > /dev/termination-log'], terminationMessagePolicy: 'FallbackToLogsOnError' });
    assert.equal(t.exitCode, 0);
    assert.equal(t.message, 'OK');
  });

  test('Container Runtime, TerminationMessagePath, non-root user and non-default path', async () => {
    const t = await runToEnd('term-custom', {
      command: ['sh', '-c', 'printf DONE > /dev/termination-custom-log'],
      terminationMessagePath: '/dev/termination-custom-log',
      securityContext: { runAsUser: 1000 },
    });
    assert.equal(t.message, 'DONE');
  });

  test('a failing container\'s file wins over its log; FallbackToLogsOnError takes the log tail only when the file is empty', async () => {
    const written = await runToEnd('term-file-fail', { command: ['sh', '-c', 'echo in the log; printf "from the file" > /dev/termination-log; exit 3'], terminationMessagePolicy: 'FallbackToLogsOnError' });
    assert.equal(written.exitCode, 3);
    assert.equal(written.message, 'from the file');
    const fallback = await runToEnd('term-log-fail', { command: ['sh', '-c', 'echo DONE; exit 1'], terminationMessagePolicy: 'FallbackToLogsOnError' });
    assert.equal(fallback.message, 'DONE\n');
    const succeeded = await runToEnd('term-log-ok', { command: ['sh', '-c', 'echo OK'], terminationMessagePolicy: 'FallbackToLogsOnError' });
    assert.equal(succeeded.message, undefined);
  });
});
