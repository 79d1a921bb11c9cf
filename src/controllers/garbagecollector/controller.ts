// The garbage collector (upstream pkg/controller/garbagecollector): watches
// every listable, watchable, deletable resource found through discovery, keeps
// the owner/dependent graph, and
// - deletes dependents whose owners are all verified gone (a live GET by uid),
// - for an owner deleted in the foreground, deletes its dependents first and
//   removes `foregroundDeletion` once no blocking dependent is left,
// - for an owner deleted with `orphan`, strips its ownerReferences from the
//   dependents, then removes the finalizer.
// Its state is only the graph, rebuilt from the informers on every start.
import { WorkQueue, runWorkers } from '../../client/workqueue.js';
import type { KubeObject, ResourceClient } from '../../client/types.js';
import type { Controller, ControllerContext, EventRecorder } from '../context.js';
import { discoverPreferredResources, supportsVerbs, apiVersionOfResource, type DiscoveredResource } from '../controller-utils/discovery.js';
import { isConflict, isNotFound, sleep } from '../controller-utils/run.js';
import {
  FINALIZER_FOREGROUND,
  FINALIZER_ORPHAN,
  Graph,
  identityString,
  type GraphNode,
  type ObjectIdentity,
  type OwnerReference,
} from './graph.js';

/** Resources the collector does not watch (upstream DefaultIgnoredResources). */
const ignoredResources = new Set(['/events', 'events.k8s.io/events']);
/** How often discovery is read again to pick up new resources (upstream: 30 s). */
export const DISCOVERY_RESYNC_MS = 30_000;
const WORKERS = 10;
const SYNC_TIMEOUT_MS = 30_000;
const MAX_VIRTUAL_POLL_MS = 5 * 60_000;

/** An ownerReference naming a namespaced kind from a cluster-scoped dependent can never resolve. */
class InvalidOwnerScope extends Error {}
/** A kind discovery does not know (yet): retried quietly, as upstream's restMappingError. */
class RestMappingError extends Error {}

type Classified = { solid: OwnerReference[]; dangling: OwnerReference[]; waiting: OwnerReference[] };

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

export class GarbageCollector {
  readonly graph: Graph;
  private readonly deleteQueue = new WorkQueue<string>();
  private readonly orphanQueue = new WorkQueue<string>();
  /** Resources by "group/Kind" (any served version maps to the preferred one). */
  private readonly byKind = new Map<string, DiscoveredResource>();
  private readonly monitored = new Set<string>();
  private readonly recorder: EventRecorder;
  private readonly reportedInvalid = new Set<string>();
  private readonly virtualPolls = new Map<string, number>();

  constructor(private readonly ctx: ControllerContext) {
    this.recorder = ctx.recorder('garbage-collector-controller');
    this.graph = new Graph({
      attemptToDelete: (n) => this.deleteQueue.add(n.identity.uid),
      attemptToOrphan: (n) => this.orphanQueue.add(n.identity.uid),
      invalidNamespaceOwnerRef: (dep, ref) => this.reportInvalidNamespace(dep, ref),
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    signal.addEventListener('abort', () => {
      this.deleteQueue.shutDown();
      this.orphanQueue.shutDown();
    }, { once: true });
    while (!signal.aborted) {
      try {
        await this.resyncMonitors();
        break;
      } catch (err) {
        this.ctx.log.warn(`discovery failed: ${(err as Error).message}`);
        await sleep(1000, signal);
      }
    }
    // A resource that cannot be listed must not stop collection: decisions rest on live GETs, not on the graph alone.
    const synced = await Promise.race([this.ctx.informers.waitForCacheSync(), sleep(SYNC_TIMEOUT_MS, signal).then(() => 'timeout' as const)]);
    if (signal.aborted || synced === false) return;
    if (synced === 'timeout') this.ctx.log.warn('timed out waiting for the dependency graph to sync; collecting anyway');
    else this.ctx.log.info(`graph synced: ${this.graph.size} objects over ${this.monitored.size} resources`);
    const resync = setInterval(() => void this.resyncMonitors().catch((err: Error) => this.ctx.log.debug(`discovery: ${err.message}`)), DISCOVERY_RESYNC_MS);
    signal.addEventListener('abort', () => clearInterval(resync), { once: true });
    const onError = (uid: unknown, err: unknown) => {
      const log = isConflict(err) || err instanceof RestMappingError ? this.ctx.log.debug : this.ctx.log.warn;
      log(`error syncing item ${String(uid)}: ${(err as Error).message}`);
    };
    await Promise.all([
      runWorkers(this.deleteQueue, WORKERS, (uid) => this.attemptToDelete(uid), { onError }),
      runWorkers(this.orphanQueue, 2, (uid) => this.attemptToOrphan(uid), { onError }),
    ]);
  }

  /** Reads discovery and starts watching resources not watched yet. */
  async resyncMonitors(): Promise<void> {
    const { resources } = await discoverPreferredResources(this.ctx.client);
    for (const r of resources) {
      const key = `${r.group}/${r.kind}`;
      if (!this.byKind.has(key) || this.byKind.get(key)!.version !== r.version) this.byKind.set(key, r);
    }
    for (const r of resources) {
      const key = `${r.group}/${r.resource}`;
      if (this.monitored.has(key) || ignoredResources.has(key) || !supportsVerbs(r, 'list', 'watch', 'delete')) continue;
      this.monitored.add(key);
      this.monitor(r);
    }
  }

  private monitor(r: DiscoveredResource): void {
    const apiVersion = apiVersionOfResource(r);
    const identity = (obj: KubeObject): ObjectIdentity => ({
      apiVersion,
      kind: r.kind,
      name: obj.metadata?.name ?? '',
      namespace: obj.metadata?.namespace ?? '',
      uid: obj.metadata?.uid ?? '',
    });
    const meta = (obj: KubeObject) => ({ ...obj.metadata, ownerReferences: obj.metadata?.ownerReferences as OwnerReference[] | undefined });
    this.ctx.informers.informerFor<KubeObject>(r).addEventHandler({
      onAdd: (obj) => this.graph.observe(identity(obj), meta(obj)),
      onUpdate: (old, obj) => this.graph.observe(identity(obj), meta(obj), meta(old)),
      onDelete: (obj) => this.graph.remove(identity(obj)),
    });
  }

  private resourceFor(apiVersion: string, kind: string): DiscoveredResource {
    const r = this.byKind.get(`${groupOf(apiVersion)}/${kind}`);
    if (!r) throw new RestMappingError(`unable to get REST mapping for ${apiVersion}/${kind}`);
    return r;
  }

  private client(r: DiscoveredResource): ResourceClient<KubeObject> {
    return this.ctx.client.resource<KubeObject>(r);
  }

  /** The live object of a node, or undefined when it is gone (or another object holds its name). */
  private async getLive(id: ObjectIdentity): Promise<KubeObject | undefined> {
    const r = this.resourceFor(id.apiVersion, id.kind);
    // A namespaced kind named from a cluster-scoped object has no namespace to look in.
    if (r.namespaced && !id.namespace) return undefined;
    try {
      const obj = await this.client(r).get(r.namespaced ? id.namespace : undefined, id.name);
      return obj.metadata?.uid === id.uid ? obj : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** upstream attemptToDeleteItem. */
  private async attemptToDelete(uid: string): Promise<void> {
    const node = this.graph.get(uid);
    if (!node) return;
    if (node.beingDeleted && !node.deletingDependents) return;
    const latest = await this.getLive(node.identity);
    if (!latest) {
      // Gone, or a virtual owner that never existed: its dependents lose this owner.
      this.virtualPolls.delete(uid);
      this.graph.remove(node.identity, true);
      return;
    }
    if (node.virtual) {
      // It exists but no informer has shown it yet (or none watches its kind): look again, less and less often.
      const polls = this.virtualPolls.get(uid) ?? 0;
      this.virtualPolls.set(uid, polls + 1);
      this.deleteQueue.addAfter(uid, Math.min(1000 * 2 ** polls, MAX_VIRTUAL_POLL_MS));
      return;
    }
    this.virtualPolls.delete(uid);
    if (node.deletingDependents) return this.processDeletingDependents(node);
    const refs = (latest.metadata?.ownerReferences ?? []) as OwnerReference[];
    if (refs.length === 0) return;
    let classified: Classified;
    try {
      classified = await this.classify(node, refs);
    } catch (err) {
      if (err instanceof InvalidOwnerScope) return;
      throw err;
    }
    const { solid, dangling, waiting } = classified;
    if (solid.length > 0) {
      if (dangling.length === 0 && waiting.length === 0) return;
      // Some owners remain: only the references to the gone or going ones are removed.
      const drop = new Set([...dangling, ...waiting].map((r) => r.uid));
      await this.patchOwnerReferences(node, (owners) => owners.filter((o) => !drop.has(o.uid)));
      return;
    }
    if (waiting.length > 0 && node.dependents.size > 0) {
      // Our owner waits for us and we have dependents: go in the foreground too, unblocking any cycle first.
      if ([...node.dependents].some((d) => d.deletingDependents)) {
        await this.patchOwnerReferences(node, (owners) => owners.map((o) => (o.blockOwnerDeletion ? { ...o, blockOwnerDeletion: false } : o)));
      }
      await this.deleteObject(node.identity, 'Foreground');
      return;
    }
    const finalizers = latest.metadata?.finalizers ?? [];
    const policy = finalizers.includes(FINALIZER_ORPHAN) ? 'Orphan' : finalizers.includes(FINALIZER_FOREGROUND) ? 'Foreground' : 'Background';
    await this.deleteObject(node.identity, policy);
  }

  /** Sorts an object's owner references into present, gone, and being deleted in the foreground. */
  private async classify(node: GraphNode, refs: OwnerReference[]): Promise<Classified> {
    const out: Classified = { solid: [], dangling: [], waiting: [] };
    for (const ref of refs) {
      const owner = await this.lookupOwner(node, ref);
      if (!owner) out.dangling.push(ref);
      else if (owner.metadata?.deletionTimestamp && (owner.metadata.finalizers ?? []).includes(FINALIZER_FOREGROUND)) out.waiting.push(ref);
      else out.solid.push(ref);
    }
    return out;
  }

  /** upstream isDangling: the owner by a live GET, undefined when verified absent. */
  private async lookupOwner(node: GraphNode, ref: OwnerReference): Promise<KubeObject | undefined> {
    const r = this.resourceFor(ref.apiVersion, ref.kind);
    const namespace = r.namespaced ? node.identity.namespace : '';
    const id: ObjectIdentity = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, namespace };
    if (r.namespaced && node.identity.namespace === '') {
      this.reportInvalidNamespace(node, ref);
      throw new InvalidOwnerScope(`${identityString(node.identity)} is cluster-scoped but refers to a namespaced owner`);
    }
    if (this.graph.isAbsent(id)) return undefined;
    let owner: KubeObject | undefined;
    try {
      owner = await this.client(r).get(r.namespaced ? namespace : undefined, ref.name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (!owner || owner.metadata?.uid !== ref.uid) {
      this.graph.markAbsent(id);
      const elsewhere = this.graph.get(ref.uid);
      if (elsewhere && !elsewhere.virtual && elsewhere.identity.namespace !== '' && elsewhere.identity.namespace !== namespace) this.reportInvalidNamespace(node, ref);
      return undefined;
    }
    return owner;
  }

  /** upstream processDeletingDependentsItem. */
  private async processDeletingDependents(node: GraphNode): Promise<void> {
    const blocking = node.blockingDependents();
    if (blocking.length === 0) return this.removeFinalizer(node, FINALIZER_FOREGROUND);
    for (const dep of blocking) if (!dep.deletingDependents) this.deleteQueue.add(dep.identity.uid);
  }

  /** upstream attemptToOrphanWorker: strip the owner from every dependent, then drop `orphan`. */
  private async attemptToOrphan(uid: string): Promise<void> {
    const owner = this.graph.get(uid);
    if (!owner) return;
    const failures: string[] = [];
    await Promise.all(
      [...owner.dependents].map((dep) =>
        this.patchOwnerReferences(dep, (owners) => owners.filter((o) => o.uid !== uid)).catch((err: Error) => {
          failures.push(`orphaning ${identityString(dep.identity)} failed: ${err.message}`);
        }),
      ),
    );
    if (failures.length > 0) throw new Error(failures.join('; '));
    await this.removeFinalizer(owner, FINALIZER_ORPHAN);
  }

  private async deleteObject(id: ObjectIdentity, propagationPolicy: 'Orphan' | 'Foreground' | 'Background'): Promise<void> {
    const r = this.resourceFor(id.apiVersion, id.kind);
    try {
      await this.client(r).delete(r.namespaced ? id.namespace : undefined, id.name, { preconditions: { uid: id.uid }, propagationPolicy });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /** Rewrites an object's ownerReferences from its live state (a merge patch carrying uid and resourceVersion). */
  private async patchOwnerReferences(node: GraphNode, change: (owners: OwnerReference[]) => OwnerReference[]): Promise<void> {
    const latest = await this.getLive(node.identity);
    if (!latest) return;
    const owners = (latest.metadata?.ownerReferences ?? []) as OwnerReference[];
    const next = change(owners);
    if (JSON.stringify(next) === JSON.stringify(owners)) return;
    const r = this.resourceFor(node.identity.apiVersion, node.identity.kind);
    const patch = { metadata: { ownerReferences: next.length > 0 ? next : null, uid: node.identity.uid, resourceVersion: latest.metadata?.resourceVersion } };
    try {
      await this.client(r).patch(r.namespaced ? node.identity.namespace : undefined, node.identity.name, 'merge', patch);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async removeFinalizer(node: GraphNode, finalizer: string): Promise<void> {
    const latest = await this.getLive(node.identity);
    if (!latest) return;
    const finalizers = latest.metadata?.finalizers ?? [];
    if (!finalizers.includes(finalizer)) return;
    const r = this.resourceFor(node.identity.apiVersion, node.identity.kind);
    const patch = { metadata: { finalizers: finalizers.filter((f) => f !== finalizer), resourceVersion: latest.metadata?.resourceVersion } };
    try {
      await this.client(r).patch(r.namespaced ? node.identity.namespace : undefined, node.identity.name, 'merge', patch);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private reportInvalidNamespace(dependent: GraphNode, ref: OwnerReference): void {
    const key = `${dependent.identity.uid}/${ref.uid}`;
    if (this.reportedInvalid.has(key)) return;
    this.reportedInvalid.add(key);
    const { apiVersion, kind, name, namespace, uid } = dependent.identity;
    const owner: ObjectIdentity = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, namespace };
    this.recorder.event(
      { apiVersion, kind, metadata: { name, namespace: namespace || undefined, uid } },
      'Warning',
      'OwnerRefInvalidNamespace',
      `ownerRef ${identityString(owner)} does not exist in namespace ${JSON.stringify(namespace)}`,
    );
  }
}

export const garbageCollectorController: Controller = {
  name: 'garbage-collector-controller',
  start: (ctx, signal) => new GarbageCollector(ctx).run(signal),
};
