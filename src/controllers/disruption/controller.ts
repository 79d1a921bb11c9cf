// The disruption controller (upstream pkg/controller/disruption): keeps each
// PodDisruptionBudget's status (expected, desired and current healthy pods, the
// disruptions allowed now, the evictions still pending) current as its pods and
// their controllers change, so that pods/eviction can grant or refuse disruptions.
import * as resources from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import { selectorOf } from '../../api/workloads-common.js';
import { nowTimestamp } from '../../apiserver/registry/metadata.js';
import type { Controller, ControllerContext, ControllerInformer, EventRecorder } from '../context.js';
import { canonicalJson } from '../controller-utils/hash.js';
import { controllerRefOf } from '../controller-utils/pods.js';
import { keyOf, runQueue, splitKey, type ReconcileResult } from '../controller-utils/run.js';
import type { Deployment, Pod, ReplicaSet, ReplicationController, StatefulSet } from '../controller-utils/types.js';
import {
  budgetStatus,
  countHealthyPods,
  disruptedPodMap,
  expectedPodCount,
  failSafeStatus,
  type BudgetStatus,
  type ControllerScale,
  type PodDisruptionBudget,
} from './budget.js';

type Scalable = ReplicaSet | ReplicationController | StatefulSet | Deployment;

const scaleOf = (obj: Scalable): ControllerScale => ({ uid: obj.metadata!.uid!, replicas: obj.spec?.replicas ?? 1 });

export class DisruptionController {
  private readonly queue = new WorkQueue<string>();
  private readonly budgets: ControllerInformer<PodDisruptionBudget>;
  private readonly pods: ControllerInformer<Pod>;
  private readonly replicaSets: ControllerInformer<ReplicaSet>;
  private readonly deployments: ControllerInformer<Deployment>;
  private readonly replicationControllers: ControllerInformer<ReplicationController>;
  private readonly statefulSets: ControllerInformer<StatefulSet>;
  private readonly recorder: EventRecorder;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly now: () => number = Date.now,
  ) {
    const { informers } = ctx;
    this.budgets = informers.informerFor<PodDisruptionBudget>(resources.poddisruptionbudgets);
    this.pods = informers.informerFor<Pod>(resources.pods);
    this.replicaSets = informers.informerFor<ReplicaSet>(resources.replicasets);
    this.deployments = informers.informerFor<Deployment>(resources.deployments);
    this.replicationControllers = informers.informerFor<ReplicationController>(resources.replicationcontrollers);
    this.statefulSets = informers.informerFor<StatefulSet>(resources.statefulsets);
    this.recorder = ctx.recorder('controllermanager');
    const enqueue = (pdb: PodDisruptionBudget) => this.queue.add(keyOf(pdb));
    this.budgets.addEventHandler({ onAdd: enqueue, onUpdate: (_old, pdb) => enqueue(pdb), onDelete: enqueue });
    const podChanged = (pod: Pod) => this.budgetsOf(pod).forEach(enqueue);
    this.pods.addEventHandler({
      onAdd: podChanged,
      onUpdate: (old, pod) => {
        podChanged(pod);
        if (canonicalJson(old.metadata?.labels) !== canonicalJson(pod.metadata?.labels)) podChanged(old);
      },
      onDelete: podChanged,
    });
    // A controller's scale is the expected count of a budget with maxUnavailable or a percentage.
    const scaleChanged = (obj: Scalable) => this.budgets.lister.list(obj.metadata?.namespace).forEach(enqueue);
    for (const informer of [this.replicaSets, this.deployments, this.replicationControllers, this.statefulSets] as ControllerInformer<Scalable>[]) {
      informer.addEventHandler({ onUpdate: (old, obj) => old.spec?.replicas !== obj.spec?.replicas && scaleChanged(obj) });
    }
  }

  run(signal: AbortSignal): Promise<void> {
    return runQueue(this.ctx, signal, this.queue, 2, (key) => this.sync(key));
  }

  private budgetsOf(pod: Pod): PodDisruptionBudget[] {
    const labels = pod.metadata?.labels ?? {};
    return this.budgets.lister.list(pod.metadata?.namespace).filter((pdb) => selectorOf(pdb.spec?.selector)?.matches(labels));
  }

  private podsOf(pdb: PodDisruptionBudget): Pod[] {
    const selector = selectorOf(pdb.spec?.selector);
    return selector ? this.pods.lister.list(pdb.metadata?.namespace, selector) : [];
  }

  /** The finders of upstream's getExpectedScale: ReplicaSets (or their Deployment), ReplicationControllers, StatefulSets. */
  private findScale = (pod: Pod): ControllerScale | undefined => {
    const ref = controllerRefOf(pod)!;
    const namespace = pod.metadata?.namespace ?? '';
    const group = ref.apiVersion.includes('/') ? ref.apiVersion.split('/')[0] : '';
    const sameUid = <T extends Scalable>(obj: T | undefined): T | undefined => (obj?.metadata?.uid === ref.uid ? obj : undefined);
    if (group === 'apps' && ref.kind === 'ReplicaSet') {
      const rs = sameUid(this.replicaSets.lister.get(namespace, ref.name));
      if (!rs) return undefined;
      const owner = controllerRefOf(rs);
      if (owner?.kind === 'Deployment' && owner.apiVersion.startsWith('apps/')) {
        const d = this.deployments.lister.get(namespace, owner.name);
        return d?.metadata?.uid === owner.uid ? scaleOf(d) : undefined;
      }
      return scaleOf(rs);
    }
    if (group === '' && ref.kind === 'ReplicationController') {
      const rc = sameUid(this.replicationControllers.lister.get(namespace, ref.name));
      return rc && scaleOf(rc);
    }
    if (group === 'apps' && ref.kind === 'StatefulSet') {
      const sts = sameUid(this.statefulSets.lister.get(namespace, ref.name));
      return sts && scaleOf(sts);
    }
    return undefined;
  };

  async sync(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const cached = this.budgets.lister.get(namespace, name);
    if (!cached || cached.metadata?.deletionTimestamp) return;
    const pdb = structuredClone(cached);
    const pods = this.podsOf(pdb);
    if (pods.length === 0) this.recorder.event(pdb, 'Normal', 'NoPods', 'No matching pods found');
    const now = this.now();
    const stamp = nowTimestamp(new Date(now));
    let counts: ReturnType<typeof expectedPodCount>;
    try {
      counts = expectedPodCount(pdb, pods, this.findScale);
    } catch (err) {
      const message = (err as Error).message;
      this.recorder.event(pdb, 'Warning', 'CalculateExpectedPodCountFailed', `Failed to calculate the number of expected pods: ${message}`);
      await this.writeStatus(pdb, failSafeStatus(pdb, message, stamp));
      return;
    }
    if (counts.unmanagedPods.length > 0) {
      this.recorder.event(
        pdb,
        'Warning',
        'UnmanagedPods',
        'Pods selected by this PodDisruptionBudget were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.',
      );
    }
    const { disruptedPods, recheckAtMs, notDeleted } = disruptedPodMap(pdb, pods, now);
    for (const pod of notDeleted) this.recorder.event(pdb, 'Warning', 'NotDeleted', `Pod ${namespace}/${pod} was expected by PDB ${namespace}/${name} to be deleted but it wasn't`);
    const currentHealthy = countHealthyPods(pods, disruptedPods, now);
    await this.writeStatus(pdb, budgetStatus(pdb, { ...counts, currentHealthy, disruptedPods }, stamp));
    if (recheckAtMs !== undefined) return { requeueAfterMs: Math.max(0, recheckAtMs - now) };
  }

  private async writeStatus(pdb: PodDisruptionBudget, status: BudgetStatus): Promise<void> {
    if (canonicalJson(pdb.status ?? {}) === canonicalJson(status)) return;
    // No blind retry on a conflict: an eviction may have taken a disruption meanwhile; the requeue recounts.
    await this.ctx.client.resource<PodDisruptionBudget>(resources.poddisruptionbudgets).updateStatus({ ...pdb, status });
  }
}

export const disruptionController: Controller = {
  name: 'disruption',
  start: (ctx, signal) => new DisruptionController(ctx).run(signal),
};
