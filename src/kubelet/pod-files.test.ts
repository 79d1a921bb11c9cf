import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { tempDir } from '../../test/helpers/tmp.js';
import { PodFiles } from './pod-files.js';

const root = tempDir('k8ts-pod-files');
const nodeHosts = join(root, 'node-hosts');
writeFileSync(nodeHosts, '127.0.0.1 localhost node\n');
const files = new PodFiles({ podDir: (uid) => join(root, 'pods', uid), nodeHostsPath: nodeHosts });
const pod = (spec: Partial<NonNullable<IPod['spec']>>): IPod => ({ metadata: { name: 'p', namespace: 'ns', uid: 'u1' }, spec: { containers: [{ name: 'c' }], ...spec } }) as IPod;

test('the pod hosts file is written under the pod directory and mounted at /etc/hosts', async () => {
  const p = pod({ hostAliases: [{ ip: '1.2.3.4', hostnames: ['a'] }] });
  const mount = await files.hostsMount(p, p.spec!.containers[0], ['10.42.0.7'], 'p', '');
  assert.deepEqual(mount, { containerPath: '/etc/hosts', hostPath: join(root, 'pods', 'u1', 'etc-hosts'), readonly: false });
  const text = readFileSync(mount!.hostPath, 'utf8');
  assert.ok(text.startsWith('# Kubernetes-managed hosts file.\n') && text.includes('10.42.0.7\tp\n') && text.endsWith('1.2.3.4\ta\n'));
  assert.equal(statSync(mount!.hostPath).mode & 0o777, 0o644);
  const hostNet = pod({ hostNetwork: true });
  const m2 = await files.hostsMount(hostNet, hostNet.spec!.containers[0], ['192.168.1.2'], 'p', '');
  assert.equal(readFileSync(m2!.hostPath, 'utf8'), '# Kubernetes-managed hosts file (host network).\n127.0.0.1 localhost node\n');
  const own = pod({ containers: [{ name: 'c', volumeMounts: [{ name: 'h', mountPath: '/etc/hosts' }] }] });
  assert.equal(await files.hostsMount(own, own.spec!.containers[0], ['10.42.0.7'], 'p', ''), undefined);
});

test('each container instance gets a fresh world-writable termination message file; none without a path', async () => {
  const p = pod({ containers: [{ name: 'c', terminationMessagePath: '/dev/termination-log' }] });
  const a = await files.terminationMessageMount(p, p.spec!.containers[0]);
  const b = await files.terminationMessageMount(p, p.spec!.containers[0]);
  assert.equal(a?.containerPath, '/dev/termination-log');
  assert.notEqual(a?.hostPath, b?.hostPath);
  assert.ok(a!.hostPath.startsWith(join(root, 'pods', 'u1', 'containers', 'c') + '/'));
  assert.equal(statSync(a!.hostPath).mode & 0o777, 0o666);
  assert.equal(readFileSync(a!.hostPath, 'utf8'), '');
  assert.equal(await files.terminationMessageMount(pod({}), { name: 'c' }), undefined);
});

test('without a pod directory (hollow nodes) the same files are mounts of their content, nothing written', async () => {
  const inMemory = new PodFiles({ podDir: undefined, nodeHostsPath: nodeHosts });
  const p = pod({ subdomain: 'web', hostAliases: [{ ip: '1.2.3.4', hostnames: ['a'] }], containers: [{ name: 'c', terminationMessagePath: '/dev/termination-log' }] });
  const hosts = await inMemory.hostsMount(p, p.spec!.containers[0], ['10.42.0.7'], 'p', 'web.ns.svc.cluster.local');
  const onDisk = await files.hostsMount(p, p.spec!.containers[0], ['10.42.0.7'], 'p', 'web.ns.svc.cluster.local');
  assert.deepEqual(hosts, { containerPath: '/etc/hosts', hostPath: '', readonly: false, content: readFileSync(onDisk!.hostPath, 'utf8') });
  assert.deepEqual(await inMemory.terminationMessageMount(p, p.spec!.containers[0]), { containerPath: '/dev/termination-log', hostPath: '', readonly: false, content: '' });
  assert.equal(await inMemory.terminationMessageMount(pod({}), { name: 'c' }), undefined);
  const own = pod({ containers: [{ name: 'c', volumeMounts: [{ name: 'h', mountPath: '/etc/hosts' }] }] });
  assert.equal(await inMemory.hostsMount(own, own.spec!.containers[0], ['10.42.0.7'], 'p', ''), undefined);
});
