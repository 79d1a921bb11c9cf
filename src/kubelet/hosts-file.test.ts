import assert from 'node:assert/strict';
import { test } from 'node:test';
import { managedHostsFile, mountsHostsFile, nodeHostsFile } from './hosts-file.js';

const BOILERPLATE = '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';

test('a pod network hosts file: boilerplate and the pod IP with its hostname', () => {
  assert.equal(managedHostsFile(['10.42.0.5'], 'nginx', ''), `${BOILERPLATE}10.42.0.5\tnginx\n`);
});

test('with a subdomain the FQDN comes first; hostAliases follow under their heading', () => {
  const text = managedHostsFile(['10.42.0.5'], 'web-0', 'web.ns.svc.cluster.local', [
    { ip: '127.0.0.1', hostnames: ['foo.local', 'bar.local'] },
    { ip: '10.1.2.3', hostnames: ['foo.remote', 'bar.remote'] },
  ]);
  assert.equal(text, `${BOILERPLATE}10.42.0.5\tweb-0.web.ns.svc.cluster.local\tweb-0\n\n# Entries added by HostAliases.\n127.0.0.1\tfoo.local\tbar.local\n10.1.2.3\tfoo.remote\tbar.remote\n`);
});

test('host network: the node hosts file under its own header, then hostAliases', () => {
  const text = nodeHostsFile('127.0.0.1 localhost\n', [{ ip: '1.2.3.4', hostnames: ['a'] }]);
  assert.equal(text, '# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost\n\n# Entries added by HostAliases.\n1.2.3.4\ta\n');
  assert.ok(!text.includes('# Kubernetes-managed hosts file.'));
});

test('a container mounting its own /etc/hosts, or a pod without an IP, gets none', () => {
  assert.equal(mountsHostsFile([], ['10.42.0.5']), true);
  assert.equal(mountsHostsFile([{ mountPath: '/etc/hosts' }], ['10.42.0.5']), false);
  assert.equal(mountsHostsFile(undefined, []), false);
});
