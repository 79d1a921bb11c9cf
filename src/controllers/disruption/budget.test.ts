import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../controller-utils/types.js';
import { budgetStatus, countHealthyPods, disruptedPodMap, expectedPodCount, failSafeStatus, type PodDisruptionBudget } from './budget.js';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const ready = [{ type: 'Ready', status: 'True' }];

function pod(name: string, o: { owner?: string; ready?: boolean; deleting?: boolean } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'ns',
      ...(o.deleting ? { deletionTimestamp: '2026-01-01T11:59:00Z' } : {}),
      ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: o.owner, uid: o.owner, controller: true }] } : {}),
    },
    status: { phase: 'Running', conditions: o.ready === false ? [] : ready },
  };
}
const pdb = (spec: PodDisruptionBudget['spec'], status?: PodDisruptionBudget['status']): PodDisruptionBudget => ({ metadata: { name: 'foo', generation: 2 }, spec, status });
const scales: Record<string, number> = { a: 3, b: 2 };
const findScale = (p: Pod) => {
  const uid = p.metadata!.ownerReferences![0].uid;
  return scales[uid] === undefined ? undefined : { uid, replicas: scales[uid] };
};

test('minAvailable as a number counts the selected pods', () => {
  assert.deepEqual(expectedPodCount(pdb({ minAvailable: 2 }), [pod('x'), pod('y'), pod('z')], findScale), { expectedCount: 3, desiredHealthy: 2, unmanagedPods: [] });
});

test('maxUnavailable and percentages count the controllers scale, once each, rounding up', () => {
  const pods = [pod('a1', { owner: 'a' }), pod('a2', { owner: 'a' }), pod('b1', { owner: 'b' })];
  assert.deepEqual(expectedPodCount(pdb({ maxUnavailable: '30%' }), pods, findScale), { expectedCount: 5, desiredHealthy: 3, unmanagedPods: [] });
  assert.deepEqual(expectedPodCount(pdb({ minAvailable: '50%' }), [...pods, pod('lone')], findScale), { expectedCount: 5, desiredHealthy: 3, unmanagedPods: ['lone'] });
  assert.throws(() => expectedPodCount(pdb({ maxUnavailable: 1 }), [pod('c1', { owner: 'c' })], findScale), /^Error: found no controllers for pod "c1"$/);
});

test('pending evictions: kept until the pod is deleted or two minutes pass; their pods are not healthy', () => {
  const budget = pdb({ minAvailable: 1 }, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, disruptedPods: { x: '2026-01-01T11:59:30Z', y: '2026-01-01T11:50:00Z', z: '2026-01-01T11:59:30Z' } });
  const pods = [pod('x'), pod('y'), pod('z', { deleting: true }), pod('w', { ready: false })];
  const map = disruptedPodMap(budget, pods, NOW);
  assert.deepEqual(map.disruptedPods, { x: '2026-01-01T11:59:30Z' });
  assert.deepEqual(map.notDeleted, ['y']);
  assert.equal(map.recheckAtMs, Date.parse('2026-01-01T12:01:30Z'));
  assert.equal(countHealthyPods(pods, map.disruptedPods, NOW), 1);
});

test('status: disruptions allowed, observed generation and the DisruptionAllowed condition', () => {
  const s = budgetStatus(pdb({ minAvailable: 1 }), { currentHealthy: 3, desiredHealthy: 1, expectedCount: 3, disruptedPods: {} }, '2026-01-01T12:00:00Z');
  assert.deepEqual(s, {
    currentHealthy: 3,
    desiredHealthy: 1,
    expectedPods: 3,
    disruptionsAllowed: 2,
    observedGeneration: 2,
    conditions: [{ type: 'DisruptionAllowed', status: 'True', reason: 'SufficientPods', message: '', observedGeneration: 2, lastTransitionTime: '2026-01-01T12:00:00Z' }],
  });
  const none = budgetStatus(pdb({ minAvailable: 1 }, s), { currentHealthy: 0, desiredHealthy: 1, expectedCount: 0, disruptedPods: {} }, '2026-01-01T12:05:00Z');
  assert.deepEqual([none.disruptionsAllowed, none.conditions?.[0].reason, none.conditions?.[0].lastTransitionTime], [0, 'InsufficientPods', '2026-01-01T12:05:00Z']);
  const failed = failSafeStatus(pdb({ maxUnavailable: 1 }, s), 'found no controllers for pod "c1"', '2026-01-01T12:06:00Z');
  assert.deepEqual([failed.disruptionsAllowed, failed.conditions?.[0].status, failed.conditions?.[0].reason, failed.conditions?.[0].message], [0, 'False', 'SyncFailed', 'found no controllers for pod "c1"']);
});
