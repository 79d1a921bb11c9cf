import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { clusterRoleStrategy } from './clusterrole.js';
import { clusterRoleBindingStrategy } from './clusterrolebinding.js';
import { roleStrategy } from './role.js';
import { roleBindingStrategy } from './rolebinding.js';

test('Role and ClusterRole rules', () => {
  const role: ApiObject = { metadata: { name: 'r', namespace: 'default' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }, { verbs: [] }] };
  assert.deepEqual((roleStrategy.validate?.(role, {}) ?? []).map(String), [
    'rules[0].nonResourceURLs: Invalid value: []string{"/healthz"}: namespaced rules cannot apply to non-resource URLs',
    'rules[1].verbs: Required value: verbs must contain at least one value',
    'rules[1].apiGroups: Required value: resource rules must supply at least one api group',
    'rules[1].resources: Required value: resource rules must supply at least one resource',
  ]);
  const cr: ApiObject = { metadata: { name: 'system:x' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }] };
  assert.deepEqual(clusterRoleStrategy.validate?.(cr, {}), []);
  assert.deepEqual(roleStrategy.nameValidation?.('system:controller:x', false), []);
  assert.equal(roleStrategy.table, undefined);
});

test('bindings: defaults, validation, immutable roleRef', () => {
  const rb: ApiObject = {
    metadata: { name: 'rb', namespace: 'default' },
    roleRef: { kind: 'Role', name: 'r' },
    subjects: [{ kind: 'User', name: 'alice' }, { kind: 'ServiceAccount', name: 'default', namespace: 'default' }, { kind: 'Group', name: 'devs' }],
  };
  roleBindingStrategy.defaults?.(rb);
  assert.equal((rb.roleRef as { apiGroup: string }).apiGroup, 'rbac.authorization.k8s.io');
  assert.deepEqual(rb.subjects, [
    { kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' },
    { kind: 'ServiceAccount', name: 'default', namespace: 'default', apiGroup: '' },
    { kind: 'Group', name: 'devs', apiGroup: 'rbac.authorization.k8s.io' },
  ]);
  assert.deepEqual(roleBindingStrategy.validate?.(rb, {}), []);
  const changed = structuredClone(rb);
  (changed.roleRef as { name: string }).name = 'other';
  assert.deepEqual((roleBindingStrategy.validateUpdate?.(changed, rb) ?? []).map(String), [
    'roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"other"}: cannot change roleRef',
  ]);
  assert.deepEqual(roleBindingStrategy.table?.cells(rb), ['rb', 'Role/r', '<unknown>', 'alice', 'devs', 'default/default']);
});

test('ClusterRoleBindings bind ClusterRoles and need service account namespaces', () => {
  const crb: ApiObject = { metadata: { name: 'crb' }, roleRef: { kind: 'Role', name: 'r' }, subjects: [{ kind: 'ServiceAccount', name: 'sa' }] };
  clusterRoleBindingStrategy.defaults?.(crb);
  assert.deepEqual((clusterRoleBindingStrategy.validate?.(crb, {}) ?? []).map(String), [
    'roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole"',
    'subjects[0].namespace: Required value',
  ]);
});
