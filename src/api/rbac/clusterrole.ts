// ClusterRole (rbac.authorization.k8s.io/v1, cluster-scoped). Printed with the default table.
import type { KindStrategy } from '../kind.js';
import { RBAC_GROUP, validateAggregationRule, validateRBACName, validateRules } from './validation.js';

export const clusterRoleStrategy: KindStrategy = {
  names: { group: RBAC_GROUP, version: 'v1', kind: 'ClusterRole', plural: 'clusterroles', singular: 'clusterrole', namespaced: false },
  nameValidation: validateRBACName,
  validate: (obj) => [...validateRules(obj, false), ...validateAggregationRule(obj)],
};
