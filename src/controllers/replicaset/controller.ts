// The ReplicaSet controller (and, with another kind adapter, the
// ReplicationController manager): keeps `replicas` active pods matching the
// selector, creating from the template and deleting the least valuable first.
import { WorkQueue } from '../../client/workqueue.js';
import * as resources from '../../client/resources.js';
import type { KubeObject, ResourceRef } from '../../client/types.js';
import { selectorFromSet, type Selector } from '../../machinery/labels.js';
import type { Controller, ControllerContext, EventRecorder } from '../context.js';
import { claimObjects } from '../controller-utils/claim.js';
import { Expectations } from '../controller-utils/expectations.js';
import {
  addPodControllerUIDIndexer,
  controllerRefOf,
  isPodActive,
  isPodAvailable,
  isPodReady,
  msUntilAvailable,
  newControllerRef,
  podFromTemplate,
  podNamePrefix,
  podsOwnedBy,
  podsToDelete,
} from '../controller-utils/pods.js';
import { isNotFound, keyOf, runQueue, splitKey, updateStatusRetrying, type ReconcileResult } from '../controller-utils/run.js';
import { slowStartBatch } from '../controller-utils/slowstart.js';
import type { Pod, PodTemplateSpec } from '../controller-utils/types.js';
import { selectorOf } from '../../api/workloads-common.js';

/** Upstream's cap on pods created or deleted by one sync. */
export const BURST_REPLICAS = 500;

/** What differs between ReplicaSets and ReplicationControllers. */
export interface ReplicaKind {
  ref: ResourceRef;
  apiVersion: string;
  component: string;
  selector(obj: ReplicaOwner): Selector | undefined;
}

/** A ReplicaSet or ReplicationController as this controller reads it. */
export interface ReplicaOwner extends KubeObject {
  spec?: { replicas?: number; minReadySeconds?: number; selector?: unknown; template?: PodTemplateSpec };
  status?: ReplicaStatus;
}

interface ReplicaCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface ReplicaStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: ReplicaCondition[];
}

export const replicaSetKind: ReplicaKind = {
  ref: resources.replicasets,
  apiVersion: 'apps/v1',
  component: 'replicaset-controller',
  selector: (rs) => selectorOf(rs.spec?.selector),
};

export const replicationControllerKind: ReplicaKind = {
  ref: resources.replicationcontrollers,
  apiVersion: 'v1',
  component: 'replication-controller',
  selector: (rc) => {
    const s = rc.spec?.selector as Record<string, string> | undefined;
    return s && Object.keys(s).length > 0 ? selectorFromSet(s) : undefined;
  },
};

/** calculateStatus: the counts of the pods a ReplicaSet controls. */
export function replicaStatus(owner: ReplicaOwner, pods: Pod[], failure: { reason: string; message: string } | undefined, now = Date.now()): ReplicaStatus {
  const templateLabels = selectorFromSet(owner.spec?.template?.metadata?.labels ?? {});
  const minReady = owner.spec?.minReadySeconds ?? 0;
  const status: ReplicaStatus = {
    replicas: pods.length,
    fullyLabeledReplicas: pods.filter((p) => templateLabels.matches(p.metadata?.labels ?? {})).length,
    readyReplicas: pods.filter(isPodReady).length,
    availableReplicas: pods.filter((p) => isPodAvailable(p, minReady, now)).length,
    observedGeneration: owner.metadata?.generation,
  };
  const others = (owner.status?.conditions ?? []).filter((c) => c.type !== 'ReplicaFailure');
  const existing = owner.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
  if (failure) {
    const same = existing && existing.reason === failure.reason && existing.message === failure.message;
    others.push(same ? existing : { type: 'ReplicaFailure', status: 'True', lastTransitionTime: new Date(now).toISOString().replace(/\.\d+Z$/, 'Z'), ...failure });
  }
  if (others.length > 0) status.conditions = others;
  return status;
}

function statusEqual(a: ReplicaStatus | undefined, b: ReplicaStatus): boolean {
  const norm = (s: ReplicaStatus | undefined) =>
    JSON.stringify([s?.replicas ?? 0, s?.fullyLabeledReplicas ?? 0, s?.readyReplicas ?? 0, s?.availableReplicas ?? 0, s?.observedGeneration ?? 0, s?.conditions ?? []]);
  return norm(a) === norm(b);
}

export class ReplicaSetController {
  private readonly queue = new WorkQueue<string>();
  private readonly expectations = new Expectations();
  private readonly owners;
  private readonly pods;
  private readonly recorder: EventRecorder;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly kind: ReplicaKind,
  ) {
    this.owners = ctx.informers.informerFor<ReplicaOwner>(kind.ref);
    this.pods = ctx.informers.informerFor<Pod>(resources.pods);
    addPodControllerUIDIndexer(this.pods);
    this.recorder = ctx.recorder(kind.component);
    this.owners.addEventHandler({
      onAdd: (rs) => this.queue.add(keyOf(rs)),
      onUpdate: (_old, rs) => this.queue.add(keyOf(rs)),
      onDelete: (rs) => {
        this.expectations.delete(keyOf(rs));
        this.queue.add(keyOf(rs));
      },
    });
    this.pods.addEventHandler({
      onAdd: (pod) => this.podAdded(pod),
      onUpdate: (old, pod) => this.podUpdated(old, pod),
      onDelete: (pod) => this.podDeleted(pod),
    });
  }

  run(signal: AbortSignal): Promise<void> {
    return runQueue(this.ctx, signal, this.queue, 5, (key) => this.sync(key));
  }

  /** The owner a controller reference names, if it is one of ours. */
  private ownerOf(pod: Pod, ref = controllerRefOf(pod)): ReplicaOwner | undefined {
    if (!ref || ref.kind !== this.kind.ref.kind) return undefined;
    const owner = this.owners.lister.get(pod.metadata?.namespace, ref.name);
    return owner?.metadata?.uid === ref.uid ? owner : undefined;
  }

  /** Owners whose selector matches an orphan pod. */
  private ownersMatching(pod: Pod): ReplicaOwner[] {
    return this.owners.lister.list(pod.metadata?.namespace).filter((o) => this.kind.selector(o)?.matches(pod.metadata?.labels ?? {}));
  }

  private podAdded(pod: Pod): void {
    if (pod.metadata?.deletionTimestamp) return this.podDeleted(pod);
    const owner = this.ownerOf(pod);
    if (owner) {
      this.expectations.creationObserved(keyOf(owner));
      this.queue.add(keyOf(owner));
    } else if (!controllerRefOf(pod)) {
      for (const o of this.ownersMatching(pod)) this.queue.add(keyOf(o));
    }
  }

  private podUpdated(old: Pod, pod: Pod): void {
    if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
    const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(pod.metadata?.labels ?? {});
    const oldRef = controllerRefOf(old);
    const ref = controllerRefOf(pod);
    if (oldRef && oldRef.uid !== ref?.uid) {
      const previous = this.ownerOf(old, oldRef);
      if (previous) this.queue.add(keyOf(previous));
    }
    const owner = this.ownerOf(pod);
    if (owner) {
      this.queue.add(keyOf(owner));
      // Re-check when the pod becomes available after minReadySeconds.
      const wait = msUntilAvailable(pod, owner.spec?.minReadySeconds ?? 0);
      if (wait !== undefined) this.queue.addAfter(keyOf(owner), wait + 1000);
    } else if (!ref && (labelsChanged || oldRef)) {
      for (const o of this.ownersMatching(pod)) this.queue.add(keyOf(o));
    }
  }

  private podDeleted(pod: Pod): void {
    const owner = this.ownerOf(pod);
    if (!owner) return;
    this.expectations.deletionObserved(keyOf(owner), keyOf(pod));
    this.queue.add(keyOf(owner));
  }

  async sync(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const owner = this.owners.lister.get(namespace, name);
    if (!owner) {
      this.expectations.delete(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const selector = this.kind.selector(owner);
    if (!selector) return;
    const active = podsOwnedBy(this.pods, owner, true).filter(isPodActive);
    const pods = await claimObjects(active, {
      owner,
      ownerRef: newControllerRef(owner, this.kind.apiVersion, this.kind.ref.kind),
      selector,
      resource: this.ctx.client.resource<Pod>(resources.pods),
      freshOwner: () => this.ctx.client.resource<ReplicaOwner>(this.kind.ref).get(namespace, name).catch(() => undefined),
    });
    let failure: { reason: string; message: string } | undefined;
    let manageError: Error | undefined;
    if (needsSync && !owner.metadata?.deletionTimestamp) {
      try {
        await this.manageReplicas(key, owner, pods);
      } catch (err) {
        manageError = err as Error;
        const reason = pods.length < (owner.spec?.replicas ?? 1) ? 'FailedCreate' : 'FailedDelete';
        failure = { reason, message: manageError.message };
      }
    }
    const status = replicaStatus(owner, pods, failure);
    if (!statusEqual(owner.status, status)) {
      await updateStatusRetrying(this.ctx.client.resource<ReplicaOwner>(this.kind.ref), owner, status);
    }
    if (manageError) throw manageError;
    const minReady = owner.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && status.readyReplicas === status.replicas && status.availableReplicas !== status.replicas) {
      return { requeueAfterMs: minReady * 1000 };
    }
  }

  private async manageReplicas(key: string, owner: ReplicaOwner, pods: Pod[]): Promise<void> {
    const replicas = owner.spec?.replicas ?? 1;
    const diff = pods.length - replicas;
    if (diff < 0) await this.createPods(key, owner, Math.min(-diff, BURST_REPLICAS));
    else if (diff > 0) await this.deletePods(key, owner, pods, Math.min(diff, BURST_REPLICAS));
  }

  private async createPods(key: string, owner: ReplicaOwner, count: number): Promise<void> {
    const ns = owner.metadata!.namespace!;
    const podClient = this.ctx.client.resource<Pod>(resources.pods);
    const template = owner.spec!.template!;
    const ref = newControllerRef(owner, this.kind.apiVersion, this.kind.ref.kind);
    this.expectations.expectCreations(key, count);
    const { successes, error } = await slowStartBatch(count, async () => {
      try {
        const pod = await podClient.create(ns, podFromTemplate(template, ref, podNamePrefix(owner.metadata!.name!)));
        this.recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name}`);
      } catch (err) {
        this.expectations.creationObserved(key);
        this.recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
        throw err;
      }
    });
    // Pods never attempted will not be observed either.
    const failed = error ? 1 : 0;
    for (let i = successes + failed; i < count; i++) this.expectations.creationObserved(key);
    if (error) throw error;
  }

  private async deletePods(key: string, owner: ReplicaOwner, pods: Pod[], count: number): Promise<void> {
    const related = this.relatedPods(owner);
    const victims = podsToDelete(pods, related, count);
    this.expectations.expectDeletions(key, victims.map(keyOf));
    const podClient = this.ctx.client.resource<Pod>(resources.pods);
    const results = await Promise.allSettled(
      victims.map(async (pod) => {
        try {
          await podClient.delete(pod.metadata?.namespace, pod.metadata!.name!);
          this.recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata?.name}`);
        } catch (err) {
          this.expectations.deletionObserved(key, keyOf(pod));
          if (isNotFound(err)) return;
          this.recorder.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
          throw err;
        }
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason as Error;
  }

  /** Pods of the ReplicaSets sharing this one's owner (a Deployment's other ReplicaSets), for ranking by node. */
  private relatedPods(owner: ReplicaOwner): Pod[] {
    const ownerRef = controllerRefOf(owner);
    const siblings = ownerRef
      ? this.owners.lister.list(owner.metadata?.namespace).filter((o) => controllerRefOf(o)?.uid === ownerRef.uid)
      : [owner];
    return siblings.flatMap((o) => podsOwnedBy(this.pods, o, false));
  }
}

export function replicaController(name: string, kind: ReplicaKind): Controller {
  return {
    name,
    start: (ctx, signal) => new ReplicaSetController(ctx, kind).run(signal),
  };
}

export const replicaSetController = replicaController('replicaset', replicaSetKind);
export const replicationController = replicaController('replicationcontroller', replicationControllerKind);
