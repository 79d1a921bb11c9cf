import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment, ReplicaSet } from '../controller-utils/types.js';
import {
  DESIRED_REPLICAS,
  MAX_REPLICAS,
  REVISION,
  REVISION_HISTORY,
  availableScaleDowns,
  findActiveOrLatest,
  findNewReplicaSet,
  isScalingEvent,
  maxRevision,
  maxScaledDown,
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  proportionalSizes,
  replicaSetsToCleanUp,
  resolveFenceposts,
  setNewReplicaSetAnnotations,
  unhealthyScaleDowns,
} from './rollout.js';

const template = (image: string) => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } });

function deployment(replicas: number, o: { surge?: number | string; unavailable?: number | string; recreate?: boolean; image?: string; limit?: number; annotations?: Record<string, string> } = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', annotations: o.annotations },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: template(o.image ?? 'nginx'),
      revisionHistoryLimit: o.limit,
      strategy: o.recreate ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxSurge: o.surge ?? '25%', maxUnavailable: o.unavailable ?? '25%' } },
    },
  };
}

let clock = 0;
function rs(name: string, replicas: number, o: { available?: number; image?: string; revision?: number; desired?: number; max?: number; statusReplicas?: number } = {}): ReplicaSet {
  const annotations: Record<string, string> = {};
  if (o.revision !== undefined) annotations[REVISION] = String(o.revision);
  if (o.desired !== undefined) annotations[DESIRED_REPLICAS] = String(o.desired);
  if (o.max !== undefined) annotations[MAX_REPLICAS] = String(o.max);
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, annotations, creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, clock++)).toISOString() },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: template(o.image ?? 'nginx') },
    status: { replicas: o.statusReplicas ?? replicas, availableReplicas: o.available ?? replicas },
  };
}

test('fenceposts: surge rounds up, unavailable rounds down, never both zero', () => {
  assert.deepEqual(resolveFenceposts('25%', '25%', 10), { surge: 3, unavailable: 2 });
  assert.deepEqual(resolveFenceposts('25%', '25%', 1), { surge: 1, unavailable: 0 });
  assert.deepEqual(resolveFenceposts(0, 0, 5), { surge: 0, unavailable: 1 });
  assert.deepEqual(resolveFenceposts(2, '50%', 3), { surge: 2, unavailable: 1 });
  assert.equal(maxSurge(deployment(10)), 3);
  assert.equal(maxUnavailable(deployment(10)), 2);
  assert.equal(maxUnavailable(deployment(2, { unavailable: 5 })), 2, 'never more than replicas');
  assert.equal(maxSurge(deployment(10, { recreate: true })), 0);
  assert.equal(maxUnavailable(deployment(0)), 0);
});

test('the new ReplicaSet grows up to replicas + maxSurge in total', () => {
  const d = deployment(10);
  const old = rs('old', 10);
  const fresh = rs('new', 0, { image: 'nginx:2' });
  assert.equal(newRSNewReplicas(d, [old, fresh], fresh), 3);
  assert.equal(newRSNewReplicas(d, [rs('o', 13), fresh], fresh), 0);
  assert.equal(newRSNewReplicas(d, [rs('o', 2), rs('n', 9)], rs('n', 9)), 10);
  assert.equal(newRSNewReplicas(deployment(10, { recreate: true }), [old, fresh], fresh), 10);
});

test('old ReplicaSets shrink within maxUnavailable: unhealthy pods first, then available ones', () => {
  const d = deployment(10);
  const old = rs('old', 10, { available: 10 });
  const fresh = rs('new', 3, { available: 0, image: 'nginx:2' });
  // 13 pods, min available 8, 3 new pods unavailable: 2 may go.
  assert.equal(maxScaledDown(d, [old, fresh], fresh), 2);
  assert.deepEqual([...availableScaleDowns(d, [old, fresh], [old])], [['old', 8]]);
  const sick = rs('sick', 4, { available: 1 });
  assert.deepEqual([...unhealthyScaleDowns([sick, old], 2)], [['sick', 2]]);
  assert.deepEqual([...unhealthyScaleDowns([sick], 10)], [['sick', 1]]);
});

test('proportional scaling shares new replicas by ReplicaSet size, leftovers to the largest', () => {
  // Upstream's example: a rollout of 10 (maxSurge 3) scaled to 15 mid-way (max 13 → 18 + 1 surge rounding).
  const d = deployment(15, { surge: 3, unavailable: 2 });
  const old = rs('old', 8, { max: 13, desired: 10 });
  const fresh = rs('new', 5, { max: 13, desired: 10, image: 'nginx:2' });
  const sizes = proportionalSizes(d, [old, fresh]);
  assert.equal(sizes.get('old')! + sizes.get('new')!, 18);
  assert.deepEqual([sizes.get('old'), sizes.get('new')], [11, 7]);
  const down = proportionalSizes(deployment(5, { surge: 3, unavailable: 2 }), [old, fresh]);
  assert.equal(down.get('old')! + down.get('new')!, 8);
  assert.ok(isScalingEvent(d, [old, fresh]));
  assert.ok(!isScalingEvent(deployment(10, { surge: 3, unavailable: 2 }), [old, fresh]));
});

test('the new ReplicaSet is the oldest one with the template; the active one takes scaling alone', () => {
  const d = deployment(3, { image: 'nginx:2' });
  const a = rs('a', 3);
  const b = rs('b', 0, { image: 'nginx:2' });
  const c = rs('c', 0, { image: 'nginx:2' });
  assert.equal(findNewReplicaSet(d, [c, a, b])?.metadata?.name, 'b');
  assert.equal(findActiveOrLatest(b, [a])?.metadata?.name, 'a');
  assert.equal(findActiveOrLatest(rs('n', 1), [rs('o', 1)]), undefined);
  assert.equal(findActiveOrLatest(undefined, [rs('x', 0), rs('y', 0)])?.metadata?.name, 'y');
});

test('revision annotations: copied from the Deployment, history kept when a ReplicaSet is reused', () => {
  const d = deployment(3, { annotations: { 'kubernetes.io/change-cause': 'kubectl set image', [REVISION]: '2', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } });
  const reused = rs('a', 0, { revision: 1 });
  assert.ok(setNewReplicaSetAnnotations(d, reused, 3n, true));
  assert.equal(reused.metadata?.annotations?.[REVISION], '3');
  assert.equal(reused.metadata?.annotations?.[REVISION_HISTORY], '1');
  assert.equal(reused.metadata?.annotations?.['kubernetes.io/change-cause'], 'kubectl set image');
  assert.equal(reused.metadata?.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], undefined);
  assert.ok(!setNewReplicaSetAnnotations(d, reused, 3n, true), 'idempotent');
  const created = rs('b', 3);
  setNewReplicaSetAnnotations(deployment(3), created, 1n, false);
  assert.deepEqual(created.metadata?.annotations, { [REVISION]: '1', [DESIRED_REPLICAS]: '3', [MAX_REPLICAS]: '4' });
});

test('revisionHistoryLimit deletes the oldest empty ReplicaSets', () => {
  const d = deployment(3, { limit: 1 });
  const olds = [rs('r3', 0, { revision: 3 }), rs('r1', 0, { revision: 1 }), rs('r2', 0, { revision: 2 }), rs('busy', 1, { revision: 0 })];
  assert.deepEqual(replicaSetsToCleanUp(d, olds).map((r) => r.metadata?.name), ['r1', 'r2']);
  assert.deepEqual(replicaSetsToCleanUp(deployment(3, { limit: 10 }), olds), []);
});

test('revisions are int64: one past 3546343826724305832 is ...833; an adopted ReplicaSet without desired-replicas is no scaling event', () => {
  const adopted = rs('adopted', 1);
  adopted.metadata!.annotations![REVISION] = '3546343826724305832';
  assert.equal(maxRevision([adopted, rs('other', 0, { revision: 7 })]), 3546343826724305832n);
  const fresh = rs('fresh', 0);
  setNewReplicaSetAnnotations(deployment(1), fresh, maxRevision([adopted]) + 1n, false);
  assert.equal(fresh.metadata?.annotations?.[REVISION], '3546343826724305833');
  assert.equal(isScalingEvent(deployment(1), [adopted]), false);
  assert.equal(isScalingEvent(deployment(2), [rs('annotated', 1, { desired: 1 })]), true);
});
