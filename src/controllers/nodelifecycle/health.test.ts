import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Node, Pod } from '../controller-utils/types.js';
import { outOfServiceTerminatingPods, terminatedPodsToDelete, unscheduledTerminatingPods } from '../podgc/gc.js';
import { checkNodeHealth, disruptionView, noExecuteTaints, noScheduleTaints, reconcileTaints, zoneOf, zoneState } from './health.js';
import { evictionDelayMs } from './taint-eviction.js';

const node = (ready: string | undefined, extra: Partial<NonNullable<Node['spec']>> = {}): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'n1' },
  spec: extra,
  status: { conditions: ready ? [{ type: 'Ready', status: ready, reason: 'KubeletReady', lastHeartbeatTime: '2026-01-01T00:00:00Z', lastTransitionTime: '2026-01-01T00:00:00Z' }] : [] },
});

test('a node is marked Unknown only after the grace period without a Lease renewal', () => {
  const n = node('True');
  const first = checkNodeHealth(n, undefined, '2026-01-01T00:00:00.000000Z', 0, 40_000);
  assert.equal(first.unknownConditions, undefined);
  const renewed = checkNodeHealth(n, first.health, '2026-01-01T00:00:30.000000Z', 30_000, 40_000);
  assert.equal(renewed.health.probeTimestamp, 30_000);
  assert.equal(checkNodeHealth(n, renewed.health, '2026-01-01T00:00:30.000000Z', 70_000, 40_000).unknownConditions, undefined);
  const silent = checkNodeHealth(n, renewed.health, '2026-01-01T00:00:30.000000Z', 70_001, 40_000);
  const ready = silent.unknownConditions?.find((c) => c.type === 'Ready');
  assert.deepEqual([ready?.status, ready?.reason, ready?.message], ['Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.']);
  assert.deepEqual(silent.unknownConditions?.map((c) => `${c.type}=${c.status}`).sort(), ['DiskPressure=Unknown', 'MemoryPressure=Unknown', 'PIDPressure=Unknown', 'Ready=Unknown']);
  // A node that never posted Ready waits for the startup grace period, then says so.
  const fresh = checkNodeHealth(node(undefined), undefined, undefined, 0, 40_000, 60_000);
  assert.equal(checkNodeHealth(node(undefined), fresh.health, undefined, 50_000, 40_000, 60_000).unknownConditions, undefined);
  assert.equal(checkNodeHealth(node(undefined), fresh.health, undefined, 60_001, 40_000, 60_000).unknownConditions?.[0].reason, 'NodeStatusNeverUpdated');
});

test('taints follow the Ready condition and the spec', () => {
  assert.deepEqual(noScheduleTaints(node('False')), [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]);
  assert.deepEqual(noScheduleTaints(node('Unknown', { unschedulable: true })), [
    { key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
  ]);
  assert.deepEqual(noExecuteTaints(node('Unknown'), 'T'), [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: 'T' }]);
  assert.deepEqual(noExecuteTaints(node('True'), 'T'), []);
  const tainted = node('True', { taints: [{ key: 'user', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: 'T' }] });
  assert.deepEqual(reconcileTaints(tainted, [], []), [{ key: 'user', effect: 'NoSchedule' }]);
  assert.equal(reconcileTaints(node('True', { taints: [{ key: 'user', effect: 'NoSchedule' }] }), [], []), undefined);
});

test('eviction waits for the smallest tolerationSeconds of the matching tolerations', () => {
  const taints = [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute' as const }];
  assert.equal(evictionDelayMs(taints, []), 0);
  assert.equal(evictionDelayMs(taints, [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { operator: 'Exists', tolerationSeconds: 20 }]), 300_000);
  assert.equal(evictionDelayMs(taints, [{ operator: 'Exists' }]), undefined);
  assert.equal(evictionDelayMs([], []), undefined);
  assert.equal(evictionDelayMs(taints, [{ operator: 'Exists', tolerationSeconds: -1 }]), 0);
});

const pod = (name: string, phase: string, created: string, extra: { deletionTimestamp?: string; nodeName?: string } = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, creationTimestamp: created, ...(extra.deletionTimestamp ? { deletionTimestamp: extra.deletionTimestamp } : {}) },
  spec: { containers: [], ...(extra.nodeName ? { nodeName: extra.nodeName } : {}) },
  status: { phase: phase as 'Running' },
});

test('pod GC picks the oldest terminated pods beyond the threshold and terminating pods no kubelet will finish', () => {
  const pods = [pod('c', 'Succeeded', '2026-01-01T00:00:03Z'), pod('a', 'Failed', '2026-01-01T00:00:01Z'), pod('r', 'Running', '2026-01-01T00:00:00Z'), pod('b', 'Succeeded', '2026-01-01T00:00:02Z')];
  assert.deepEqual(terminatedPodsToDelete(pods, 1).map((p) => p.metadata?.name), ['a', 'b']);
  assert.deepEqual(terminatedPodsToDelete(pods, 0), []);
  assert.deepEqual(unscheduledTerminatingPods([pod('u', 'Pending', 'x', { deletionTimestamp: 'y' }), pod('s', 'Running', 'x', { deletionTimestamp: 'y', nodeName: 'n1' })]).map((p) => p.metadata?.name), ['u']);
  const oos = node('False', { taints: [{ key: 'node.kubernetes.io/out-of-service', effect: 'NoExecute' }] });
  assert.deepEqual(outOfServiceTerminatingPods([pod('s', 'Running', 'x', { deletionTimestamp: 'y', nodeName: 'n1' }), pod('t', 'Running', 'x', { nodeName: 'n1' })], [oos]).map((p) => p.metadata?.name), ['s']);
});

test('zone disruption: all nodes down holds evictions back; a partial disruption of a small cluster adds no new NoExecute taints', () => {
  const zoned = (ready: string, zone = 'a'): Node => ({ ...node(ready), metadata: { name: `n-${zone}-${Math.random()}`, labels: { 'topology.kubernetes.io/zone': zone } } });
  assert.equal(zoneState([zoned('Unknown'), zoned('False')]), 'FullDisruption');
  assert.equal(zoneState([zoned('Unknown'), zoned('True')]), 'Normal');
  assert.equal(zoneState([zoned('Unknown'), zoned('Unknown'), zoned('Unknown'), zoned('True')]), 'PartialDisruption');
  const single = disruptionView([zoned('Unknown')]);
  assert.equal(single.allDisrupted, true);
  assert.equal(single.taintRate(zoneOf(zoned('Unknown'))), 0);
  const oneDown = disruptionView([zoned('Unknown'), zoned('True'), zoned('True')]);
  assert.equal(oneDown.allDisrupted, false);
  assert.equal(oneDown.taintRate(zoneOf(zoned('True'))), 0.1);
  const zoneBDown = disruptionView([zoned('Unknown', 'b'), zoned('Unknown', 'b'), zoned('Unknown', 'b'), zoned('True', 'b'), zoned('True', 'c')]);
  assert.equal(zoneBDown.taintRate(zoneOf(zoned('True', 'b'))), 0);
  assert.equal(zoneBDown.taintRate(zoneOf(zoned('True', 'c'))), 0.1);
});
