// persistentVolumeClaim (and generic ephemeral volumes, whose claim the pod
// owns): the kubelet resolves claim → bound PersistentVolume → its source, then
// sets that up. Only node-local sources exist here: hostPath
// (with its type check) and local (the path must exist).
import { stat } from 'node:fs/promises';
import type { IPersistentVolume } from 'kubernetes-models/v1/PersistentVolume';
import { checkHostPathType } from './host-path.js';
import { VolumeError, type SetUpContext, type VolumePlugin } from './plugin.js';

/**
 * Upstream's desired-state populator: the claim must be Bound and its volume must point back at it;
 * a generic ephemeral volume's claim (`<pod>-<volume>`) must also be controlled by the pod.
 */
export async function resolveClaim(ctx: SetUpContext, claimName: string, ephemeral = false): Promise<IPersistentVolume> {
  const ns = ctx.pod.metadata?.namespace ?? 'default';
  const fail = (why: string) => new VolumeError(`error processing PVC ${ns}/${claimName}: ${why}`, 'Process');
  const claim = await ctx.sources.getPersistentVolumeClaim(ns, claimName);
  if (!claim) throw fail(`failed to fetch PVC from API server: persistentvolumeclaims "${claimName}" not found`);
  if (ephemeral && !claim.metadata?.ownerReferences?.some((o) => o.controller && o.uid === ctx.pod.metadata?.uid)) {
    throw new VolumeError(`PVC ${ns}/${claimName} was not created for pod ${ns}/${ctx.pod.metadata?.name ?? ''} (pod is not owner)`, 'Process');
  }
  if (claim.metadata?.deletionTimestamp) throw fail(`can't start pod because PVC ${ns}/${claimName} is being deleted`);
  const phase = claim.status?.phase ?? '';
  const volumeName = claim.spec?.volumeName ?? '';
  if (phase !== 'Bound' || volumeName === '') {
    throw fail(`PVC ${ns}/${claimName} has non-bound phase ("${phase}") or empty pvc.Spec.VolumeName ("${volumeName}")`);
  }
  const pv = await ctx.sources.getPersistentVolume(volumeName);
  if (!pv) throw fail(`failed to fetch PV ${volumeName} from API server: persistentvolumes "${volumeName}" not found`);
  const ref = pv.spec?.claimRef;
  if (!ref) throw fail(`found PV object ${volumeName} but it has a nil pv.Spec.ClaimRef indicating it is not yet bound to the claim`);
  if (ref.uid !== claim.metadata?.uid) {
    throw fail(`found PV object ${volumeName} but its pv.Spec.ClaimRef.UID ${ref.uid ?? ''} does not point to claim.UID ${claim.metadata?.uid ?? ''}`);
  }
  return pv;
}

export const persistentVolumeClaimPlugin: VolumePlugin = {
  name: 'kubernetes.io~persistent-volume-claim',
  dynamic: false,
  canSupport: (v) => v.persistentVolumeClaim !== undefined || v.ephemeral !== undefined,
  async setUp(ctx) {
    const source = ctx.volume.persistentVolumeClaim;
    // A generic ephemeral volume's claim is named after the pod and the volume.
    const claimName = source?.claimName ?? `${ctx.pod.metadata?.name ?? ''}-${ctx.volume.name}`;
    const pv = await resolveClaim(ctx, claimName, !source);
    const readOnly = source?.readOnly === true;
    const pvName = pv.metadata?.name ?? '';
    const hostPath = pv.spec?.hostPath;
    const local = pv.spec?.local;
    try {
      if (hostPath) {
        if (ctx.host) await checkHostPathType(hostPath.path, hostPath.type ?? '');
        return { path: hostPath.path, readOnly };
      }
      if (local) {
        if (ctx.host && !(await stat(local.path).catch(() => undefined))) throw new VolumeError(`path "${local.path}" does not exist`);
        return { path: local.path, readOnly };
      }
      throw new VolumeError(`only hostPath and local PersistentVolumes can be mounted on this node`);
    } catch (err) {
      // Upstream names a claim's volume after its PersistentVolume in events.
      if (err instanceof VolumeError) throw new VolumeError(err.message, err.phase, pvName);
      throw err;
    }
  },
};
