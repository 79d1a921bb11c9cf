// Role (rbac.authorization.k8s.io/v1). Printed with the default NAME / CREATED AT table, as upstream.
import type { KindStrategy } from '../kind.js';
import { RBAC_GROUP, validateRBACName, validateRules } from './validation.js';

export const roleStrategy: KindStrategy = {
  names: { group: RBAC_GROUP, version: 'v1', kind: 'Role', plural: 'roles', singular: 'role', namespaced: true },
  nameValidation: validateRBACName,
  validate: (obj) => validateRules(obj, true),
};
