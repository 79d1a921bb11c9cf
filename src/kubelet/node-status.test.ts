import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hollowNodeConfig } from './hollow.js';
import { nodeConditions, nodeLabels, nodeStatus, parseLabel, parseTaint, readyCondition, registrationNode, statusChanged } from './node-status.js';

test('--node-taint and --node-label as k3s reads them', () => {
  assert.deepEqual(parseTaint('dedicated=gpu:NoSchedule'), { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' });
  assert.deepEqual(parseTaint('node-role.kubernetes.io/control-plane:NoExecute'), { key: 'node-role.kubernetes.io/control-plane', effect: 'NoExecute' });
  assert.throws(() => parseTaint('a=b'), /want key\[=value\]:Effect/);
  assert.throws(() => parseTaint('a=b:Sometimes'), /invalid taint effect/);
  assert.deepEqual(parseLabel('zone=a=b'), ['zone', 'a=b']);
});

test('registration: upstream labels, the control-plane role on servers, taints', () => {
  const cfg = { ...hollowNodeConfig(0, { labels: { zone: 'a' }, taints: [{ key: 'k', effect: 'NoSchedule' }] }), controlPlane: true };
  const labels = nodeLabels(cfg);
  assert.equal(labels['kubernetes.io/hostname'], 'k8ts-sim-0');
  assert.equal(labels['kubernetes.io/os'], 'linux');
  assert.equal(labels['node-role.kubernetes.io/control-plane'], 'true');
  assert.equal(labels.zone, 'a');
  const node = registrationNode(cfg);
  assert.deepEqual((node.spec as { taints: unknown }).taints, [{ key: 'k', effect: 'NoSchedule' }]);
});

test('Ready follows the runtime and says what is missing as upstream', () => {
  assert.deepEqual(readyCondition([{ type: 'RuntimeReady', status: true, reason: '', message: '' }]), { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' });
  const notReady = readyCondition([{ type: 'NetworkReady', status: false, reason: 'NetworkPluginNotReady', message: 'cni plugin not initialized' }]);
  assert.equal(notReady.reason, 'KubeletNotReady');
  assert.equal(notReady.message, 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:cni plugin not initialized');
});

test('heartbeats alone are not a change; a transition keeps its time until the status flips', () => {
  const cfg = hollowNodeConfig(1);
  const first = nodeConditions([], [], '2026-01-01T00:00:00Z');
  const second = nodeConditions([], first, '2026-01-01T00:00:10Z');
  assert.equal(second[3].lastTransitionTime, '2026-01-01T00:00:00Z');
  assert.equal(second[3].lastHeartbeatTime, '2026-01-01T00:00:10Z');
  assert.equal(statusChanged(nodeStatus(cfg, first), nodeStatus(cfg, second)), false);
  const down = nodeConditions([{ type: 'NetworkReady', status: false, reason: 'r', message: 'm' }], second, '2026-01-01T00:00:20Z');
  assert.equal(down[3].lastTransitionTime, '2026-01-01T00:00:20Z');
  assert.equal(statusChanged(nodeStatus(cfg, second), nodeStatus(cfg, down)), true);
  assert.deepEqual(first.map((c) => c.type), ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
});
