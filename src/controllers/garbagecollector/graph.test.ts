import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Graph, identityString, type GraphNode, type ObjectIdentity, type OwnerReference } from './graph.js';

function recordingGraph() {
  const deletes: string[] = [];
  const orphans: string[] = [];
  const invalid: string[] = [];
  const graph = new Graph({
    attemptToDelete: (n: GraphNode) => deletes.push(n.identity.name),
    attemptToOrphan: (n: GraphNode) => orphans.push(n.identity.name),
    invalidNamespaceOwnerRef: (dep: GraphNode, ref: OwnerReference) => invalid.push(`${dep.identity.name}->${ref.name}`),
  });
  return { graph, deletes, orphans, invalid };
}

const id = (name: string, namespace = 'ns', kind = 'ReplicaSet', apiVersion = 'apps/v1'): ObjectIdentity => ({ apiVersion, kind, name, namespace, uid: `uid-${name}` });
const ref = (owner: ObjectIdentity, blockOwnerDeletion?: boolean): OwnerReference => ({
  apiVersion: owner.apiVersion,
  kind: owner.kind,
  name: owner.name,
  uid: owner.uid,
  ...(blockOwnerDeletion === undefined ? {} : { blockOwnerDeletion }),
});
const deleting = (finalizer?: string) => ({ deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: finalizer ? [finalizer] : [] });

test('a dependent seen before its owner makes a virtual owner node to verify', () => {
  const { graph, deletes } = recordingGraph();
  const rs = id('rs');
  const pod = id('pod', 'ns', 'Pod', 'v1');
  graph.observe(pod, { ownerReferences: [ref(rs)] });
  assert.deepEqual(deletes, ['rs']);
  assert.equal(graph.get(rs.uid)?.virtual, true);
  assert.deepEqual([...graph.get(rs.uid)!.dependents].map((d) => d.identity.name), ['pod']);
  graph.observe(rs, {});
  assert.equal(graph.get(rs.uid)?.virtual, false);
  assert.equal(deletes.length, 1, 'an owner that turns up as referenced needs no further check');
});

test('an owner deleted puts its dependents on the delete queue and is remembered as absent', () => {
  const { graph, deletes } = recordingGraph();
  const rs = id('rs');
  graph.observe(rs, {});
  graph.observe(id('a', 'ns', 'Pod', 'v1'), { ownerReferences: [ref(rs)] });
  graph.observe(id('b', 'ns', 'Pod', 'v1'), { ownerReferences: [ref(rs)] });
  graph.remove(rs);
  assert.deepEqual(deletes.sort(), ['a', 'b']);
  assert.equal(graph.get(rs.uid), undefined);
  assert.ok(graph.isAbsent(rs));
});

test('foreground deletion marks the owner and queues it with its dependents; orphan deletion queues the owner for orphaning', () => {
  const { graph, deletes, orphans } = recordingGraph();
  const fg = id('fg');
  const orphan = id('orphan');
  graph.observe(fg, {});
  graph.observe(orphan, {});
  graph.observe(id('p1', 'ns', 'Pod', 'v1'), { ownerReferences: [ref(fg, true)] });
  graph.observe(id('p2', 'ns', 'Pod', 'v1'), { ownerReferences: [ref(orphan)] });
  graph.observe(fg, deleting('foregroundDeletion'), {});
  assert.equal(graph.get(fg.uid)?.deletingDependents, true);
  assert.deepEqual(deletes, ['p1', 'fg']);
  assert.deepEqual(graph.get(fg.uid)!.blockingDependents().map((d) => d.identity.name), ['p1']);
  graph.observe(orphan, deleting('orphan'), {});
  assert.deepEqual(orphans, ['orphan']);
  // The same state seen again is no new transition.
  graph.observe(orphan, deleting('orphan'), deleting('orphan'));
  assert.deepEqual(orphans, ['orphan']);
});

test('removing or unblocking a blocking reference wakes the waiting owner; a gone dependent wakes it too', () => {
  const { graph, deletes } = recordingGraph();
  const rs = id('rs');
  graph.observe(rs, deleting('foregroundDeletion'));
  deletes.length = 0;
  const a = id('a', 'ns', 'Pod', 'v1');
  const b = id('b', 'ns', 'Pod', 'v1');
  graph.observe(a, { ownerReferences: [ref(rs, true)] });
  graph.observe(b, { ownerReferences: [ref(rs, true)] });
  graph.observe(a, { ownerReferences: [ref(rs, false)] });
  assert.deepEqual(deletes, ['rs']);
  assert.deepEqual(graph.get(rs.uid)!.blockingDependents().map((d) => d.identity.name), ['b']);
  graph.remove(b);
  assert.deepEqual(deletes, ['rs', 'rs']);
  assert.deepEqual(graph.get(rs.uid)!.blockingDependents(), []);
});

test('a dependent naming an owner observed in another namespace is reported and re-checked', () => {
  const { graph, deletes, invalid } = recordingGraph();
  const owner = id('owner', 'other', 'ConfigMap', 'v1');
  graph.observe(owner, {});
  graph.observe(id('dep', 'ns', 'ConfigMap', 'v1'), { ownerReferences: [ref(owner)] });
  assert.deepEqual(invalid, ['dep->owner']);
  assert.deepEqual(deletes, ['dep']);
  // Seen the other way round: the virtual owner is replaced by the observed one in another namespace.
  const { graph: g2, deletes: d2, invalid: i2 } = recordingGraph();
  g2.observe(id('dep', 'ns', 'ConfigMap', 'v1'), { ownerReferences: [ref(owner)] });
  g2.observe(owner, {});
  assert.deepEqual(i2, ['dep->owner']);
  assert.deepEqual(d2, ['owner', 'dep']);
});

test('a cluster-scoped owner may have dependents in any namespace', () => {
  const { graph, deletes, invalid } = recordingGraph();
  const pc = id('pc', '', 'PriorityClass', 'scheduling.k8s.io/v1');
  graph.observe(pc, {});
  graph.observe(id('a', 'ns1', 'ConfigMap', 'v1'), { ownerReferences: [ref(pc)] });
  graph.observe(id('b', 'ns2', 'ConfigMap', 'v1'), { ownerReferences: [ref(pc)] });
  assert.deepEqual(invalid, []);
  assert.deepEqual(deletes, []);
});

test('a virtual delete of an observed owner only affects dependents that named those coordinates', () => {
  const { graph, deletes } = recordingGraph();
  const owner = id('owner', 'ns', 'ConfigMap', 'v1');
  graph.observe(owner, {});
  graph.observe(id('dep', 'ns', 'ConfigMap', 'v1'), { ownerReferences: [ref(owner)] });
  graph.remove({ ...owner, namespace: 'elsewhere' }, true);
  assert.ok(graph.get(owner.uid), 'the observed node stays');
  assert.deepEqual(deletes, []);
  graph.remove(owner, true);
  assert.deepEqual(deletes, ['dep']);
});

test('identities print as upstream objectReference', () => {
  assert.equal(identityString(id('x')), '[apps/v1/ReplicaSet, namespace: ns, name: x, uid: uid-x]');
});
