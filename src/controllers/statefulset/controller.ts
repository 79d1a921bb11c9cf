// The StatefulSet controller: pods `<set>-<ordinal>` with stable names and
// storage, created in order (OrderedReady: the next only once the previous is
// Running and Ready) or all at once (Parallel), removed from the highest
// ordinal down, and updated from the highest ordinal down to the partition.
import * as resources from '../../client/resources.js';
import type { ResourceClient } from '../../client/types.js';
import { WorkQueue } from '../../client/workqueue.js';
import { selectorOf } from '../../api/workloads-common.js';
import type { Controller, ControllerContext, EventRecorder } from '../context.js';
import { claimObjects } from '../controller-utils/claim.js';
import { CONTROLLER_REVISION_HASH, byRevision, equalRevisions, newRevision, nextRevisionNumber } from '../controller-utils/history.js';
import { addPodControllerUIDIndexer, controllerRefOf, podOwnerEvents, isPodAvailable, isPodReady, newControllerRef, podsOwnedBy } from '../controller-utils/pods.js';
import { isAlreadyExists, isNotFound, keyOf, runQueue, splitKey, updateStatusRetrying, type ReconcileResult } from '../controller-utils/run.js';
import type { ControllerRevision, PersistentVolumeClaim, Pod, StatefulSet } from '../controller-utils/types.js';
import { identityMatches, isMemberOf, newStatefulSetPod, ordinalOf, parentAndOrdinal, persistentVolumeClaims, startOrdinal, withIdentityLabels } from './identity.js';

type SetStatus = NonNullable<StatefulSet['status']>;

const isFailed = (p: Pod) => p.status?.phase === 'Failed';
const isSucceeded = (p: Pod) => p.status?.phase === 'Succeeded';
const isTerminating = (p: Pod) => !!p.metadata?.deletionTimestamp;
const isRunningAndReady = (p: Pod) => p.status?.phase === 'Running' && isPodReady(p);
const revisionOfPod = (p: Pod) => p.metadata?.labels?.[CONTROLLER_REVISION_HASH];

export class StatefulSetController {
  private readonly queue = new WorkQueue<string>();
  private readonly sets;
  private readonly pods;
  private readonly revisions;
  private readonly claims;
  private readonly recorder: EventRecorder;
  private readonly podClient: ResourceClient<Pod>;
  private readonly setClient: ResourceClient<StatefulSet>;
  private readonly revisionClient: ResourceClient<ControllerRevision>;
  private readonly claimClient: ResourceClient<PersistentVolumeClaim>;

  constructor(private readonly ctx: ControllerContext) {
    this.sets = ctx.informers.informerFor<StatefulSet>(resources.statefulsets);
    this.pods = ctx.informers.informerFor<Pod>(resources.pods);
    addPodControllerUIDIndexer(this.pods);
    this.revisions = ctx.informers.informerFor<ControllerRevision>(resources.controllerrevisions);
    this.claims = ctx.informers.informerFor<PersistentVolumeClaim>(resources.persistentvolumeclaims);
    this.recorder = ctx.recorder('statefulset-controller');
    this.podClient = ctx.client.resource<Pod>(resources.pods);
    this.setClient = ctx.client.resource<StatefulSet>(resources.statefulsets);
    this.revisionClient = ctx.client.resource<ControllerRevision>(resources.controllerrevisions);
    this.claimClient = ctx.client.resource<PersistentVolumeClaim>(resources.persistentvolumeclaims);
    this.sets.addEventHandler({
      onAdd: (s) => this.queue.add(keyOf(s)),
      onUpdate: (_o, s) => this.queue.add(keyOf(s)),
      onDelete: (s) => this.queue.add(keyOf(s)),
    });
    this.pods.addEventHandler(podOwnerEvents('StatefulSet', this.sets.lister, this.queue));
  }

  run(signal: AbortSignal): Promise<void> {
    return runQueue(this.ctx, signal, this.queue, 5, (key) => this.sync(key));
  }

  async sync(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const cached = this.sets.lister.get(namespace, name);
    if (!cached || cached.metadata?.deletionTimestamp) return;
    const set = structuredClone(cached);
    const selector = selectorOf(set.spec?.selector);
    if (!selector || selector.empty()) return;
    const ownerRef = newControllerRef(set, 'apps/v1', 'StatefulSet');
    const freshOwner = () => this.setClient.get(namespace, name).catch(() => undefined);
    const candidates = podsOwnedBy(this.pods, set, true).filter((p) => isMemberOf(set, p) || controllerRefOf(p)?.uid === set.metadata?.uid);
    const pods = await claimObjects(candidates, { owner: set, ownerRef, selector, resource: this.podClient, freshOwner });
    const revisions = await claimObjects(this.revisions.lister.list(namespace), { owner: set, ownerRef, selector, resource: this.revisionClient, freshOwner });
    const { current, update, collisionCount } = await this.syncRevisions(set, revisions);
    const status = await this.updatePods(set, pods, current, update);
    status.collisionCount = collisionCount;
    const final = this.completeRollingUpdate(set, status);
    await this.writeStatus(set, final);
    await this.truncateHistory(set, [...revisions], pods, current, update);
    const minReady = set.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && (final.availableReplicas ?? 0) < (final.readyReplicas ?? 0)) return { requeueAfterMs: minReady * 1000 };
  }

  /** getStatefulSetRevisions: the current and update revisions, creating the update one if the template is new. */
  private async syncRevisions(set: StatefulSet, revisions: ControllerRevision[]): Promise<{ current: ControllerRevision; update: ControllerRevision; collisionCount: number }> {
    let collisionCount = set.status?.collisionCount ?? 0;
    const sorted = [...revisions].sort(byRevision);
    const ownerRef = newControllerRef(set, 'apps/v1', 'StatefulSet');
    const candidate = newRevision(set, ownerRef, set.spec?.template, nextRevisionNumber(sorted), collisionCount);
    const equal = sorted.filter((r) => equalRevisions(r, candidate));
    let update: ControllerRevision;
    if (equal.length > 0 && equal[equal.length - 1] === sorted[sorted.length - 1]) {
      update = sorted[sorted.length - 1];
    } else if (equal.length > 0) {
      const latest = equal[equal.length - 1];
      update = await this.revisionClient.update({ ...structuredClone(latest), revision: candidate.revision });
    } else {
      for (;;) {
        const attempt = newRevision(set, ownerRef, set.spec?.template, candidate.revision!, collisionCount);
        try {
          update = await this.revisionClient.create(set.metadata?.namespace, attempt);
          break;
        } catch (err) {
          if (!isAlreadyExists(err)) throw err;
          const existing = await this.revisionClient.get(set.metadata?.namespace, attempt.metadata!.name!);
          if (equalRevisions(existing, attempt) && controllerRefOf(existing)?.uid === set.metadata?.uid) {
            update = existing;
            break;
          }
          collisionCount++;
        }
      }
    }
    const current = sorted.find((r) => r.metadata?.name === set.status?.currentRevision) ?? update;
    return { current, update, collisionCount };
  }

  /** The pod of an ordinal at the revision it should run (newVersionedStatefulSetPod). */
  private versionedPod(set: StatefulSet, current: ControllerRevision, update: ControllerRevision, ordinal: number): Pod {
    const ownerRef = newControllerRef(set, 'apps/v1', 'StatefulSet');
    const strategy = set.spec?.updateStrategy;
    const rolling = (strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const partition = strategy?.rollingUpdate?.partition ?? 0;
    if (rolling && ordinal < startOrdinal(set) + partition && current.metadata?.name !== update.metadata?.name) {
      return newStatefulSetPod(this.setAt(set, current), ordinal, ownerRef, current.metadata!.name!);
    }
    return newStatefulSetPod(set, ordinal, ownerRef, update.metadata!.name!);
  }

  /** The set with the template a revision recorded (ApplyRevision). */
  private setAt(set: StatefulSet, revision: ControllerRevision): StatefulSet {
    const template = (revision.data as { spec?: { template?: Record<string, unknown> } } | undefined)?.spec?.template;
    if (!template) return set;
    const copy = structuredClone(set);
    const rest = { ...template };
    delete rest.$patch;
    copy.spec!.template = rest as NonNullable<StatefulSet['spec']>['template'];
    return copy;
  }

  private async createPod(set: StatefulSet, pod: Pod): Promise<void> {
    const ordinal = ordinalOf(pod);
    const whenDeleted = set.spec?.persistentVolumeClaimRetentionPolicy?.whenDeleted ?? 'Retain';
    for (const claim of persistentVolumeClaims(set, ordinal)) {
      if (this.claims.lister.get(claim.metadata?.namespace, claim.metadata!.name!)) continue;
      if (whenDeleted === 'Delete') claim.metadata!.ownerReferences = [{ ...newControllerRef(set, 'apps/v1', 'StatefulSet'), blockOwnerDeletion: true }];
      try {
        await this.claimClient.create(claim.metadata?.namespace, claim);
        this.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Claim ${claim.metadata?.name} Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} success`);
      } catch (err) {
        if (isAlreadyExists(err)) continue;
        this.recorder.event(set, 'Warning', 'FailedCreate', `create Claim ${claim.metadata?.name} for Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} failed error: ${(err as Error).message}`);
        throw err;
      }
    }
    try {
      await this.podClient.create(set.metadata?.namespace, pod);
      this.recorder.event(set, 'Normal', 'SuccessfulCreate', `create Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} successful`);
    } catch (err) {
      if (isAlreadyExists(err)) return;
      this.recorder.event(set, 'Warning', 'FailedCreate', `create Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} failed error: ${(err as Error).message}`);
      throw err;
    }
  }

  private async deletePod(set: StatefulSet, pod: Pod, scaledDown: boolean): Promise<void> {
    if (scaledDown && set.spec?.persistentVolumeClaimRetentionPolicy?.whenScaled === 'Delete') {
      // The claims go with the pod: the garbage collector deletes them once the pod is gone.
      for (const claim of persistentVolumeClaims(set, ordinalOf(pod))) {
        const existing = this.claims.lister.get(claim.metadata?.namespace, claim.metadata!.name!);
        if (!existing) continue;
        const ref = { apiVersion: 'v1', kind: 'Pod', name: pod.metadata!.name!, uid: pod.metadata!.uid!, controller: false, blockOwnerDeletion: true };
        const refs = [...(existing.metadata?.ownerReferences ?? []).filter((r) => r.kind !== 'StatefulSet'), ref];
        await this.claimClient.patch(claim.metadata?.namespace, claim.metadata!.name!, 'merge', { metadata: { ownerReferences: refs } });
      }
    }
    try {
      await this.podClient.delete(pod.metadata?.namespace, pod.metadata!.name!);
      this.recorder.event(set, 'Normal', 'SuccessfulDelete', `delete Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} successful`);
    } catch (err) {
      if (isNotFound(err)) return;
      this.recorder.event(set, 'Warning', 'FailedDelete', `delete Pod ${pod.metadata?.name} in StatefulSet ${set.metadata?.name} failed error: ${(err as Error).message}`);
      throw err;
    }
  }

  /** updateStatefulSet: one step towards the desired pods; returns the status it observed. */
  private async updatePods(set: StatefulSet, pods: Pod[], current: ControllerRevision, update: ControllerRevision): Promise<SetStatus> {
    const replicaCount = set.spec?.replicas ?? 1;
    const start = startOrdinal(set);
    const monotonic = (set.spec?.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
    const minReady = set.spec?.minReadySeconds ?? 0;
    const status: SetStatus = {
      observedGeneration: set.metadata?.generation,
      replicas: 0,
      readyReplicas: 0,
      availableReplicas: 0,
      currentReplicas: 0,
      updatedReplicas: 0,
      currentRevision: current.metadata?.name,
      updateRevision: update.metadata?.name,
    };
    const replicas = new Map<number, Pod>();
    const condemned: Pod[] = [];
    for (const pod of pods) {
      const ordinal = ordinalOf(pod);
      if (ordinal >= start && ordinal < start + replicaCount) replicas.set(ordinal, pod);
      else if (ordinal >= 0) condemned.push(pod);
      if (isTerminating(pod)) continue;
      status.replicas++;
      if (isRunningAndReady(pod)) status.readyReplicas!++;
      if (isRunningAndReady(pod) && isPodAvailable(pod, minReady)) status.availableReplicas!++;
      if (revisionOfPod(pod) === current.metadata?.name) status.currentReplicas!++;
      if (revisionOfPod(pod) === update.metadata?.name) status.updatedReplicas!++;
    }
    condemned.sort((a, b) => ordinalOf(b) - ordinalOf(a));

    const wait = () => status;
    for (let ordinal = start; ordinal < start + replicaCount; ordinal++) {
      let pod = replicas.get(ordinal);
      if (pod && (isFailed(pod) || isSucceeded(pod)) && !isTerminating(pod)) {
        this.recorder.event(set, 'Warning', 'RecreatingFailedPod', `StatefulSet ${set.metadata?.namespace}/${set.metadata?.name} is recreating ${isFailed(pod) ? 'failed' : 'terminated'} Pod ${pod.metadata?.name}`);
        await this.deletePod(set, pod, false);
        if (monotonic) return wait();
        continue;
      }
      if (!pod) {
        pod = this.versionedPod(set, current, update, ordinal);
        await this.createPod(set, pod);
        if (monotonic) return wait();
        continue;
      }
      if (isTerminating(pod)) {
        if (monotonic) return wait();
        continue;
      }
      if (monotonic && !(isRunningAndReady(pod) && isPodAvailable(pod, minReady))) return wait();
      if (!identityMatches(set, pod)) await this.podClient.update(withIdentityLabels(pod));
    }

    for (const pod of condemned) {
      if (isTerminating(pod)) {
        if (monotonic) return wait();
        continue;
      }
      const firstUnhealthy = [...replicas.values(), ...condemned].sort((a, b) => ordinalOf(a) - ordinalOf(b)).find((p) => !isRunningAndReady(p) || isTerminating(p));
      if (monotonic && !isRunningAndReady(pod) && pod !== firstUnhealthy) return wait();
      await this.deletePod(set, pod, true);
      if (monotonic) return wait();
    }

    const strategy = set.spec?.updateStrategy;
    if ((strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') return status;
    const partition = strategy?.rollingUpdate?.partition ?? 0;
    for (let ordinal = start + replicaCount - 1; ordinal >= start + partition; ordinal--) {
      const pod = replicas.get(ordinal);
      if (!pod) continue;
      if (revisionOfPod(pod) !== update.metadata?.name && !isTerminating(pod)) {
        await this.deletePod(set, pod, false);
        return status;
      }
      if (!isRunningAndReady(pod)) return status;
    }
    return status;
  }

  /** completeRollingUpdate: once every pod runs the update revision, it becomes the current one. */
  private completeRollingUpdate(set: StatefulSet, status: SetStatus): SetStatus {
    const rolling = (set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const replicas = set.spec?.replicas ?? 1;
    if (rolling && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas && status.replicas === replicas) {
      return { ...status, currentReplicas: status.updatedReplicas, currentRevision: status.updateRevision };
    }
    return status;
  }

  private async writeStatus(set: StatefulSet, status: SetStatus): Promise<void> {
    const old = set.status ?? ({} as SetStatus);
    const fields = ['observedGeneration', 'replicas', 'readyReplicas', 'availableReplicas', 'currentReplicas', 'updatedReplicas', 'currentRevision', 'updateRevision', 'collisionCount'] as const;
    if (fields.every((f) => (old[f] ?? 0) === (status[f] ?? 0))) return;
    await updateStatusRetrying(this.setClient, set, { ...old, ...status });
  }

  /** truncateHistory: keep revisionHistoryLimit revisions besides the live ones. */
  private async truncateHistory(set: StatefulSet, revisions: ControllerRevision[], pods: Pod[], current: ControllerRevision, update: ControllerRevision): Promise<void> {
    const live = new Set([current.metadata?.name, update.metadata?.name, ...pods.map(revisionOfPod)]);
    const history = revisions.filter((r) => !live.has(r.metadata?.name)).sort(byRevision);
    const limit = set.spec?.revisionHistoryLimit ?? 10;
    for (const r of history.slice(0, Math.max(0, history.length - limit))) {
      await this.revisionClient.delete(r.metadata?.namespace, r.metadata!.name!).catch(() => undefined);
    }
  }
}

export const statefulSetController: Controller = {
  name: 'statefulset',
  start: (ctx, signal) => new StatefulSetController(ctx).run(signal),
};

export { parentAndOrdinal };
