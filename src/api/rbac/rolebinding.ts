// RoleBinding (rbac.authorization.k8s.io/v1).
import type { KindStrategy } from '../kind.js';
import { RBAC_GROUP, bindingTable, defaultBinding, validateBinding, validateBindingUpdate, validateRBACName } from './validation.js';

export const roleBindingStrategy: KindStrategy = {
  names: { group: RBAC_GROUP, version: 'v1', kind: 'RoleBinding', plural: 'rolebindings', singular: 'rolebinding', namespaced: true },
  nameValidation: validateRBACName,
  defaults: defaultBinding,
  validate: (obj) => validateBinding(obj, true),
  validateUpdate: validateBindingUpdate,
  table: bindingTable('roleBinding'),
};
