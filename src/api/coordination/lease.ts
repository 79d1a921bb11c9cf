// Lease (coordination.k8s.io/v1): upstream pkg/registry/coordination/lease and
// pkg/apis/coordination/validation.
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { ageCell, ageColumn, column, nameColumn } from '../core/printers.js';
import { mapOf, numberOf, stringOf } from '../core/util.js';

const SPEC = FieldPath.of('spec');

function validate(obj: ApiObject): FieldError[] {
  const spec = mapOf(obj.spec);
  const errs: FieldError[] = [];
  const duration = numberOf(spec.leaseDurationSeconds);
  if (duration !== undefined && duration <= 0) errs.push(FieldError.invalid(SPEC.child('leaseDurationSeconds'), duration, 'must be greater than 0'));
  const transitions = numberOf(spec.leaseTransitions);
  if (transitions !== undefined && transitions < 0) {
    errs.push(FieldError.invalid(SPEC.child('leaseTransitions'), transitions, 'must be greater than or equal to 0'));
  }
  if (stringOf(spec.preferredHolder) !== '' && stringOf(spec.holderIdentity) === '') {
    errs.push(FieldError.forbidden(SPEC.child('preferredHolder'), 'may only be specified if `holderIdentity` is set'));
  }
  return errs;
}

/** CoordinatedLeaderElection is alpha and off: its fields are dropped unless already in use. */
function dropDisabledFields(obj: ApiObject, old?: ApiObject): void {
  const spec = mapOf(obj.spec);
  const oldSpec = mapOf(old?.spec);
  for (const key of ['strategy', 'preferredHolder']) if (oldSpec[key] === undefined) delete spec[key];
}

export const leaseStrategy: KindStrategy = {
  names: {
    group: 'coordination.k8s.io',
    version: 'v1',
    kind: 'Lease',
    plural: 'leases',
    singular: 'lease',
    namespaced: true,
  },
  prepareForCreate: (obj) => dropDisabledFields(obj),
  prepareForUpdate: (obj, old) => dropDisabledFields(obj, old),
  validate,
  table: {
    columns: [nameColumn, column('Holder', 'holderIdentity contains the identity of the holder of a current lease.'), ageColumn],
    cells: (obj) => [stringOf(obj.metadata?.name), stringOf(mapOf(obj.spec).holderIdentity), ageCell(obj)],
  },
};
