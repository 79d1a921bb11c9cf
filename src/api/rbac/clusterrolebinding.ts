// ClusterRoleBinding (rbac.authorization.k8s.io/v1, cluster-scoped).
import type { KindStrategy } from '../kind.js';
import { RBAC_GROUP, bindingTable, defaultBinding, validateBinding, validateBindingUpdate, validateRBACName } from './validation.js';

export const clusterRoleBindingStrategy: KindStrategy = {
  names: {
    group: RBAC_GROUP,
    version: 'v1',
    kind: 'ClusterRoleBinding',
    plural: 'clusterrolebindings',
    singular: 'clusterrolebinding',
    namespaced: false,
  },
  nameValidation: validateRBACName,
  defaults: defaultBinding,
  validate: (obj) => validateBinding(obj, false),
  validateUpdate: validateBindingUpdate,
  table: bindingTable('clusterRoleBinding'),
};
