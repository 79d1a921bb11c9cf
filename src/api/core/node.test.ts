import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { nodeStrategy as nodes } from './node.js';

function node(extra: Partial<ApiObject>): ApiObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', labels: { 'node-role.kubernetes.io/control-plane': '' } }, ...extra };
}

test('names', () => {
  assert.deepEqual(nodes.names.shortNames, ['no']);
  assert.equal(nodes.names.namespaced, false);
});

test('allocatable defaults to capacity', () => {
  const obj = node({ status: { capacity: { cpu: '2' } } });
  nodes.defaults?.(obj);
  assert.deepEqual((obj.status as Record<string, unknown>).allocatable, { cpu: '2' });
});

test('taints', () => {
  const obj = node({ spec: { taints: [{ key: 'k', effect: 'Sometimes' }, { key: 'a', effect: 'NoSchedule' }, { key: 'a', effect: 'NoSchedule' }] } });
  assert.deepEqual((nodes.validate?.(obj, {}) ?? []).map(String), [
    'metadata.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
    'metadata.taints[2]: Duplicate value: core.Taint{Key:"a", Value:"", Effect:"NoSchedule", TimeAdded:<nil>}: taints must be unique by key and effect pair',
  ]);
});

test('podCIDR and providerID only set once', () => {
  const old = node({ spec: { podCIDRs: ['10.42.0.0/24'], providerID: 'k8ts://n1' } });
  const next = node({ spec: { podCIDRs: ['10.42.1.0/24'], providerID: 'other' } });
  assert.deepEqual((nodes.validateUpdate?.(next, old) ?? []).map(String), [
    'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
    'spec.providerID: Forbidden: node updates may not change providerID except from "" to valid',
  ]);
});

test('table as kubectl get nodes shows it', () => {
  const obj = node({
    spec: { unschedulable: true },
    status: {
      conditions: [{ type: 'Ready', status: 'True' }],
      addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
      nodeInfo: { kubeletVersion: 'v1.33.0', osImage: 'Debian', kernelVersion: '6.1', containerRuntimeVersion: 'containerd://1.7' },
    },
  });
  assert.deepEqual(nodes.table?.columns.map((c) => c.name), [
    'Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime',
  ]);
  assert.deepEqual(nodes.table?.cells(obj), [
    'n1', 'Ready,SchedulingDisabled', 'control-plane', '<unknown>', 'v1.33.0', '10.0.0.1', '<none>', 'Debian', '6.1', 'containerd://1.7',
  ]);
  assert.deepEqual(nodes.table?.cells(node({ metadata: { name: 'n2' } })).slice(1, 3), ['Unknown', '<none>']);
  assert.deepEqual(nodes.selectableFields?.(obj), { 'spec.unschedulable': 'true' });
});
