// VolumeBinding (the part before a storage provisioner exists): a pod whose
// PersistentVolumeClaims are missing or not yet bound waits in the queue.
import { Status, type CycleState, type PreFilterPlugin, type Result } from '../framework.js';
import type { PodInfo } from '../podinfo.js';
import type { PersistentVolumeClaim } from '../types.js';

export const ERR_REASON_UNBOUND_IMMEDIATE_PVC = 'pod has unbound immediate PersistentVolumeClaims';

/** Finds a claim in the scheduler's informer cache. */
export type ClaimLookup = (namespace: string, name: string) => PersistentVolumeClaim | undefined;

export class VolumeBinding implements PreFilterPlugin {
  readonly name = 'VolumeBinding';

  constructor(private readonly claims: ClaimLookup) {}

  preFilter(_state: CycleState, pod: PodInfo): Result {
    const ns = pod.pod.metadata.namespace ?? '';
    let unbound = false;
    for (const v of pod.pod.spec.volumes ?? []) {
      const name = v.persistentVolumeClaim?.claimName;
      if (!name) continue;
      const pvc = this.claims(ns, name);
      if (!pvc) return Status.unresolvable(`persistentvolumeclaim "${name}" not found`);
      if (pvc.metadata.deletionTimestamp) return Status.unresolvable(`persistentvolumeclaim "${name}" is being deleted`);
      if (!pvc.spec?.volumeName) unbound = true;
    }
    return unbound ? Status.unresolvable(ERR_REASON_UNBOUND_IMMEDIATE_PVC) : undefined;
  }
}
