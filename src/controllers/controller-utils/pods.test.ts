import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Indexer, Lister } from '../../client/cache.js';
import type { ControllerInformer } from '../context.js';
import { addPodControllerUIDIndexer, comparePodsForDeletion, isPodAvailable, podFromTemplate, podNamePrefix, podsOwnedBy, podsToDelete } from './pods.js';
import type { Pod } from './types.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

function pod(name: string, o: { node?: string; phase?: string; ready?: boolean; readySince?: number; restarts?: number; age?: number; cost?: number } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      creationTimestamp: ago(o.age ?? 1000),
      ...(o.cost !== undefined ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': String(o.cost) } } : {}),
    },
    spec: { containers: [], ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      phase: (o.phase ?? 'Running') as 'Running',
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: ago(o.readySince ?? 500) }],
      containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: true, restartCount: o.restarts ?? 0 }],
    },
  };
}

const order = (pods: Pod[]) => [...pods].sort((a, b) => comparePodsForDeletion(a, b, () => 0, NOW)).map((p) => p.metadata!.name);

test('pods to delete first: unassigned, then pending, not ready, cheaper, newer, more restarts', () => {
  assert.deepEqual(order([pod('assigned', { node: 'n' }), pod('unassigned')]), ['unassigned', 'assigned']);
  assert.deepEqual(order([pod('running', { node: 'n' }), pod('pending', { node: 'n', phase: 'Pending' }), pod('unknown', { node: 'n', phase: 'Unknown' })]), ['pending', 'unknown', 'running']);
  assert.deepEqual(order([pod('ready', { node: 'n' }), pod('unready', { node: 'n', ready: false })]), ['unready', 'ready']);
  assert.deepEqual(order([pod('expensive', { node: 'n', cost: 10 }), pod('cheap', { node: 'n', cost: -5 })]), ['cheap', 'expensive']);
  // Ready for 10 s versus ~17 min: different powers of two, the recently ready one goes first.
  assert.deepEqual(order([pod('long', { node: 'n', readySince: 1000 }), pod('recent', { node: 'n', readySince: 10 })]), ['recent', 'long']);
  assert.deepEqual(order([pod('calm', { node: 'n' }), pod('crashy', { node: 'n', restarts: 5 })]), ['crashy', 'calm']);
  assert.deepEqual(order([pod('old', { node: 'n', age: 5000 }), pod('young', { node: 'n', age: 5 })]), ['young', 'old']);
});

test('podsToDelete prefers pods doubled up on a node with related pods', () => {
  const pods = [pod('alone', { node: 'a' }), pod('crowded', { node: 'b' })];
  const related = [...pods, pod('sibling', { node: 'b' })];
  assert.deepEqual(podsToDelete(pods, related, 1, NOW).map((p) => p.metadata!.name), ['crowded']);
  assert.equal(podsToDelete(pods, related, 5, NOW).length, 2);
});

test('a pod is available once ready for minReadySeconds', () => {
  const p = pod('p', { readySince: 10 });
  assert.equal(isPodAvailable(p, 0, NOW), true);
  assert.equal(isPodAvailable(p, 5, NOW), true);
  assert.equal(isPodAvailable(p, 30, NOW), false);
  assert.equal(isPodAvailable(pod('q', { ready: false }), 0, NOW), false);
});

test('pods from a template carry its labels, the controller reference and a generated name', () => {
  const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'u1', controller: true, blockOwnerDeletion: true };
  const p = podFromTemplate({ metadata: { labels: { app: 'web' }, annotations: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } }, ref, podNamePrefix('web'));
  assert.equal(p.metadata?.generateName, 'web-');
  assert.deepEqual(p.metadata?.labels, { app: 'web' });
  assert.deepEqual(p.metadata?.ownerReferences, [ref]);
  assert.equal(p.spec?.containers[0].image, 'nginx');
});

test('podsOwnedBy: the pods an owner controls in its namespace, and that namespace\'s orphans when asked', () => {
  const indexer = new Indexer<Pod>();
  const informer: ControllerInformer<Pod> = {
    lister: new Lister(indexer),
    addEventHandler: () => undefined,
    hasSynced: () => true,
    addIndexer: (name, fn) => indexer.addIndexer(name, fn),
    hasIndexer: (name) => indexer.hasIndexer(name),
    byIndex: (name, value) => indexer.byIndex(name, value),
  };
  const ref = (uid: string) => [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: uid, uid, controller: true }];
  const at = (name: string, namespace: string, ownerReferences?: ReturnType<typeof ref>): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, ...(ownerReferences ? { ownerReferences } : {}) } });
  indexer.set(at('mine', 'a', ref('u1')));
  indexer.set(at('theirs', 'a', ref('u2')));
  indexer.set(at('orphan', 'a'));
  indexer.set(at('orphan-elsewhere', 'b'));
  indexer.set(at('forged', 'b', ref('u1')));
  addPodControllerUIDIndexer(informer);
  addPodControllerUIDIndexer(informer); // a second controller on the same shared informer
  const owner = { metadata: { uid: 'u1', namespace: 'a' } };
  const names = (pods: Pod[]) => pods.map((p) => p.metadata?.name).sort();
  assert.deepEqual(names(podsOwnedBy(informer, owner, false)), ['mine']);
  assert.deepEqual(names(podsOwnedBy(informer, owner, true)), ['mine', 'orphan']);
  // Adoption moves a pod from the orphans to its owner.
  indexer.set(at('orphan', 'a', ref('u1')));
  assert.deepEqual(names(podsOwnedBy(informer, owner, false)), ['mine', 'orphan']);
});
