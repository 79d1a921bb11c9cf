import type { KindStrategy } from '../kind.js';
import { clusterRoleStrategy } from './clusterrole.js';
import { clusterRoleBindingStrategy } from './clusterrolebinding.js';
import { roleStrategy } from './role.js';
import { roleBindingStrategy } from './rolebinding.js';

export { clusterRoleBindingStrategy, clusterRoleStrategy, roleBindingStrategy, roleStrategy };

/** The kinds of rbac.authorization.k8s.io/v1. */
export const rbacKinds: KindStrategy[] = [roleStrategy, clusterRoleStrategy, roleBindingStrategy, clusterRoleBindingStrategy];
