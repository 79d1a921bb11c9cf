import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment, ReplicaSet } from '../controller-utils/types.js';
import { calculateStatus, getCondition, msUntilDeadline, newCondition, rolloutStatus, setCondition } from './status.js';

const NOW = new Date('2026-01-01T12:00:00Z');

function deployment(replicas: number, status: Deployment['status'] = {}): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', generation: 2 },
    spec: { replicas, progressDeadlineSeconds: 600, selector: {}, template: {}, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } },
    status,
  };
}

const rs = (name: string, replicas: number, available: number): ReplicaSet => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name },
  spec: { replicas, selector: {} },
  status: { replicas, readyReplicas: available, availableReplicas: available },
});

test('Available is True at replicas - maxUnavailable available pods', () => {
  const s = calculateStatus([rs('a', 4, 3)], rs('a', 4, 3), deployment(4), NOW);
  assert.equal(s.unavailableReplicas, 1);
  assert.deepEqual([getCondition(s, 'Available')?.status, getCondition(s, 'Available')?.reason], ['True', 'MinimumReplicasAvailable']);
  const low = calculateStatus([rs('a', 4, 2)], rs('a', 4, 2), deployment(4), NOW);
  assert.deepEqual([getCondition(low, 'Available')?.status, getCondition(low, 'Available')?.message], ['False', 'Deployment does not have minimum availability.']);
});

test('Progressing: ReplicaSetUpdated while pods move, NewReplicaSetAvailable when complete, ProgressDeadlineExceeded when stuck', () => {
  const started = deployment(4, { observedGeneration: 2, replicas: 4, updatedReplicas: 1, availableReplicas: 3, conditions: [newCondition('Progressing', 'True', 'NewReplicaSetCreated', 'Created new replica set "web-1"', new Date(NOW.getTime() - 60_000))] });
  const moving = rolloutStatus(started, [rs('old', 2, 2), rs('web-1', 2, 2)], rs('web-1', 2, 2), NOW);
  const p = getCondition(moving, 'Progressing')!;
  assert.deepEqual([p.status, p.reason, p.message], ['True', 'ReplicaSetUpdated', 'ReplicaSet "web-1" is progressing.']);
  assert.equal(p.lastUpdateTime, '2026-01-01T12:00:00Z');
  const done = rolloutStatus(started, [rs('old', 0, 0), rs('web-1', 4, 4)], rs('web-1', 4, 4), NOW);
  assert.deepEqual([getCondition(done, 'Progressing')?.reason, getCondition(done, 'Progressing')?.message], ['NewReplicaSetAvailable', 'ReplicaSet "web-1" has successfully progressed.']);
  const stuck = deployment(4, { observedGeneration: 2, replicas: 5, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3, conditions: [newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'ReplicaSet "web-1" is progressing.', new Date(NOW.getTime() - 601_000))] });
  const late = rolloutStatus(stuck, [rs('old', 4, 3), rs('web-1', 1, 0)], rs('web-1', 1, 0), NOW);
  assert.deepEqual([getCondition(late, 'Progressing')?.status, getCondition(late, 'Progressing')?.reason, getCondition(late, 'Progressing')?.message], ['False', 'ProgressDeadlineExceeded', 'ReplicaSet "web-1" has timed out progressing.']);
  const waiting = deployment(4, { ...stuck.status, conditions: [newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'x', new Date(NOW.getTime() - 100_000))] });
  assert.equal(msUntilDeadline(waiting, waiting.status!, NOW.getTime()), 501_000);
});

test('setCondition keeps the transition time for the same status and ignores the same reason', () => {
  const s: Deployment['status'] = {};
  setCondition(s, newCondition('Available', 'True', 'A', 'm', new Date(0)));
  setCondition(s, newCondition('Available', 'True', 'A', 'changed', NOW));
  assert.equal(s.conditions![0].message, 'm');
  setCondition(s, newCondition('Available', 'True', 'B', 'n', NOW));
  assert.deepEqual([s.conditions![0].reason, s.conditions![0].lastTransitionTime, s.conditions![0].lastUpdateTime], ['B', '1970-01-01T00:00:00Z', '2026-01-01T12:00:00Z']);
});
