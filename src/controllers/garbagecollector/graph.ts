// The garbage collector's dependency graph (upstream GraphBuilder): one node
// per object uid, edges from owners to dependents taken from ownerReferences.
// Informer events update it synchronously; the transitions that need work
// (an owner gone, a foreground or orphan deletion starting, an owner
// reference removed) put nodes on the attemptToDelete / attemptToOrphan queues.
import type { ObjectMeta } from '../../machinery/meta.js';

export const FINALIZER_ORPHAN = 'orphan';
export const FINALIZER_FOREGROUND = 'foregroundDeletion';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Where an object is: its coordinates and uid (upstream objectReference). */
export interface ObjectIdentity {
  apiVersion: string;
  kind: string;
  name: string;
  /** Empty for cluster-scoped objects. */
  namespace: string;
  uid: string;
}

/** upstream objectReference.String(). */
export function identityString(id: ObjectIdentity): string {
  return `[${id.apiVersion}/${id.kind}, namespace: ${id.namespace}, name: ${id.name}, uid: ${id.uid}]`;
}

export class GraphNode {
  readonly dependents = new Set<GraphNode>();
  owners: OwnerReference[] = [];
  /** Known only as somebody's owner, not yet seen by an informer. */
  virtual = true;
  beingDeleted = false;
  /** Being deleted with the foregroundDeletion finalizer: dependents go first. */
  deletingDependents = false;

  constructor(public identity: ObjectIdentity) {}

  /** Dependents whose reference to this node blocks its deletion. */
  blockingDependents(): GraphNode[] {
    return [...this.dependents].filter((dep) => dep.owners.some((o) => o.uid === this.identity.uid && o.blockOwnerDeletion === true));
  }
}

/** What the graph asks the collector to do. */
export interface GraphSink {
  attemptToDelete(node: GraphNode): void;
  attemptToOrphan(node: GraphNode): void;
  /** A dependent refers to an owner observed in another namespace (OwnerRefInvalidNamespace). */
  invalidNamespaceOwnerRef(dependent: GraphNode, owner: OwnerReference): void;
}

type Meta = Pick<ObjectMeta, 'deletionTimestamp' | 'finalizers'> & { ownerReferences?: OwnerReference[] };

const beingDeleted = (meta: Meta | undefined) => !!meta?.deletionTimestamp;
const hasFinalizer = (meta: Meta | undefined, f: string) => (meta?.finalizers ?? []).includes(f);

/** Deletion with finalizer `f` started between `old` and `cur` (or `cur` is the first sighting). */
function deletionStartsWith(old: Meta | undefined, cur: Meta, f: string): boolean {
  if (!beingDeleted(cur) || !hasFinalizer(cur, f)) return false;
  return old === undefined || !beingDeleted(old) || !hasFinalizer(old, f);
}

function sameCoordinates(ref: OwnerReference, id: ObjectIdentity): boolean {
  return ref.apiVersion === id.apiVersion && ref.kind === id.kind && ref.name === id.name && ref.uid === id.uid;
}

export class Graph {
  private readonly nodes = new Map<string, GraphNode>();
  /** Owners verified absent, by identityString (upstream absentOwnerCache). */
  private readonly absent = new Map<string, true>();

  constructor(
    private readonly sink: GraphSink,
    private readonly absentCacheSize = 500,
  ) {}

  get(uid: string): GraphNode | undefined {
    return this.nodes.get(uid);
  }

  get size(): number {
    return this.nodes.size;
  }

  isAbsent(id: ObjectIdentity): boolean {
    return this.absent.has(identityString(id));
  }

  markAbsent(id: ObjectIdentity): void {
    const key = identityString(id);
    this.absent.delete(key);
    this.absent.set(key, true);
    if (this.absent.size > this.absentCacheSize) this.absent.delete(this.absent.keys().next().value!);
  }

  /** An object added or updated, as an informer saw it (`old`: its previous state, if any). */
  observe(identity: ObjectIdentity, meta: Meta, old?: Meta): void {
    let node = this.nodes.get(identity.uid);
    if (node?.virtual) this.replaceVirtual(node, identity);
    if (!node) {
      node = new GraphNode(identity);
      node.virtual = false;
      node.owners = meta.ownerReferences ?? [];
      this.nodes.set(identity.uid, node);
      this.addToOwners(node, node.owners);
    } else {
      this.updateOwners(node, meta.ownerReferences ?? []);
    }
    node.beingDeleted = beingDeleted(meta);
    node.deletingDependents = node.beingDeleted && hasFinalizer(meta, FINALIZER_FOREGROUND);
    this.processTransitions(node, meta, old);
  }

  /** An object deleted: seen by an informer, or (virtual) verified absent by a live GET. */
  remove(identity: ObjectIdentity, virtual = false): void {
    const node = this.nodes.get(identity.uid);
    if (!node) return;
    if (virtual && !node.virtual) {
      // The observed object lives elsewhere: only dependents that named these coordinates lose their owner.
      this.markAbsent(identity);
      for (const dep of node.dependents) if (dep.identity.namespace === identity.namespace || identity.namespace === '') this.sink.attemptToDelete(dep);
      return;
    }
    this.nodes.delete(identity.uid);
    for (const ref of node.owners) this.nodes.get(ref.uid)?.dependents.delete(node);
    if (node.dependents.size > 0) this.markAbsent(identity);
    for (const dep of node.dependents) this.sink.attemptToDelete(dep);
    for (const ref of node.owners) {
      const owner = this.nodes.get(ref.uid);
      if (owner?.deletingDependents) this.sink.attemptToDelete(owner);
    }
  }

  /** A virtual node is now observed: dependents whose reference does not match what was seen are checked again. */
  private replaceVirtual(node: GraphNode, observed: ObjectIdentity): void {
    node.virtual = false;
    for (const dep of node.dependents) {
      const wrongNamespace = observed.namespace !== '' && dep.identity.namespace !== observed.namespace;
      const ref = dep.owners.find((o) => o.uid === observed.uid);
      if (wrongNamespace && ref) this.sink.invalidNamespaceOwnerRef(dep, ref);
      if (wrongNamespace || (ref && !sameCoordinates(ref, observed))) this.sink.attemptToDelete(dep);
    }
    node.identity = observed;
  }

  private addToOwners(node: GraphNode, refs: OwnerReference[]): void {
    let suspicious = false;
    for (const ref of refs) {
      let owner = this.nodes.get(ref.uid);
      if (!owner) {
        owner = new GraphNode({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, namespace: node.identity.namespace });
        this.nodes.set(ref.uid, owner);
        owner.dependents.add(node);
        this.sink.attemptToDelete(owner);
        continue;
      }
      owner.dependents.add(node);
      const ownerNamespaced = owner.identity.namespace !== '';
      if (ownerNamespaced && owner.identity.namespace !== node.identity.namespace) {
        if (!owner.virtual) this.sink.invalidNamespaceOwnerRef(node, ref);
        suspicious = true;
      } else if (!sameCoordinates(ref, owner.identity)) {
        suspicious = true;
      }
    }
    if (suspicious) this.sink.attemptToDelete(node);
  }

  private updateOwners(node: GraphNode, refs: OwnerReference[]): void {
    const before = new Map(node.owners.map((r) => [r.uid, r]));
    const after = new Map(refs.map((r) => [r.uid, r]));
    const added = refs.filter((r) => !before.has(r.uid));
    const removed = node.owners.filter((r) => !after.has(r.uid));
    const unblocked = node.owners.filter((r) => r.blockOwnerDeletion === true && (!after.has(r.uid) || after.get(r.uid)!.blockOwnerDeletion !== true));
    node.owners = refs;
    if (added.length === 0 && removed.length === 0 && unblocked.length === 0) return;
    for (const ref of removed) this.nodes.get(ref.uid)?.dependents.delete(node);
    this.addToOwners(node, added);
    // An owner waiting for this dependent may now be free to go.
    for (const ref of unblocked) {
      const owner = this.nodes.get(ref.uid);
      if (owner) this.sink.attemptToDelete(owner);
    }
  }

  private processTransitions(node: GraphNode, meta: Meta, old: Meta | undefined): void {
    if (deletionStartsWith(old, meta, FINALIZER_ORPHAN)) {
      this.sink.attemptToOrphan(node);
      return;
    }
    if (deletionStartsWith(old, meta, FINALIZER_FOREGROUND)) {
      node.deletingDependents = true;
      for (const dep of node.dependents) this.sink.attemptToDelete(dep);
      this.sink.attemptToDelete(node);
    }
  }
}
