// What the RBAC kinds share (upstream pkg/apis/rbac/validation, rbac/v1 defaults).
import type { ApiObject } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { validateLabelSelector } from '../../machinery/labels.js';
import { nameIsDNSSubdomain, validatePathSegmentName } from '../../machinery/validation.js';
import { ageCell, ageColumn, column, nameColumn } from '../core/printers.js';
import { ensureMap, goStrings, invalidRendered, isMap, listOf, mapOf, mapsOf, stringOf, type JsonMap } from '../core/util.js';
import { labelSelectorOf, selectorOf } from '../workloads-common.js';
import type { TableColumn, TableCell } from '../kind.js';

export const RBAC_GROUP = 'rbac.authorization.k8s.io';

/** ValidateRBACName: any name usable as a path segment. */
export const validateRBACName = (name: string, prefix: boolean): string[] => validatePathSegmentName(name, prefix);

/** ValidatePolicyRule. */
function validatePolicyRule(rule: JsonMap, namespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (listOf(rule.verbs).length === 0) errs.push(FieldError.required(path.child('verbs'), 'verbs must contain at least one value'));
  const urls = listOf(rule.nonResourceURLs).map(stringOf);
  if (urls.length > 0) {
    if (namespaced) errs.push(invalidRendered(path.child('nonResourceURLs'), goStrings(urls), 'namespaced rules cannot apply to non-resource URLs'));
    if (listOf(rule.apiGroups).length + listOf(rule.resources).length + listOf(rule.resourceNames).length > 0) {
      errs.push(invalidRendered(path.child('nonResourceURLs'), goStrings(urls), 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (listOf(rule.apiGroups).length === 0) errs.push(FieldError.required(path.child('apiGroups'), 'resource rules must supply at least one api group'));
  if (listOf(rule.resources).length === 0) errs.push(FieldError.required(path.child('resources'), 'resource rules must supply at least one resource'));
  return errs;
}

export function validateRules(obj: ApiObject, namespaced: boolean): FieldError[] {
  return mapsOf(obj.rules).flatMap((rule, i) => validatePolicyRule(rule, namespaced, FieldPath.of('rules').index(i)));
}

export function validateAggregationRule(obj: ApiObject): FieldError[] {
  if (!isMap(obj.aggregationRule)) return [];
  const path = FieldPath.of('aggregationRule', 'clusterRoleSelectors');
  const selectors = mapsOf(obj.aggregationRule.clusterRoleSelectors);
  const errs = selectors.length === 0 ? [FieldError.required(path, 'at least one clusterRoleSelector required if aggregationRule is non-nil')] : [];
  selectors.forEach((selector, i) => {
    errs.push(...validateLabelSelector(labelSelectorOf(selector), path.index(i)));
    if (!selectorOf(selector)) errs.push(FieldError.invalid(path.index(i), selector, 'invalid label selector.'));
  });
  return errs;
}

/** SetDefaults_RoleBinding/ClusterRoleBinding and SetDefaults_Subject. */
export function defaultBinding(obj: ApiObject): void {
  const roleRef = ensureMap(obj, 'roleRef');
  if (!stringOf(roleRef.apiGroup)) roleRef.apiGroup = RBAC_GROUP;
  for (const subject of mapsOf(obj.subjects)) {
    if (stringOf(subject.apiGroup)) continue;
    if (subject.kind === 'ServiceAccount') subject.apiGroup = '';
    else if (subject.kind === 'User' || subject.kind === 'Group') subject.apiGroup = RBAC_GROUP;
  }
}

function validateSubject(subject: JsonMap, namespaced: boolean, path: FieldPath): FieldError[] {
  const name = stringOf(subject.name);
  const apiGroup = stringOf(subject.apiGroup);
  const errs = name === '' ? [FieldError.required(path.child('name'), '')] : [];
  switch (subject.kind) {
    case 'ServiceAccount':
      if (name) errs.push(...nameIsDNSSubdomain(name, false).map((msg) => FieldError.invalid(path.child('name'), name, msg)));
      if (apiGroup) errs.push(FieldError.notSupported(path.child('apiGroup'), apiGroup, ['']));
      if (!namespaced && !stringOf(subject.namespace)) errs.push(FieldError.required(path.child('namespace'), ''));
      break;
    case 'User':
    case 'Group':
      if (apiGroup !== RBAC_GROUP) errs.push(FieldError.notSupported(path.child('apiGroup'), apiGroup, [RBAC_GROUP]));
      break;
    default:
      errs.push(FieldError.notSupported(path.child('kind'), stringOf(subject.kind), ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

/** ValidateRoleBinding / ValidateClusterRoleBinding. */
export function validateBinding(obj: ApiObject, namespaced: boolean): FieldError[] {
  const roleRef = mapOf(obj.roleRef);
  const errs: FieldError[] = [];
  const apiGroup = stringOf(roleRef.apiGroup);
  if (apiGroup !== RBAC_GROUP) errs.push(FieldError.notSupported(FieldPath.of('roleRef', 'apiGroup'), apiGroup, [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  const kind = stringOf(roleRef.kind);
  if (!kinds.includes(kind)) errs.push(FieldError.notSupported(FieldPath.of('roleRef', 'kind'), kind, kinds));
  const name = stringOf(roleRef.name);
  const namePath = FieldPath.of('roleRef', 'name');
  if (name === '') errs.push(FieldError.required(namePath, ''));
  else errs.push(...validateRBACName(name, false).map((msg) => FieldError.invalid(namePath, name, msg)));
  mapsOf(obj.subjects).forEach((s, i) => errs.push(...validateSubject(s, namespaced, FieldPath.of('subjects').index(i))));
  return errs;
}

function goRoleRef(roleRef: JsonMap): string {
  const q = (key: string) => JSON.stringify(stringOf(roleRef[key]));
  return `rbac.RoleRef{APIGroup:${q('apiGroup')}, Kind:${q('kind')}, Name:${q('name')}}`;
}

/** The roleRef of a binding cannot change. */
export function validateBindingUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  const next = mapOf(obj.roleRef);
  const prev = mapOf(old.roleRef);
  const same = ['apiGroup', 'kind', 'name'].every((k) => stringOf(next[k]) === stringOf(prev[k]));
  return same ? [] : [invalidRendered(FieldPath.of('roleRef'), goRoleRef(next), 'cannot change roleRef')];
}

/** The table of RoleBindings and ClusterRoleBindings: NAME ROLE AGE, wide USERS GROUPS SERVICEACCOUNTS. */
export function bindingTable(what: string): { columns: TableColumn[]; cells(obj: ApiObject): TableCell[] } {
  return {
    columns: [
      nameColumn,
      column('Role', 'RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.'),
      ageColumn,
      column('Users', `Users in the ${what}`, 1),
      column('Groups', `Groups in the ${what}`, 1),
      column('ServiceAccounts', `ServiceAccounts in the ${what}`, 1),
    ],
    cells(obj) {
      const roleRef = mapOf(obj.roleRef);
      const subjects = mapsOf(obj.subjects);
      const of = (kind: string, format: (s: JsonMap) => string) => subjects.filter((s) => s.kind === kind).map(format).join(', ');
      return [
        stringOf(obj.metadata?.name),
        `${stringOf(roleRef.kind)}/${stringOf(roleRef.name)}`,
        ageCell(obj),
        of('User', (s) => stringOf(s.name)),
        of('Group', (s) => stringOf(s.name)),
        of('ServiceAccount', (s) => `${stringOf(s.namespace)}/${stringOf(s.name)}`),
      ];
    },
  };
}
