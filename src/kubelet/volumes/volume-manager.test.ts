import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { createLogger } from '../../cli/log.js';
import type { EventSink } from '../events.js';
import { HostMounter, mountPoints } from './mounter.js';
import { b64, memorySources, mountedFsType, podWith, removeRoot, tempRoot, type MemorySources } from './testing.js';
import { VolumeManager } from './volume-manager.js';

const roots: string[] = [];
after(async () => {
  for (const r of roots) await removeRoot(r);
});

function manager(sources: MemorySources, onHost = true) {
  const events: { type: string; reason: string; message: string }[] = [];
  const sink: EventSink = { event: (_ref, type, reason, message) => events.push({ type, reason, message }) };
  const rootDir = onHost ? tempRoot('k8ts-vm') : undefined;
  if (rootDir) roots.push(rootDir);
  const vm = new VolumeManager({ nodeName: 'n1', sources, events: sink, log: createLogger(0, () => undefined), allocatable: () => ({ cpu: '4', memory: '8Gi' }), rootDir, backoffBaseMs: 0 });
  return { vm, events, rootDir: rootDir ?? '' };
}

test('a missing ConfigMap gives FailedMount and the pod waits; once it exists the volume is set up', async () => {
  const sources = memorySources();
  const { vm, events, rootDir } = manager(sources);
  const pod = podWith([{ name: 'config', configMap: { name: 'game' } }]);
  assert.equal(await vm.mountPod(pod), false);
  assert.deepEqual(events, [{ type: 'Warning', reason: 'FailedMount', message: 'MountVolume.SetUp failed for volume "config" : configmap "game" not found' }]);
  sources.configMaps.set('default/game', { data: { lives: '3' } });
  assert.equal(await vm.mountPod(pod), true);
  const dir = join(rootDir, 'pods', 'uid-1', 'volumes', 'kubernetes.io~configmap', 'config');
  assert.equal(readFileSync(join(dir, 'lives'), 'utf8'), '3');
  assert.deepEqual(await vm.containerMounts(pod, pod.spec!.containers[0], []), [{ containerPath: '/mnt/config', hostPath: dir, readonly: true }]);
});

test('an unbound claim is reported as upstream reports volumes it cannot process', async () => {
  const sources = memorySources();
  const { vm, events } = manager(sources);
  sources.claims.set('default/myclaim', { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'myclaim', uid: 'c1' }, spec: {}, status: { phase: 'Pending' } });
  const pod = podWith([
    { name: 'data', persistentVolumeClaim: { claimName: 'myclaim' } },
    { name: 'scratch', emptyDir: {} },
  ]);
  assert.equal(await vm.mountPod(pod), false);
  assert.deepEqual(events.map((e) => e.message), [
    'Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[], failed to process volumes=[data]: error processing PVC default/myclaim: PVC default/myclaim has non-bound phase ("Pending") or empty pvc.Spec.VolumeName ("")',
  ]);
});

test('a failing volume is retried after a doubling back-off, one event per attempt', async () => {
  const sources = memorySources();
  const events: string[] = [];
  const vm = new VolumeManager({ nodeName: 'n1', sources, events: { event: (_r, _t, _reason, message) => events.push(message) }, log: createLogger(0, () => undefined), allocatable: () => ({}), backoffBaseMs: 200 });
  const pod = podWith([{ name: 'config', configMap: { name: 'game' } }]);
  assert.equal(await vm.mountPod(pod), false);
  sources.configMaps.set('default/game', { data: {} });
  assert.equal(await vm.mountPod(pod), false, 'still backing off');
  assert.equal(events.length, 1);
  await new Promise((r) => setTimeout(r, 250));
  assert.equal(await vm.mountPod(pod), true);
});

test('a volume no plugin handles cannot be processed', async () => {
  const { vm, events } = manager(memorySources(), false);
  const pod = podWith([{ name: 'ebs', awsElasticBlockStore: { volumeID: 'vol-1', fsType: 'ext4' } }]);
  assert.equal(await vm.mountPod(pod), false);
  assert.deepEqual(events.map((e) => e.message), [
    'Unable to attach or mount volumes: unmounted volumes=[ebs], unattached volumes=[], failed to process volumes=[ebs]: failed to get Plugin from volumeSpec for volume "ebs" err=no volume plugin matched',
  ]);
});

test('only volumes some container mounts are set up', async () => {
  const { vm, events } = manager(memorySources());
  const pod = podWith([{ name: 'used', emptyDir: {} }]);
  pod.spec!.volumes!.push({ name: 'unused', secret: { secretName: 'missing' } });
  assert.equal(await vm.mountPod(pod), true);
  assert.deepEqual(events, []);
});

test('the resync rewrites ConfigMap and downward API files from their current sources', async () => {
  const sources = memorySources();
  const { vm, rootDir } = manager(sources);
  sources.configMaps.set('default/game', { data: { lives: '3' } });
  const pod = podWith([
    { name: 'config', configMap: { name: 'game' } },
    { name: 'podinfo', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
  ]);
  assert.equal(await vm.mountPod(pod), true);
  const volumes = join(rootDir, 'pods', 'uid-1', 'volumes');
  sources.configMaps.set('default/game', { data: { lives: '5' } });
  const relabeled: IPod = { ...pod, metadata: { ...pod.metadata, labels: { app: 'web', stage: 'prod' } } };
  assert.equal(await vm.mountPod(relabeled), true);
  await vm.resync();
  assert.equal(readFileSync(join(volumes, 'kubernetes.io~configmap', 'config', 'lives'), 'utf8'), '5');
  assert.equal(readFileSync(join(volumes, 'kubernetes.io~downward-api', 'podinfo', 'labels'), 'utf8'), 'app="web"\nstage="prod"');
});

test('a resync pass reads a ConfigMap once however many pods mount it', async () => {
  const sources = memorySources();
  const { vm } = manager(sources);
  sources.configMaps.set('default/shared', { data: { k: 'v' } });
  for (const uid of ['uid-a', 'uid-b', 'uid-c']) assert.equal(await vm.mountPod(podWith([{ name: 'config', configMap: { name: 'shared' } }], {}, { uid, name: uid })), true);
  let reads = 0;
  const read = sources.getConfigMap;
  sources.getConfigMap = (ns, name) => {
    reads++;
    return read(ns, name);
  };
  await vm.resync();
  assert.equal(reads, 1);
  await vm.resync();
  assert.equal(reads, 2);
});

test('a memory-backed volume set up again keeps its one tmpfs', async () => {
  const sources = memorySources();
  sources.secrets.set('default/s', { data: { k: b64('v') } });
  const { vm, rootDir } = manager(sources);
  assert.equal(await vm.mountPod(podWith([{ name: 'sec', secret: { secretName: 's' } }])), true);
  const secretDir = join(rootDir, 'pods', 'uid-1', 'volumes', 'kubernetes.io~secret', 'sec');
  assert.equal(await new HostMounter().isMountPoint(secretDir), true);
  assert.equal(await new HostMounter().isMountPoint(join(secretDir, '..')), false);
  await vm.resync();
  assert.equal((await mountPoints()).filter((m) => m === secretDir).length, 1);
  assert.equal(readFileSync(join(secretDir, 'k'), 'utf8'), 'v');
});

test('teardown unmounts the tmpfs volumes and removes the pod directory', async () => {
  const sources = memorySources();
  sources.secrets.set('default/s', { data: { k: b64('v') } });
  const { vm, rootDir } = manager(sources);
  const pod = podWith([
    { name: 'sec', secret: { secretName: 's' } },
    { name: 'shm', emptyDir: { medium: 'Memory' } },
  ]);
  assert.equal(await vm.mountPod(pod), true);
  const podDir = join(rootDir, 'pods', 'uid-1');
  const secretDir = join(podDir, 'volumes', 'kubernetes.io~secret', 'sec');
  assert.equal(mountedFsType(secretDir), 'tmpfs');
  assert.equal(mountedFsType(join(podDir, 'volumes', 'kubernetes.io~empty-dir', 'shm')), 'tmpfs');
  await vm.unmountPod('uid-1');
  assert.deepEqual(await new HostMounter().mountsUnder(podDir), []);
  assert.equal(existsSync(podDir), false);
});

test('pod directories of pods that are gone are cleaned up at start', async () => {
  const sources = memorySources();
  const { vm, rootDir } = manager(sources);
  const pod = podWith([{ name: 'shm', emptyDir: { medium: 'Memory' } }], {}, { uid: 'gone' });
  assert.equal(await vm.mountPod(pod), true);
  mkdirSync(join(rootDir, 'pods', 'kept'), { recursive: true });
  // A new agent process: no memory of what it mounted.
  const fresh = new VolumeManager({ nodeName: 'n1', sources, events: { event: () => undefined }, log: createLogger(0, () => undefined), allocatable: () => ({}), rootDir });
  await fresh.cleanupOrphans(new Set(['kept']));
  assert.equal(existsSync(join(rootDir, 'pods', 'gone')), false);
  assert.equal(existsSync(join(rootDir, 'pods', 'kept')), true);
  assert.deepEqual(await new HostMounter().mountsUnder(join(rootDir, 'pods')), []);
});

test('hollow nodes check sources (FailedMount) but touch no disk', async () => {
  const sources = memorySources();
  const { vm, events } = manager(sources, false);
  const pod = podWith([
    { name: 'sec', secret: { secretName: 's' } },
    { name: 'shm', emptyDir: { medium: 'Memory' } },
  ]);
  assert.equal(await vm.mountPod(pod), false);
  assert.deepEqual(events.map((e) => e.message), ['MountVolume.SetUp failed for volume "sec" : secret "s" not found']);
  sources.secrets.set('default/s', { data: {} });
  assert.equal(await vm.mountPod(pod), true);
  assert.equal(existsSync(vm.podDir('uid-1')), false);
  const mounts = await vm.containerMounts(pod, pod.spec!.containers[0], []);
  assert.deepEqual(mounts.map((m) => m.containerPath), ['/mnt/sec', '/mnt/shm']);
});
