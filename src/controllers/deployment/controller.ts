// The Deployment controller: owns ReplicaSets named after the pod-template-hash
// and moves pods from the old ones to the new one (RollingUpdate or Recreate),
// scales proportionally, keeps revisionHistoryLimit old ReplicaSets, and
// reports progress through the Progressing and Available conditions.
import * as resources from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { ResourceClient } from '../../client/types.js';
import { selectorOf } from '../../api/workloads-common.js';
import type { Controller, ControllerContext, EventRecorder } from '../context.js';
import { claimObjects } from '../controller-utils/claim.js';
import { computeTemplateHash } from '../controller-utils/hash.js';
import { addPodControllerUIDIndexer, controllerRefOf, newControllerRef, podsOwnedBy } from '../controller-utils/pods.js';
import { isAlreadyExists, keyOf, runQueue, splitKey, type ReconcileResult } from '../controller-utils/run.js';
import type { Deployment, Pod, PodTemplateSpec, ReplicaSet } from '../controller-utils/types.js';
import {
  POD_TEMPLATE_HASH,
  REVISION,
  activeReplicaSets,
  availableScaleDowns,
  equalIgnoreHash,
  findActiveOrLatest,
  findNewReplicaSet,
  isRollingUpdate,
  isSaturated,
  isScalingEvent,
  maxRevision,
  maxScaledDown,
  newRSNewReplicas,
  proportionalSizes,
  replicaSetsToCleanUp,
  replicasOf,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
  sumSpecReplicas,
  unhealthyScaleDowns,
} from './rollout.js';
import {
  FOUND_NEW_RS,
  NEW_RS_CREATED,
  PAUSED,
  RESUMED,
  calculateStatus,
  getCondition,
  hasProgressDeadline,
  isComplete,
  msUntilDeadline,
  newCondition,
  rolloutStatus,
  setCondition,
  statusEqual,
} from './status.js';

const clone = <T>(o: T): T => structuredClone(o);

export class DeploymentController {
  private readonly queue = new WorkQueue<string>();
  private readonly deployments;
  private readonly replicaSets;
  private readonly pods;
  private readonly recorder: EventRecorder;
  private readonly rsClient: ResourceClient<ReplicaSet>;
  private readonly dClient: ResourceClient<Deployment>;

  constructor(private readonly ctx: ControllerContext) {
    this.deployments = ctx.informers.informerFor<Deployment>(resources.deployments);
    this.replicaSets = ctx.informers.informerFor<ReplicaSet>(resources.replicasets);
    this.pods = ctx.informers.informerFor<Pod>(resources.pods);
    addPodControllerUIDIndexer(this.pods);
    this.recorder = ctx.recorder('deployment-controller');
    this.rsClient = ctx.client.resource<ReplicaSet>(resources.replicasets);
    this.dClient = ctx.client.resource<Deployment>(resources.deployments);
    this.deployments.addEventHandler({
      onAdd: (d) => this.queue.add(keyOf(d)),
      onUpdate: (_old, d) => this.queue.add(keyOf(d)),
      onDelete: (d) => this.queue.add(keyOf(d)),
    });
    this.replicaSets.addEventHandler({
      onAdd: (rs) => this.replicaSetChanged(rs),
      onUpdate: (old, rs) => {
        const oldRef = controllerRefOf(old);
        if (oldRef && oldRef.uid !== controllerRefOf(rs)?.uid) this.replicaSetChanged(old);
        this.replicaSetChanged(rs);
      },
      onDelete: (rs) => this.replicaSetChanged(rs),
    });
    // Recreate waits for the old pods to be gone.
    this.pods.addEventHandler({ onDelete: (pod) => this.podDeleted(pod) });
  }

  run(signal: AbortSignal): Promise<void> {
    return runQueue(this.ctx, signal, this.queue, 5, (key) => this.sync(key));
  }

  private ownerOf(obj: ReplicaSet | Pod): Deployment | undefined {
    const ref = controllerRefOf(obj);
    if (!ref || ref.kind !== 'Deployment') return undefined;
    const d = this.deployments.lister.get(obj.metadata?.namespace, ref.name);
    return d?.metadata?.uid === ref.uid ? d : undefined;
  }

  private replicaSetChanged(rs: ReplicaSet): void {
    const owner = this.ownerOf(rs);
    if (owner) return this.queue.add(keyOf(owner));
    if (controllerRefOf(rs)) return;
    for (const d of this.deployments.lister.list(rs.metadata?.namespace)) {
      if (selectorOf(d.spec?.selector)?.matches(rs.metadata?.labels ?? {})) this.queue.add(keyOf(d));
    }
  }

  private podDeleted(pod: Pod): void {
    const ref = controllerRefOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return;
    const rs = this.replicaSets.lister.get(pod.metadata?.namespace, ref.name);
    const d = rs && this.ownerOf(rs);
    if (d && !isRollingUpdate(d)) this.queue.add(keyOf(d));
  }

  async sync(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const cached = this.deployments.lister.get(namespace, name);
    if (!cached) return;
    const d = clone(cached);
    const selector = selectorOf(d.spec?.selector);
    if (!selector || selector.empty()) {
      this.recorder.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
        await this.dClient.updateStatus({ ...d, status: { ...d.status, observedGeneration: d.metadata?.generation } });
      }
      return;
    }
    const rsList = await claimObjects(this.replicaSets.lister.list(namespace), {
      owner: d,
      ownerRef: newControllerRef(d, 'apps/v1', 'Deployment'),
      selector,
      resource: this.rsClient,
      freshOwner: () => this.dClient.get(namespace, name).catch(() => undefined),
    });
    if (d.metadata?.deletionTimestamp) return this.syncStatusOnly(d, rsList);
    await this.checkPausedConditions(d);
    if (d.spec?.paused) return this.syncScale(d, rsList);
    const { newRS, oldRSs } = await this.replicaSetsAndRevision(d, rsList, false);
    if (isScalingEvent(d, [...oldRSs, ...(newRS ? [newRS] : [])])) return this.syncScale(d, rsList);
    return isRollingUpdate(d) ? this.rolloutRolling(d, rsList) : this.rolloutRecreate(d, rsList);
  }

  // ---- revisions and the new ReplicaSet ----

  private async replicaSetsAndRevision(d: Deployment, rsList: ReplicaSet[], create: boolean): Promise<{ newRS?: ReplicaSet; oldRSs: ReplicaSet[] }> {
    const existing = findNewReplicaSet(d, rsList);
    const oldRSs = rsList.filter((rs) => rs !== existing);
    const newRS = await this.newReplicaSet(d, rsList, existing, oldRSs, create);
    return { newRS, oldRSs };
  }

  /** getNewReplicaSet: the ReplicaSet of the current template, its revision synced; created when asked. */
  private async newReplicaSet(d: Deployment, rsList: ReplicaSet[], existing: ReplicaSet | undefined, oldRSs: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
    const newRevision = maxRevision(oldRSs) + 1n;
    if (existing) {
      const rs = clone(existing);
      const changed = setNewReplicaSetAnnotations(d, rs, newRevision, true);
      const minReadyChanged = (rs.spec!.minReadySeconds ?? 0) !== (d.spec?.minReadySeconds ?? 0);
      let current = existing;
      if (changed || minReadyChanged) {
        rs.spec!.minReadySeconds = d.spec?.minReadySeconds;
        current = await this.rsClient.update(rs);
      }
      let needsUpdate = this.setDeploymentRevision(d, current.metadata?.annotations?.[REVISION]);
      if (hasProgressDeadline(d) && !getCondition(d.status, 'Progressing')) {
        d.status ??= {};
        setCondition(d.status, newCondition('Progressing', 'True', FOUND_NEW_RS, `Found new replica set "${current.metadata?.name}"`));
        needsUpdate = true;
      }
      if (needsUpdate) await this.writeStatus(d);
      return current;
    }
    if (!create) return undefined;
    const collisionCount = d.status?.collisionCount ?? undefined;
    const template = clone(d.spec!.template!) as PodTemplateSpec;
    const hash = computeTemplateHash(template, collisionCount);
    template.metadata ??= {};
    template.metadata.labels = { ...(template.metadata.labels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const selector = clone(d.spec!.selector);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH]: hash };
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata!.name}-${hash}`,
        namespace: d.metadata!.namespace,
        ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
        labels: template.metadata.labels,
      },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds, selector, template: template as NonNullable<ReplicaSet['spec']>['template'] },
    };
    rs.spec!.replicas = newRSNewReplicas(d, rsList, rs);
    setNewReplicaSetAnnotations(d, rs, newRevision, false);
    let created: ReplicaSet;
    try {
      created = await this.rsClient.create(d.metadata!.namespace, rs);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      // The name is taken: by our own ReplicaSet of this template (a stale cache), or by a hash collision.
      const taken = await this.rsClient.get(d.metadata!.namespace, rs.metadata!.name!);
      if (controllerRefOf(taken)?.uid === d.metadata?.uid && equalIgnoreHash(taken.spec?.template as PodTemplateSpec, d.spec?.template as PodTemplateSpec)) {
        return taken;
      }
      d.status ??= {};
      d.status.collisionCount = (d.status.collisionCount ?? 0) + 1;
      await this.writeStatus(d);
      throw new Error(`hash collision for ReplicaSet "${rs.metadata!.name}"; collisionCount is now ${d.status.collisionCount}`);
    }
    if (replicasOf(created) > 0) {
      this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata?.name} from 0 to ${replicasOf(created)}`);
    }
    this.setDeploymentRevision(d, String(newRevision));
    if (hasProgressDeadline(d)) {
      d.status ??= {};
      setCondition(d.status, newCondition('Progressing', 'True', NEW_RS_CREATED, `Created new replica set "${created.metadata?.name}"`));
    }
    await this.writeStatus(d);
    return created;
  }

  private setDeploymentRevision(d: Deployment, revision: string | undefined): boolean {
    if (revision === undefined) return false;
    const annotations = (d.metadata!.annotations ??= {});
    if (annotations[REVISION] === revision) return false;
    annotations[REVISION] = revision;
    return true;
  }

  /** Writes status (and the revision annotation, which a status update may change); keeps `d` current. */
  private async writeStatus(d: Deployment): Promise<void> {
    const written = await this.dClient.updateStatus(d);
    d.metadata = written.metadata;
  }

  // ---- scaling ----

  /** scaleReplicaSetAndRecordEvent: resize (and re-annotate) one ReplicaSet. */
  private async scaleReplicaSet(rs: ReplicaSet, size: number, d: Deployment): Promise<ReplicaSet> {
    const copy = clone(rs);
    const annotationsChanged = setReplicasAnnotations(copy, d);
    const from = replicasOf(rs);
    if (from === size && !annotationsChanged) return rs;
    copy.spec!.replicas = size;
    const updated = await this.rsClient.update(copy);
    if (from !== size) {
      const op = size > from ? 'up' : 'down';
      this.recorder.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata?.name} from ${from} to ${size}`);
    }
    return updated;
  }

  /** `scale`: a change of replicas shared among the active ReplicaSets. */
  private async scale(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
    const only = findActiveOrLatest(newRS, oldRSs);
    if (only) {
      if (replicasOf(only) !== replicasOf(d)) await this.scaleReplicaSet(only, replicasOf(d), d);
      return;
    }
    if (isSaturated(d, newRS)) {
      for (const old of activeReplicaSets(oldRSs)) await this.scaleReplicaSet(old, 0, d);
      return;
    }
    if (!isRollingUpdate(d)) return;
    const active = activeReplicaSets([...oldRSs, ...(newRS ? [newRS] : [])]);
    const sizes = proportionalSizes(d, active);
    for (const rs of active) await this.scaleReplicaSet(rs, sizes.get(rs.metadata!.name!)!, d);
  }

  /** `sync`: scaling only (paused deployments and scaling events), then status. */
  private async syncScale(d: Deployment, rsList: ReplicaSet[]): Promise<void | ReconcileResult> {
    const { newRS, oldRSs } = await this.replicaSetsAndRevision(d, rsList, false);
    await this.scale(d, newRS, oldRSs);
    if (d.spec?.paused) await this.cleanup(d, oldRSs);
    return this.syncStatusOnly(d, this.fresh(rsList));
  }

  private async syncStatusOnly(d: Deployment, rsList: ReplicaSet[]): Promise<void> {
    const newRS = findNewReplicaSet(d, rsList);
    const status = calculateStatus(rsList, newRS, d);
    if (!statusEqual(d.status, status)) await this.writeStatus({ ...d, status });
  }

  /** checkPausedConditions: Progressing Unknown while paused, until resumed. */
  private async checkPausedConditions(d: Deployment): Promise<void> {
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status, 'Progressing');
    if (cond?.reason === 'ProgressDeadlineExceeded') return;
    const paused = !!d.spec?.paused;
    d.status ??= {};
    if (paused && cond?.reason !== PAUSED) {
      setCondition(d.status, newCondition('Progressing', 'Unknown', PAUSED, 'Deployment is paused'));
    } else if (!paused && cond?.reason === PAUSED) {
      setCondition(d.status, newCondition('Progressing', 'Unknown', RESUMED, 'Deployment is resumed'));
    } else {
      return;
    }
    await this.writeStatus(d);
  }

  /** The cache's latest copy of each ReplicaSet (after our writes it may be newer than the list we started with). */
  private fresh(rsList: ReplicaSet[]): ReplicaSet[] {
    return rsList.map((rs) => {
      const latest = this.replicaSets.lister.get(rs.metadata?.namespace, rs.metadata!.name!);
      return latest && latest.metadata?.uid === rs.metadata?.uid ? latest : rs;
    });
  }

  // ---- rollouts ----

  private async rolloutRolling(d: Deployment, rsList: ReplicaSet[]): Promise<void | ReconcileResult> {
    const { newRS: created, oldRSs } = await this.replicaSetsAndRevision(d, rsList, true);
    let newRS = created!;
    let allRSs = [...oldRSs, newRS];
    // reconcileNewReplicaSet
    if (replicasOf(newRS) !== replicasOf(d)) {
      const size = replicasOf(newRS) > replicasOf(d) ? replicasOf(d) : newRSNewReplicas(d, allRSs, newRS);
      if (size !== replicasOf(newRS)) {
        newRS = await this.scaleReplicaSet(newRS, size, d);
        return this.syncRolloutStatus(d, [...oldRSs, newRS], newRS);
      }
    }
    // reconcileOldReplicaSets
    let old = activeReplicaSets(oldRSs);
    if (sumSpecReplicas(old) > 0) {
      const budget = maxScaledDown(d, allRSs, newRS);
      if (budget > 0) {
        let scaled = false;
        const unhealthy = unhealthyScaleDowns(old, budget);
        old = await Promise.all(old.map((rs) => (unhealthy.has(rs.metadata!.name!) ? this.scaleReplicaSet(rs, unhealthy.get(rs.metadata!.name!)!, d) : rs)));
        scaled ||= unhealthy.size > 0;
        allRSs = [...old, newRS];
        const healthy = availableScaleDowns(d, allRSs, old);
        for (const rs of old) {
          const size = healthy.get(rs.metadata!.name!);
          if (size !== undefined) await this.scaleReplicaSet(rs, size, d);
        }
        scaled ||= healthy.size > 0;
        if (scaled) return this.syncRolloutStatus(d, this.fresh([...oldRSs, newRS]), newRS);
      }
    }
    const status = calculateStatus(allRSs, newRS, d);
    if (isComplete(d, status)) await this.cleanup(d, oldRSs);
    return this.syncRolloutStatus(d, this.fresh([...oldRSs, newRS]), newRS);
  }

  private async rolloutRecreate(d: Deployment, rsList: ReplicaSet[]): Promise<void | ReconcileResult> {
    let { newRS, oldRSs } = await this.replicaSetsAndRevision(d, rsList, false);
    const active = activeReplicaSets(oldRSs);
    if (active.length > 0) {
      for (const rs of active) await this.scaleReplicaSet(rs, 0, d);
      return this.syncRolloutStatus(d, this.fresh([...oldRSs, ...(newRS ? [newRS] : [])]), newRS);
    }
    if (this.oldPodsRunning(oldRSs)) return this.syncRolloutStatus(d, [...oldRSs, ...(newRS ? [newRS] : [])], newRS);
    if (!newRS) ({ newRS, oldRSs } = await this.replicaSetsAndRevision(d, rsList, true));
    if (replicasOf(newRS) !== replicasOf(d)) newRS = await this.scaleReplicaSet(newRS!, replicasOf(d), d);
    const all = [...oldRSs, newRS!];
    if (isComplete(d, calculateStatus(all, newRS, d))) await this.cleanup(d, oldRSs);
    return this.syncRolloutStatus(d, this.fresh(all), newRS);
  }

  /** oldPodsRunning: Recreate starts the new pods only once no old pod is left running. */
  private oldPodsRunning(oldRSs: ReplicaSet[]): boolean {
    if (oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0)) return true;
    return oldRSs.some((rs) => podsOwnedBy(this.pods, rs, false).some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded'));
  }

  private async syncRolloutStatus(d: Deployment, allRSs: ReplicaSet[], newRS: ReplicaSet | undefined): Promise<void | ReconcileResult> {
    const status = rolloutStatus(d, allRSs, newRS);
    if (!statusEqual(d.status, status)) {
      await this.writeStatus({ ...d, status });
      return;
    }
    const wait = msUntilDeadline(d, status);
    return wait === undefined ? undefined : { requeueAfterMs: wait };
  }

  /** cleanupDeployment: delete old ReplicaSets beyond revisionHistoryLimit. */
  private async cleanup(d: Deployment, oldRSs: ReplicaSet[]): Promise<void> {
    for (const rs of replicaSetsToCleanUp(d, oldRSs)) {
      await this.rsClient.delete(rs.metadata?.namespace, rs.metadata!.name!).catch(() => undefined);
    }
  }
}

export const deploymentController: Controller = {
  name: 'deployment',
  start: (ctx, signal) => new DeploymentController(ctx).run(signal),
};
