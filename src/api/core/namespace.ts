// Namespace (upstream pkg/registry/core/namespace, validation/namespaces.go).
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { isQualifiedName, validateNamespaceName } from '../../machinery/validation.js';
import { ageCell, column, nameColumn, ageColumn } from './printers.js';
import { cloneJson, ensureMap, listOf, mapOf, stringOf } from './util.js';

export const FINALIZER_KUBERNETES = 'kubernetes';
export const LABEL_METADATA_NAME = 'kubernetes.io/metadata.name';
const standardFinalizers = new Set([FINALIZER_KUBERNETES, 'orphan', 'foregroundDeletion']);

/** Every namespace carries its own name as a label, so selectors can pick it. */
export function setNameLabel(obj: ApiObject): void {
  const name = obj.metadata?.name;
  if (!name) return;
  obj.metadata = { ...obj.metadata, labels: { ...(obj.metadata?.labels ?? {}), [LABEL_METADATA_NAME]: name } };
}

function defaults(obj: ApiObject): void {
  setNameLabel(obj);
  const status = ensureMap(obj, 'status');
  if (!stringOf(status.phase)) status.phase = 'Active';
}

function prepareForCreate(obj: ApiObject): void {
  obj.status = { phase: 'Active' };
  const spec = ensureMap(obj, 'spec');
  const finalizers = listOf(spec.finalizers);
  if (!finalizers.includes(FINALIZER_KUBERNETES)) spec.finalizers = [...finalizers, FINALIZER_KUBERNETES];
  setNameLabel(obj);
}

function prepareForUpdate(obj: ApiObject, old: ApiObject): void {
  const spec = ensureMap(obj, 'spec');
  const oldFinalizers = mapOf(old.spec).finalizers;
  if (oldFinalizers === undefined) delete spec.finalizers;
  else spec.finalizers = cloneJson(oldFinalizers);
  obj.status = cloneJson(old.status);
  setNameLabel(obj);
}

function prepareForStatusUpdate(obj: ApiObject, old: ApiObject): void {
  obj.spec = cloneJson(old.spec);
}

/** A finalizer name: a qualified name, and one of the standard ones when it has no prefix. */
export function validateFinalizerName(name: string, path: FieldPath): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => FieldError.invalid(path, name, msg));
  if (!name.includes('/') && !standardFinalizers.has(name)) {
    errs.push(FieldError.invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return errs;
}

function validate(obj: ApiObject): FieldError[] {
  const path = FieldPath.of('spec', 'finalizers');
  return listOf(mapOf(obj.spec).finalizers).flatMap((f) => validateFinalizerName(stringOf(f), path));
}

function validateStatusUpdate(obj: ApiObject): FieldError[] {
  const phase = stringOf(mapOf(obj.status).phase);
  const path = FieldPath.of('status', 'Phase');
  if (!obj.metadata?.deletionTimestamp) {
    if (phase !== 'Active') return [FieldError.invalid(path, phase, "may only be 'Active' if `deletionTimestamp` is empty")];
  } else if (phase !== 'Terminating') {
    return [FieldError.invalid(path, phase, "may only be 'Terminating' if `deletionTimestamp` is not empty")];
  }
  return [];
}

/** namespaces/finalize changes spec.finalizers and nothing else. */
function withFinalizersOf(obj: ApiObject, old: ApiObject): ApiObject {
  const finalizers = mapOf(obj.spec).finalizers ?? [];
  return { ...structuredClone(old), metadata: { ...old.metadata, resourceVersion: obj.metadata?.resourceVersion }, spec: { ...mapOf(old.spec), finalizers } };
}

export const namespaceStrategy: KindStrategy = {
  names: {
    group: '',
    version: 'v1',
    kind: 'Namespace',
    plural: 'namespaces',
    singular: 'namespace',
    shortNames: ['ns'],
    namespaced: false,
  },
  statusSubresource: true,
  updateSubresources: { finalize: { verbs: ['update'], prepare: withFinalizersOf } },
  nameValidation: validateNamespaceName,
  defaults,
  prepareForCreate,
  prepareForUpdate,
  prepareForStatusUpdate,
  validate,
  validateStatusUpdate,
  table: {
    columns: [nameColumn, column('Status', 'The status of the namespace'), ageColumn],
    cells: (obj) => [obj.metadata?.name ?? '', stringOf(mapOf(obj.status).phase), ageCell(obj)],
  },
  selectableFields: (obj) => ({
    'status.phase': stringOf(mapOf(obj.status).phase),
    // Upstream keeps this unprefixed field for compatibility.
    name: obj.metadata?.name ?? '',
  }),
};
