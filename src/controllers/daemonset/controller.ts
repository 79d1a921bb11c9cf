// The DaemonSet controller: one pod per eligible node, added and removed as
// nodes come and go, replaced node by node on a template change (RollingUpdate
// with maxUnavailable/maxSurge) or only when deleted (OnDelete).
import * as resources from '../../client/resources.js';
import type { ResourceClient } from '../../client/types.js';
import { WorkQueue } from '../../client/workqueue.js';
import { selectorOf } from '../../api/workloads-common.js';
import { getScaledValueFromIntOrPercent } from '../../machinery/intorstring.js';
import type { Controller, ControllerContext, EventRecorder } from '../context.js';
import { claimObjects } from '../controller-utils/claim.js';
import { CONTROLLER_REVISION_HASH, byRevision, equalRevisions, newRevision, nextRevisionNumber } from '../controller-utils/history.js';
import { addPodControllerUIDIndexer, podOwnerEvents, isPodAvailable, isPodReady, newControllerRef, podFromTemplate, podNamePrefix, podsOwnedBy } from '../controller-utils/pods.js';
import { isAlreadyExists, isNotFound, keyOf, runQueue, splitKey, updateStatusRetrying, type ReconcileResult } from '../controller-utils/run.js';
import type { ControllerRevision, DaemonSet, Node, Pod, PodTemplateSpec } from '../controller-utils/types.js';
import { daemonTolerations, pinToNode, shouldRunOn, targetNodeName } from './eligibility.js';

export const POD_TEMPLATE_GENERATION = 'pod-template-generation';

type DaemonSetStatus = NonNullable<DaemonSet['status']>;

const isActive = (p: Pod) => !p.metadata?.deletionTimestamp;
const hashOf = (p: Pod) => p.metadata?.labels?.[CONTROLLER_REVISION_HASH];

export class DaemonSetController {
  private readonly queue = new WorkQueue<string>();
  private readonly daemonSets;
  private readonly pods;
  private readonly nodes;
  private readonly revisions;
  private readonly recorder: EventRecorder;
  private readonly podClient: ResourceClient<Pod>;
  private readonly dsClient: ResourceClient<DaemonSet>;
  private readonly revisionClient: ResourceClient<ControllerRevision>;

  constructor(private readonly ctx: ControllerContext) {
    this.daemonSets = ctx.informers.informerFor<DaemonSet>(resources.daemonsets);
    this.pods = ctx.informers.informerFor<Pod>(resources.pods);
    addPodControllerUIDIndexer(this.pods);
    this.nodes = ctx.informers.informerFor<Node>(resources.nodes);
    this.revisions = ctx.informers.informerFor<ControllerRevision>(resources.controllerrevisions);
    this.recorder = ctx.recorder('daemonset-controller');
    this.podClient = ctx.client.resource<Pod>(resources.pods);
    this.dsClient = ctx.client.resource<DaemonSet>(resources.daemonsets);
    this.revisionClient = ctx.client.resource<ControllerRevision>(resources.controllerrevisions);
    this.daemonSets.addEventHandler({
      onAdd: (ds) => this.queue.add(keyOf(ds)),
      onUpdate: (_o, ds) => this.queue.add(keyOf(ds)),
      onDelete: (ds) => this.queue.add(keyOf(ds)),
    });
    const all = () => this.daemonSets.lister.list().forEach((ds) => this.queue.add(keyOf(ds)));
    this.nodes.addEventHandler({
      onAdd: all,
      onUpdate: (old, node) => {
        const relevant = (n: Node) => JSON.stringify([n.metadata?.labels, n.spec?.taints, n.spec?.unschedulable, n.status?.conditions?.find((c) => c.type === 'Ready')?.status]);
        if (relevant(old) !== relevant(node)) all();
      },
      onDelete: all,
    });
    this.pods.addEventHandler(podOwnerEvents('DaemonSet', this.daemonSets.lister, this.queue));
  }

  run(signal: AbortSignal): Promise<void> {
    return runQueue(this.ctx, signal, this.queue, 2, (key) => this.sync(key));
  }

  async sync(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const cached = this.daemonSets.lister.get(namespace, name);
    if (!cached || cached.metadata?.deletionTimestamp) return;
    const ds = structuredClone(cached);
    const selector = selectorOf(ds.spec?.selector);
    if (!selector || selector.empty()) return;
    const ownerRef = newControllerRef(ds, 'apps/v1', 'DaemonSet');
    const freshOwner = () => this.dsClient.get(namespace, name).catch(() => undefined);
    const pods = (await claimObjects(podsOwnedBy(this.pods, ds, true), { owner: ds, ownerRef, selector, resource: this.podClient, freshOwner })).filter(isActive);
    const revisions = await claimObjects(this.revisions.lister.list(namespace), { owner: ds, ownerRef, selector, resource: this.revisionClient, freshOwner });
    const current = await this.syncRevision(ds, revisions);
    const hash = current.metadata!.labels![CONTROLLER_REVISION_HASH];
    const nodes = this.nodes.lister.list();
    const byNode = new Map<string, Pod[]>();
    for (const pod of pods) {
      const node = targetNodeName(pod);
      if (node) byNode.set(node, [...(byNode.get(node) ?? []), pod]);
    }
    await this.manage(ds, nodes, byNode, hash);
    if ((ds.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') await this.rollingUpdate(ds, nodes, byNode, hash);
    await this.truncateHistory(ds, revisions, pods, current);
    const status = this.status(ds, nodes, byNode, hash);
    const old = ds.status ?? ({} as DaemonSetStatus);
    const keys = Object.keys(status) as (keyof DaemonSetStatus)[];
    if (keys.some((k) => (old[k] ?? 0) !== (status[k] ?? 0))) await updateStatusRetrying(this.dsClient, ds, { ...old, ...status });
    const minReady = ds.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && status.numberAvailable! < status.numberReady!) return { requeueAfterMs: minReady * 1000 };
  }

  /** The ControllerRevision of the current template, created or renumbered as needed. */
  private async syncRevision(ds: DaemonSet, revisions: ControllerRevision[]): Promise<ControllerRevision> {
    const sorted = [...revisions].sort(byRevision);
    const ownerRef = newControllerRef(ds, 'apps/v1', 'DaemonSet');
    let collisionCount = ds.status?.collisionCount ?? 0;
    const next = nextRevisionNumber(sorted);
    const candidate = newRevision(ds, ownerRef, ds.spec?.template, next, collisionCount);
    const equal = sorted.filter((r) => equalRevisions(r, candidate));
    if (equal.length > 0) {
      const latest = equal[equal.length - 1];
      if (latest === sorted[sorted.length - 1]) return latest;
      return this.revisionClient.update({ ...structuredClone(latest), revision: next });
    }
    for (;;) {
      const attempt = newRevision(ds, ownerRef, ds.spec?.template, next, collisionCount);
      try {
        return await this.revisionClient.create(ds.metadata?.namespace, attempt);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        const existing = await this.revisionClient.get(ds.metadata?.namespace, attempt.metadata!.name!);
        if (equalRevisions(existing, attempt)) return existing;
        collisionCount++;
        // The status written at the end of the sync starts from ds.status: it must carry the count on.
        const updated = await this.dsClient.updateStatus({ ...ds, status: { ...ds.status!, collisionCount } });
        ds.metadata = updated.metadata;
        ds.status = updated.status;
      }
    }
  }

  private newPod(ds: DaemonSet, nodeName: string, hash: string): Pod {
    const template = structuredClone(ds.spec!.template) as PodTemplateSpec;
    template.metadata ??= {};
    template.metadata.labels = { ...(template.metadata.labels ?? {}), [CONTROLLER_REVISION_HASH]: hash, [POD_TEMPLATE_GENERATION]: String(ds.metadata?.generation ?? 1) };
    const pod = podFromTemplate(template, newControllerRef(ds, 'apps/v1', 'DaemonSet'), podNamePrefix(ds.metadata!.name!));
    const spec = pod.spec!;
    spec.tolerations = daemonTolerations(spec);
    pinToNode(spec, nodeName);
    return pod;
  }

  private async createPod(ds: DaemonSet, nodeName: string, hash: string): Promise<void> {
    try {
      const pod = await this.podClient.create(ds.metadata?.namespace, this.newPod(ds, nodeName, hash));
      this.recorder.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata?.name}`);
    } catch (err) {
      this.recorder.event(ds, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
      throw err;
    }
  }

  private async deletePod(ds: DaemonSet, pod: Pod): Promise<void> {
    try {
      await this.podClient.delete(pod.metadata?.namespace, pod.metadata!.name!);
      this.recorder.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata?.name}`);
    } catch (err) {
      if (isNotFound(err)) return;
      this.recorder.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
      throw err;
    }
  }

  /** manage: a pod on every node that should run one, none elsewhere, failed ones replaced. */
  private async manage(ds: DaemonSet, nodes: Node[], byNode: Map<string, Pod[]>, hash: string): Promise<void> {
    const creates: string[] = [];
    const deletes: Pod[] = [];
    const known = new Set(nodes.map((n) => n.metadata!.name!));
    for (const node of nodes) {
      const nodeName = node.metadata!.name!;
      const pods = byNode.get(nodeName) ?? [];
      if (!shouldRunOn(ds, node)) {
        deletes.push(...pods);
        continue;
      }
      const failed = pods.filter((p) => p.status?.phase === 'Failed');
      for (const p of failed) {
        this.recorder.event(ds, 'Warning', 'FailedDaemonPod', `Found failed daemon pod ${p.metadata?.namespace}/${p.metadata?.name} on node ${nodeName}, will try to kill it`);
      }
      deletes.push(...failed);
      const running = pods.filter((p) => p.status?.phase !== 'Failed');
      if (running.length === 0) {
        creates.push(nodeName);
      } else if (running.length > 1 && !this.surging(ds)) {
        // Keep the oldest pod of the node.
        const sorted = [...running].sort((a, b) => Date.parse(a.metadata?.creationTimestamp ?? '') - Date.parse(b.metadata?.creationTimestamp ?? ''));
        deletes.push(...sorted.slice(1));
      }
    }
    // Pods pinned to nodes that no longer exist.
    for (const [nodeName, pods] of byNode) if (!known.has(nodeName)) deletes.push(...pods);
    const results = await Promise.allSettled([...creates.map((n) => this.createPod(ds, n, hash)), ...deletes.map((p) => this.deletePod(ds, p))]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason as Error;
  }

  private surging(ds: DaemonSet): boolean {
    const ru = ds.spec?.updateStrategy?.rollingUpdate;
    return (ds.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && !!ru?.maxSurge && ru.maxSurge !== '0%';
  }

  /** rollingUpdate: replace old pods node by node within maxUnavailable (or surge new ones first). */
  private async rollingUpdate(ds: DaemonSet, nodes: Node[], byNode: Map<string, Pod[]>, hash: string): Promise<void> {
    const eligible = nodes.filter((n) => shouldRunOn(ds, n)).map((n) => n.metadata!.name!);
    const desired = eligible.length;
    const ru = ds.spec?.updateStrategy?.rollingUpdate;
    const maxSurge = getScaledValueFromIntOrPercent(ru?.maxSurge ?? 0, desired, true);
    let maxUnavailable = getScaledValueFromIntOrPercent(ru?.maxUnavailable ?? 1, desired, true);
    if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
    const minReady = ds.spec?.minReadySeconds ?? 0;
    const available = (p: Pod) => isPodAvailable(p, minReady);
    if (maxSurge === 0) {
      let unavailable = 0;
      const candidates: Pod[] = [];
      for (const node of eligible) {
        const pods = byNode.get(node) ?? [];
        const old = pods.find((p) => hashOf(p) !== hash);
        if (!pods.some(available)) unavailable++;
        if (!old) continue;
        if (!available(old)) await this.deletePod(ds, old); // an unavailable old pod costs nothing to replace
        else candidates.push(old);
      }
      for (const pod of candidates.slice(0, Math.max(0, maxUnavailable - unavailable))) await this.deletePod(ds, pod);
      return;
    }
    let surged = 0;
    for (const node of eligible) {
      const pods = byNode.get(node) ?? [];
      const old = pods.filter((p) => hashOf(p) !== hash);
      const fresh = pods.find((p) => hashOf(p) === hash);
      if (old.length === 0) continue;
      if (fresh && available(fresh)) {
        for (const p of old) await this.deletePod(ds, p);
      } else if (fresh) {
        surged++;
      } else if (!old.some(available)) {
        for (const p of old) await this.deletePod(ds, p);
      } else if (surged < maxSurge) {
        await this.createPod(ds, node, hash);
        surged++;
      }
    }
  }

  private status(ds: DaemonSet, nodes: Node[], byNode: Map<string, Pod[]>, hash: string): DaemonSetStatus {
    const minReady = ds.spec?.minReadySeconds ?? 0;
    let desired = 0, scheduled = 0, misscheduled = 0, ready = 0, available = 0, updated = 0;
    for (const node of nodes) {
      const pods = byNode.get(node.metadata!.name!) ?? [];
      const run = shouldRunOn(ds, node);
      if (run) desired++;
      if (pods.length === 0) continue;
      if (!run) {
        misscheduled++;
        continue;
      }
      scheduled++;
      const newest = [...pods].sort((a, b) => Date.parse(b.metadata?.creationTimestamp ?? '') - Date.parse(a.metadata?.creationTimestamp ?? ''))[0];
      if (isPodReady(newest)) {
        ready++;
        if (isPodAvailable(newest, minReady)) available++;
      }
      if (pods.some((p) => hashOf(p) === hash)) updated++;
    }
    return {
      observedGeneration: ds.metadata?.generation,
      desiredNumberScheduled: desired,
      currentNumberScheduled: scheduled,
      numberMisscheduled: misscheduled,
      numberReady: ready,
      numberAvailable: available,
      updatedNumberScheduled: updated,
      numberUnavailable: desired - available,
    };
  }

  private async truncateHistory(ds: DaemonSet, revisions: ControllerRevision[], pods: Pod[], current: ControllerRevision): Promise<void> {
    const live = new Set([current.metadata?.name, ...pods.map((p) => `${ds.metadata?.name}-${hashOf(p)}`)]);
    const history = revisions.filter((r) => !live.has(r.metadata?.name)).sort(byRevision);
    const limit = ds.spec?.revisionHistoryLimit ?? 10;
    for (const r of history.slice(0, Math.max(0, history.length - limit))) {
      await this.revisionClient.delete(r.metadata?.namespace, r.metadata!.name!).catch(() => undefined);
    }
  }
}

export const daemonSetController: Controller = {
  name: 'daemonset',
  start: (ctx, signal) => new DaemonSetController(ctx).run(signal),
};
