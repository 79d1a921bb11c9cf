import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { IPersistentVolume } from 'kubernetes-models/v1/PersistentVolume';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { persistentVolumeClaimPlugin } from './persistent-volume-claim.js';
import { VolumeError } from './plugin.js';
import { hostContext, memorySources, podWith, tempRoot } from './testing.js';

const root = tempRoot('k8ts-pvc');
after(() => rmSync(root, { recursive: true, force: true }));

const claim = (phase: string, volumeName = ''): IPersistentVolumeClaim => ({ metadata: { name: 'myclaim', namespace: 'default', uid: 'claim-uid' }, spec: { volumeName }, status: { phase } }) as IPersistentVolumeClaim;
const pv = (spec: object, claimUid = 'claim-uid'): IPersistentVolume => ({ metadata: { name: 'pv-vol1' }, spec: { claimRef: { name: 'myclaim', namespace: 'default', uid: claimUid }, ...spec } }) as IPersistentVolume;

test('a missing or unbound claim cannot be processed, with upstream messages', async () => {
  const sources = memorySources();
  const pod = podWith([{ name: 'data', persistentVolumeClaim: { claimName: 'myclaim' } }]);
  const ctx = hostContext(pod, sources);
  await assert.rejects(persistentVolumeClaimPlugin.setUp(ctx), (err: VolumeError) => {
    assert.equal(err.phase, 'Process');
    assert.equal(err.message, 'error processing PVC default/myclaim: failed to fetch PVC from API server: persistentvolumeclaims "myclaim" not found');
    return true;
  });
  sources.claims.set('default/myclaim', claim('Pending'));
  await assert.rejects(persistentVolumeClaimPlugin.setUp(ctx), {
    message: 'error processing PVC default/myclaim: PVC default/myclaim has non-bound phase ("Pending") or empty pvc.Spec.VolumeName ("")',
  });
  sources.claims.set('default/myclaim', claim('Bound', 'pv-vol1'));
  sources.volumes.set('pv-vol1', pv({ hostPath: { path: '/tmp/data' } }, 'other'));
  await assert.rejects(persistentVolumeClaimPlugin.setUp(ctx), { message: /its pv.Spec.ClaimRef.UID other does not point to claim.UID claim-uid/ });
});

test('a claim bound to a hostPath volume mounts its path (type-checked); a local one its path', async () => {
  const sources = memorySources();
  const data = join(root, 'data');
  sources.claims.set('default/myclaim', claim('Bound', 'pv-vol1'));
  sources.volumes.set('pv-vol1', pv({ hostPath: { path: data, type: 'DirectoryOrCreate' } }));
  const ctx = hostContext(podWith([{ name: 'data', persistentVolumeClaim: { claimName: 'myclaim', readOnly: true } }]), sources);
  assert.deepEqual(await persistentVolumeClaimPlugin.setUp(ctx), { path: data, readOnly: true });
  const file = join(root, 'file');
  writeFileSync(file, '');
  sources.volumes.set('pv-vol1', pv({ hostPath: { path: file, type: 'Directory' } }));
  await assert.rejects(persistentVolumeClaimPlugin.setUp(ctx), { message: `hostPath type check failed: ${file} is not a directory`, volumeName: 'pv-vol1' });
  const local = join(root, 'local');
  mkdirSync(local);
  sources.volumes.set('pv-vol1', pv({ local: { path: local } }));
  assert.equal((await persistentVolumeClaimPlugin.setUp(ctx)).path, local);
  sources.volumes.set('pv-vol1', pv({ nfs: { server: 'x', path: '/' } }));
  await assert.rejects(persistentVolumeClaimPlugin.setUp(ctx), /only hostPath and local PersistentVolumes/);
});

test('a generic ephemeral volume uses the claim <pod>-<volume>, which the pod must control', async () => {
  const sources = memorySources();
  const data = join(root, 'scratch');
  mkdirSync(data);
  const owned = claim('Bound', 'pv-vol1');
  owned.metadata!.name = 'web-scratch';
  sources.claims.set('default/web-scratch', owned);
  sources.volumes.set('pv-vol1', pv({ local: { path: data } }));
  const ctx = hostContext(podWith([{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'] } } } }]), sources);
  await assert.rejects(persistentVolumeClaimPlugin.setUp(ctx), { message: 'PVC default/web-scratch was not created for pod default/web (pod is not owner)', phase: 'Process' });
  owned.metadata!.ownerReferences = [{ apiVersion: 'v1', kind: 'Pod', name: 'web', uid: 'uid-1', controller: true }];
  assert.deepEqual(await persistentVolumeClaimPlugin.setUp(ctx), { path: data, readOnly: false });
});
