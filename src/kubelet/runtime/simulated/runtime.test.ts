import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeImage, SimulatedRuntime } from './runtime.js';
import type { ContainerConfig, PodSandboxConfig } from '../types.js';

const sandboxConfig = (annotations: Record<string, string> = {}): PodSandboxConfig => ({
  metadata: { name: 'p', uid: 'u1', namespace: 'default', attempt: 0 },
  hostname: 'p',
  logDirectory: '/var/log/pods/x',
  portMappings: [],
  labels: { 'io.kubernetes.pod.uid': 'u1' },
  annotations,
});
const containerConfig = (command: string[]): ContainerConfig => ({
  metadata: { name: 'c', attempt: 0 },
  image: { image: 'busybox' },
  command,
  args: [],
  workingDir: '',
  envs: [{ key: 'NAME', value: 'k8ts' }],
  labels: { 'io.kubernetes.pod.uid': 'u1' },
  annotations: {},
  logPath: 'c/0.log',
});

test('image names normalise as containerd reports them', () => {
  assert.equal(normalizeImage('nginx'), 'docker.io/library/nginx:latest');
  assert.equal(normalizeImage('bitnami/redis:7'), 'docker.io/bitnami/redis:7');
  assert.equal(normalizeImage('registry.k8s.io/pause:3.10'), 'registry.k8s.io/pause:3.10');
  assert.equal(normalizeImage('localhost:5000/app'), 'localhost:5000/app:latest');
});

test('sandboxes get IPs from the pod CIDR once it is configured; containers run, exit and log per their script', async () => {
  const rt = new SimulatedRuntime();
  await assert.rejects(rt.runPodSandbox(sandboxConfig()), /no pod CIDR/);
  assert.equal((await rt.status()).find((c) => c.type === 'NetworkReady')?.status, false);
  await rt.updateRuntimeConfig({ podCIDR: '10.42.3.0/24' });
  const sb = await rt.runPodSandbox(sandboxConfig());
  assert.equal((await rt.podSandboxStatus(sb)).network.ip, '10.42.3.2');
  await assert.rejects(rt.createContainer(sb, containerConfig(['true']), sandboxConfig()), /not found/);
  await rt.pullImage('busybox');
  const stopped: string[] = [];
  rt.onContainerEvent((e) => e.type === 'CONTAINER_STOPPED_EVENT' && stopped.push(e.containerId));
  const id = await rt.createContainer(sb, containerConfig(['sh', '-c', 'echo hello $NAME; sleep 0.05; exit 4']), sandboxConfig());
  await rt.startContainer(id);
  assert.equal((await rt.containerStatus(id)).state, 'CONTAINER_RUNNING');
  await new Promise((r) => setTimeout(r, 150));
  const status = await rt.containerStatus(id);
  assert.equal(status.state, 'CONTAINER_EXITED');
  assert.equal(status.exitCode, 4);
  assert.equal(status.reason, 'Error');
  assert.deepEqual(stopped, [id]);
  assert.equal(await rt.readLogs(id), 'hello k8ts\n');
  assert.equal((await rt.listContainers({ labelSelector: { 'io.kubernetes.pod.uid': 'u1' } })).length, 1);
  await rt.removePodSandbox(sb);
  assert.equal((await rt.listContainers()).length, 0);
  // The address is free again.
  assert.equal((await rt.podSandboxStatus(await rt.runPodSandbox(sandboxConfig()))).network.ip, '10.42.3.3');
});

test('probes fail only for the kinds the pod annotation names; exec answers by exit code', async () => {
  const rt = new SimulatedRuntime();
  await rt.updateRuntimeConfig({ podCIDR: '10.42.0.0/24' });
  await rt.pullImage('busybox');
  const cfg = sandboxConfig({ 'k8ts.io/simulate-probe-fail': 'readiness' });
  const sb = await rt.runPodSandbox(cfg);
  const id = await rt.createContainer(sb, containerConfig(['sleep', 'infinity']), cfg);
  await rt.startContainer(id);
  assert.equal(rt.probeSucceeds(id, 'liveness'), true);
  assert.equal(rt.probeSucceeds(id, 'readiness'), false);
  assert.equal((await rt.execSync(id, ['false'])).exitCode, 1);
  assert.equal((await rt.execSync(id, ['sh', '-c', 'echo $NAME'])).stdout, 'k8ts\n');
  await rt.stopContainer(id);
  assert.equal((await rt.containerStatus(id)).exitCode, 137);
});

test('in-memory mounts: the container sees their content, writes them, and readMountedFile reads back the tail', async () => {
  const rt = new SimulatedRuntime();
  await rt.updateRuntimeConfig({ podCIDR: '10.42.0.0/24' });
  await rt.pullImage('busybox');
  const sb = await rt.runPodSandbox(sandboxConfig());
  const mounts = [
    { containerPath: '/etc/hosts', hostPath: '', readonly: false, content: '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n' },
    { containerPath: '/dev/termination-log', hostPath: '', readonly: false, content: '' },
  ];
  const exited = new Promise<void>((resolve) => rt.onContainerEvent((e) => e.type === 'CONTAINER_STOPPED_EVENT' && resolve()));
  const id = await rt.createContainer(sb, { ...containerConfig(['sh', '-c', 'cat /etc/hosts; printf "bye $NAME" > /dev/termination-log; exit 2']), mounts }, sandboxConfig());
  await rt.startContainer(id);
  await exited;
  const status = await rt.containerStatus(id);
  assert.equal(status.exitCode, 2);
  assert.equal(await rt.readLogs(id), mounts[0].content);
  assert.equal(await rt.readMountedFile(id, '/dev/termination-log', 4096), 'bye k8ts');
  assert.equal(await rt.readMountedFile(id, '/dev/termination-log', 4), 'k8ts');
  await assert.rejects(rt.readMountedFile(id, '/nowhere', 10), { code: 'ENOENT' });
  await rt.removeContainer(id);
  await assert.rejects(rt.readMountedFile(id, '/dev/termination-log', 10), { code: 'ENOENT' });
});
