// IngressClass (networking.k8s.io/v1, cluster-scoped): upstream
// pkg/registry/networking/ingressclass and networking validation.
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { validateImmutableField, validateNamespaceName } from '../../machinery/validation.js';
import { ageCell, ageColumn, column, nameColumn } from '../core/printers.js';
import { isMap, mapOf, stringOf, type JsonMap } from '../core/util.js';
import { validateDomainPrefixedPath } from '../workloads-common.js';
import { validateTypedLocalObjectReference } from './ingress.js';

const SPEC = FieldPath.of('spec');
const MAX_CONTROLLER_LENGTH = 250;
const SCOPES = ['Cluster', 'Namespace'];
export const DEFAULT_INGRESS_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';

function defaults(obj: ApiObject): void {
  const parameters = mapOf(obj.spec).parameters;
  if (isMap(parameters) && (parameters.scope === undefined || parameters.scope === null)) parameters.scope = 'Cluster';
}

function validateParameters(params: JsonMap, path: FieldPath): FieldError[] {
  const errs = validateTypedLocalObjectReference(params, path);
  if (params.scope === undefined || params.scope === null) return [...errs, FieldError.required(path.child('scope'), '')];
  const scope = stringOf(params.scope);
  if (!SCOPES.includes(scope)) return [...errs, FieldError.notSupported(path.child('scope'), scope, SCOPES)];
  const hasNamespace = params.namespace !== undefined && params.namespace !== null;
  if (scope === 'Namespace' && !hasNamespace) errs.push(FieldError.required(path.child('namespace'), "`parameters.scope` is set to 'Namespace'"));
  if (scope === 'Namespace' && hasNamespace) {
    const ns = stringOf(params.namespace);
    errs.push(...validateNamespaceName(ns, false).map((msg) => FieldError.invalid(path.child('namespace'), ns, msg)));
  }
  if (scope === 'Cluster' && hasNamespace) errs.push(FieldError.forbidden(path.child('namespace'), "`parameters.scope` is set to 'Cluster'"));
  return errs;
}

function validate(obj: ApiObject): FieldError[] {
  const spec = mapOf(obj.spec);
  const controller = stringOf(spec.controller);
  const errs = controller.length > MAX_CONTROLLER_LENGTH ? [FieldError.tooLong(SPEC.child('controller'), MAX_CONTROLLER_LENGTH)] : [];
  errs.push(...validateDomainPrefixedPath(SPEC.child('controller'), controller));
  if (isMap(spec.parameters)) errs.push(...validateParameters(spec.parameters, SPEC.child('parameters')));
  return errs;
}

function parametersCell(spec: JsonMap): string {
  if (!isMap(spec.parameters)) return '<none>';
  const p = spec.parameters;
  const kind = typeof p.apiGroup === 'string' ? `${stringOf(p.kind)}.${p.apiGroup}` : stringOf(p.kind);
  return `${kind}/${stringOf(p.name)}`;
}

export const ingressClassStrategy: KindStrategy = {
  names: {
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'IngressClass',
    plural: 'ingressclasses',
    singular: 'ingressclass',
    namespaced: false,
  },
  generation: true,
  defaults,
  validate,
  validateUpdate: (obj, old) => validateImmutableField(stringOf(mapOf(obj.spec).controller), stringOf(mapOf(old.spec).controller), SPEC.child('controller')),
  table: {
    columns: [
      nameColumn,
      column('Controller', 'Controller that is responsible for handling this class'),
      column('Parameters', 'A reference to a resource with additional parameters'),
      ageColumn,
    ],
    cells: (obj) => [stringOf(obj.metadata?.name), stringOf(mapOf(obj.spec).controller), parametersCell(mapOf(obj.spec)), ageCell(obj)],
  },
};
