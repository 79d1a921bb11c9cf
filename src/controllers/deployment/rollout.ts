// Deployment rollout arithmetic (upstream pkg/controller/deployment/util):
// how many pods a rollout may add or must keep, how a scaling event is shared
// among ReplicaSets, revisions and the annotations that carry them.
import { getScaledValueFromIntOrPercent } from '../../machinery/intorstring.js';
import { canonicalJson } from '../controller-utils/hash.js';
import type { Deployment, PodTemplateSpec, ReplicaSet } from '../controller-utils/types.js';

export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
export const POD_TEMPLATE_HASH = 'pod-template-hash';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const ROLLBACK_TO = 'deprecated.deployment.rollback.to';
/** Annotations a Deployment does not pass on to its ReplicaSets. */
const NOT_COPIED = new Set([LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO]);

export const replicasOf = (o: { spec?: { replicas?: number } } | undefined): number => o?.spec?.replicas ?? 0;

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** ResolveFenceposts: maxSurge rounds up, maxUnavailable down; both 0 means unavailable 1. */
export function resolveFenceposts(maxSurge: number | string | undefined, maxUnavailable: number | string | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = getScaledValueFromIntOrPercent(maxSurge ?? 0, desired, true);
  let unavailable = getScaledValueFromIntOrPercent(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

function fenceposts(d: Deployment): { surge: number; unavailable: number } {
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge ?? '25%', ru?.maxUnavailable ?? '25%', replicasOf(d));
}

export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? fenceposts(d).surge : 0;
}

export function maxUnavailable(d: Deployment): number {
  const replicas = replicasOf(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  return Math.min(fenceposts(d).unavailable, replicas);
}

export const sumSpecReplicas = (rss: ReplicaSet[]): number => rss.reduce((n, rs) => n + replicasOf(rs), 0);
export const sumStatus = (rss: ReplicaSet[], field: 'replicas' | 'readyReplicas' | 'availableReplicas'): number =>
  rss.reduce((n, rs) => n + (rs.status?.[field] ?? 0), 0);

/** NewRSNewReplicas: the size the new ReplicaSet may grow to now. */
export function newRSNewReplicas(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return replicasOf(d);
  const maxTotal = replicasOf(d) + maxSurge(d);
  const current = sumSpecReplicas(allRSs);
  if (current >= maxTotal) return replicasOf(newRS);
  const scaleUp = Math.min(maxTotal - current, replicasOf(d) - replicasOf(newRS));
  return replicasOf(newRS) + scaleUp;
}

const created = (rs: ReplicaSet): number => Date.parse(rs.metadata?.creationTimestamp ?? '') || 0;

/** ReplicaSetsByCreationTimestamp: oldest first, ties by name. */
export function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  return created(a) - created(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

/** A ReplicaSet's revision; bigint because revisions are int64 (a number loses digits past 2^53). */
export function revisionOf(obj: { metadata?: { annotations?: Record<string, string> } } | undefined): bigint {
  const v = obj?.metadata?.annotations?.[REVISION] ?? '0';
  return /^\d+$/.test(v) ? BigInt(v) : 0n;
}

export function maxRevision(rss: ReplicaSet[]): bigint {
  return rss.reduce((m, rs) => (revisionOf(rs) > m ? revisionOf(rs) : m), 0n);
}

const compareRevisions = (a: ReplicaSet, b: ReplicaSet): number => {
  const d = revisionOf(a) - revisionOf(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
};

/** The template without the pod-template-hash label, for comparing Deployment and ReplicaSet templates. */
function withoutHash(t: PodTemplateSpec | undefined): unknown {
  const copy = structuredClone(t ?? {}) as PodTemplateSpec;
  if (copy.metadata?.labels) {
    delete copy.metadata.labels[POD_TEMPLATE_HASH];
    if (Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
  }
  return copy;
}

export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return canonicalJson(withoutHash(a)) === canonicalJson(withoutHash(b));
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template is the Deployment's. */
export function findNewReplicaSet(d: Deployment, rss: ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template as PodTemplateSpec, d.spec?.template as PodTemplateSpec));
}

export const activeReplicaSets = (rss: ReplicaSet[]): ReplicaSet[] => rss.filter((rs) => replicasOf(rs) > 0);

/** FindActiveOrLatest: the one ReplicaSet with pods, or the newest if none has any; undefined if several do. */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = activeReplicaSets([...newestFirst, ...(newRS ? [newRS] : [])]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const v = rs.metadata?.annotations?.[key];
  if (v === undefined) return undefined;
  const n = Number(v);
  return Number.isInteger(n) ? n : undefined;
}

/** IsSaturated: the new ReplicaSet runs every desired replica, all available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const want = replicasOf(d);
  return intAnnotation(rs, DESIRED_REPLICAS) === want && replicasOf(rs) === want && (rs.status?.availableReplicas ?? 0) === want;
}

/** A scaling event: some active ReplicaSet was sized for a different replica count. */
export function isScalingEvent(d: Deployment, rss: ReplicaSet[]): boolean {
  return activeReplicaSets(rss).some((rs) => {
    const desired = intAnnotation(rs, DESIRED_REPLICAS);
    return desired !== undefined && desired !== replicasOf(d);
  });
}

// integer.RoundToInt32: half away from zero.
const roundHalfAway = (x: number): number => Math.sign(x) * Math.round(Math.abs(x));

/** getReplicaSetFraction: this ReplicaSet's share of a scaling event. */
function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (replicasOf(d) === 0) return -replicasOf(rs);
  const deploymentMax = replicasOf(d) + maxSurge(d);
  const annotatedMax = intAnnotation(rs, MAX_REPLICAS) ?? d.status?.replicas ?? 0;
  if (annotatedMax === 0) return 0;
  return roundHalfAway((replicasOf(rs) * deploymentMax) / annotatedMax) - replicasOf(rs);
}

export function proportion(rs: ReplicaSet, d: Deployment, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/**
 * Proportional scaling during a rollout: the new sizes of the active
 * ReplicaSets when the Deployment's replicas change (larger ReplicaSets get more).
 */
export function proportionalSizes(d: Deployment, activeRSs: ReplicaSet[]): Map<string, number> {
  const allowed = replicasOf(d) > 0 ? replicasOf(d) + maxSurge(d) : 0;
  const toAdd = allowed - sumSpecReplicas(activeRSs);
  const bySize = (newerFirst: boolean) => (a: ReplicaSet, b: ReplicaSet) =>
    replicasOf(b) - replicasOf(a) || (newerFirst ? byCreation(b, a) : byCreation(a, b));
  const ordered = [...activeRSs].sort(bySize(toAdd > 0));
  const sizes = new Map<string, number>();
  let added = 0;
  for (const rs of ordered) {
    const p = toAdd !== 0 ? proportion(rs, d, toAdd, added) : 0;
    sizes.set(rs.metadata!.name!, replicasOf(rs) + p);
    added += p;
  }
  if (toAdd !== 0 && ordered.length > 0) {
    const first = ordered[0].metadata!.name!;
    sizes.set(first, Math.max(0, sizes.get(first)! + toAdd - added));
  }
  return sizes;
}

/** How far an old ReplicaSet may shrink now during a rolling update (reconcileOldReplicaSets' budget). */
export function maxScaledDown(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): number {
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const newUnavailable = newRS ? replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0) : 0;
  return sumSpecReplicas(allRSs) - minAvailable - newUnavailable;
}

/** cleanupUnhealthyReplicas: old ReplicaSets' unavailable pods go first, oldest ReplicaSet first. */
export function unhealthyScaleDowns(oldRSs: ReplicaSet[], budget: number): Map<string, number> {
  const sizes = new Map<string, number>();
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= budget) break;
    const unavailable = replicasOf(rs) - (rs.status?.availableReplicas ?? 0);
    if (replicasOf(rs) === 0 || unavailable <= 0) continue;
    const n = Math.min(budget - total, unavailable);
    sizes.set(rs.metadata!.name!, replicasOf(rs) - n);
    total += n;
  }
  return sizes;
}

/** scaleDownOldReplicaSetsForRollingUpdate: shrink old ReplicaSets while availability stays above the minimum. */
export function availableScaleDowns(d: Deployment, allRSs: ReplicaSet[], oldRSs: ReplicaSet[]): Map<string, number> {
  const minAvailable = replicasOf(d) - maxUnavailable(d);
  const available = sumStatus(allRSs, 'availableReplicas');
  const sizes = new Map<string, number>();
  if (available <= minAvailable) return sizes;
  const target = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreation)) {
    if (total >= target) break;
    if (replicasOf(rs) === 0) continue;
    const n = Math.min(replicasOf(rs), target - total);
    sizes.set(rs.metadata!.name!, replicasOf(rs) - n);
    total += n;
  }
  return sizes;
}

/** The desired/max replica annotations a ReplicaSet should carry for this Deployment; true if they changed. */
export function setReplicasAnnotations(rs: ReplicaSet, d: Deployment): boolean {
  const annotations = (rs.metadata!.annotations ??= {});
  const desired = String(replicasOf(d));
  const max = String(replicasOf(d) + maxSurge(d));
  if (annotations[DESIRED_REPLICAS] === desired && annotations[MAX_REPLICAS] === max) return false;
  annotations[DESIRED_REPLICAS] = desired;
  annotations[MAX_REPLICAS] = max;
  return true;
}

/**
 * SetNewReplicaSetAnnotations: copy the Deployment's annotations and set the
 * revision (keeping the earlier ones in revision-history when a ReplicaSet is reused).
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: bigint, exists: boolean): boolean {
  const meta = rs.metadata!;
  const before = JSON.stringify(meta.annotations ?? {});
  const annotations = (meta.annotations ??= {});
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) {
    if (!NOT_COPIED.has(k)) annotations[k] = v;
  }
  const old = annotations[REVISION];
  if (old === undefined || revisionOf(rs) < newRevision) {
    annotations[REVISION] = String(newRevision);
    if (old !== undefined && exists) {
      annotations[REVISION_HISTORY] = annotations[REVISION_HISTORY] ? `${annotations[REVISION_HISTORY]},${old}` : old;
    }
  }
  if (!exists) setReplicasAnnotations(rs, d);
  return JSON.stringify(annotations) !== before;
}

/** The ReplicaSets cleanupDeployment deletes to keep revisionHistoryLimit old ones. */
export function replicaSetsToCleanUp(d: Deployment, oldRSs: ReplicaSet[]): ReplicaSet[] {
  const limit = d.spec?.revisionHistoryLimit;
  if (limit === undefined || limit === null) return [];
  const cleanable = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
  const diff = cleanable.length - limit;
  if (diff <= 0) return [];
  const byRevision = [...cleanable].sort((a, b) => compareRevisions(a, b) || byCreation(a, b));
  return byRevision
    .slice(0, diff)
    .filter((rs) => (rs.status?.replicas ?? 0) === 0 && replicasOf(rs) === 0 && (rs.metadata?.generation ?? 0) <= (rs.status?.observedGeneration ?? 0));
}
