// ControllerRevision (apps/v1): immutable snapshots of a controller's template
// (upstream pkg/registry/apps/controllerrevision and apps validation).
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { validateImmutableField, validateNonnegativeField } from '../../machinery/validation.js';
import { ageCell, ageColumn, column, nameColumn } from '../core/printers.js';
import { numberOf, stringOf } from '../core/util.js';

function validate(obj: ApiObject): FieldError[] {
  const errs: FieldError[] = [];
  if (obj.data === undefined || obj.data === null) errs.push(FieldError.required(FieldPath.of('data'), 'data is mandatory'));
  errs.push(...validateNonnegativeField(numberOf(obj.revision) ?? 0, FieldPath.of('revision')));
  return errs;
}

/** `group/kind` of the controlling owner, lower-cased as printers.formatResourceName does. */
function controllerCell(obj: ApiObject): string {
  const ref = (obj.metadata?.ownerReferences ?? []).find((r) => r.controller === true);
  if (!ref) return '<none>';
  const slash = ref.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash);
  const kind = group ? `${ref.kind}.${group}` : ref.kind;
  return kind ? `${kind.toLowerCase()}/${ref.name}` : ref.name;
}

export const controllerRevisionStrategy: KindStrategy = {
  names: {
    group: 'apps',
    version: 'v1',
    kind: 'ControllerRevision',
    plural: 'controllerrevisions',
    singular: 'controllerrevision',
    namespaced: true,
  },
  validate,
  validateUpdate: (obj, old) => validateImmutableField(obj.data, old.data, FieldPath.of('data')),
  table: {
    columns: [
      nameColumn,
      column('Controller', 'Controller of the object'),
      column('Revision', 'Revision indicates the revision of the state represented by Data.'),
      ageColumn,
    ],
    cells: (obj) => [stringOf(obj.metadata?.name), controllerCell(obj), numberOf(obj.revision) ?? 0, ageCell(obj)],
  },
};
