// PodDisruptionBudget (policy/v1): upstream pkg/registry/policy/poddisruptionbudget
// and pkg/apis/policy/validation.
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { validateLabelSelector } from '../../machinery/labels.js';
import { ageCell, ageColumn, column, nameColumn } from '../core/printers.js';
import { invalidRendered, mapOf, numberOf, stringOf, type JsonMap } from '../core/util.js';
import {
  integerColumn,
  labelSelectorOf,
  statusWrites,
  validateNonnegativeFields,
  validateNotMoreThan100Percent,
  validatePositiveIntOrPercent,
} from '../workloads-common.js';

const SPEC = FieldPath.of('spec');
const EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

const isSet = (value: unknown) => value !== undefined && value !== null;
const pointer = (value: unknown, type: string) => `(*${type})(${isSet(value) ? '0xc000000000' : 'nil'})`;

function goSpec(spec: JsonMap): string {
  return (
    `policy.PodDisruptionBudgetSpec{MinAvailable:${pointer(spec.minAvailable, 'intstr.IntOrString')}, ` +
    `Selector:${pointer(spec.selector, 'v1.LabelSelector')}, MaxUnavailable:${pointer(spec.maxUnavailable, 'intstr.IntOrString')}, ` +
    `UnhealthyPodEvictionPolicy:${pointer(spec.unhealthyPodEvictionPolicy, 'policy.UnhealthyPodEvictionPolicyType')}}`
  );
}

function validateAmount(value: unknown, path: FieldPath): FieldError[] {
  if (!isSet(value)) return [];
  return [...validatePositiveIntOrPercent(value, path), ...validateNotMoreThan100Percent(value, path)];
}

/** ValidatePodDisruptionBudgetSpec. */
export function validatePodDisruptionBudgetSpec(spec: JsonMap, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable)) errs.push(invalidRendered(path, goSpec(spec), 'minAvailable and maxUnavailable cannot be both set'));
  errs.push(...validateAmount(spec.minAvailable, path.child('minAvailable')));
  errs.push(...validateAmount(spec.maxUnavailable, path.child('maxUnavailable')));
  errs.push(...validateLabelSelector(labelSelectorOf(spec.selector), path.child('selector')));
  if (isSet(spec.unhealthyPodEvictionPolicy) && !EVICTION_POLICIES.includes(stringOf(spec.unhealthyPodEvictionPolicy))) {
    errs.push(FieldError.notSupported(path.child('unhealthyPodEvictionPolicy'), stringOf(spec.unhealthyPodEvictionPolicy), EVICTION_POLICIES));
  }
  return errs;
}

function amountCell(value: unknown): string {
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' ? value : 'N/A';
}

export const podDisruptionBudgetStrategy: KindStrategy = {
  names: {
    group: 'policy',
    version: 'v1',
    kind: 'PodDisruptionBudget',
    plural: 'poddisruptionbudgets',
    singular: 'poddisruptionbudget',
    shortNames: ['pdb'],
    namespaced: true,
  },
  statusSubresource: true,
  generation: true,
  ...statusWrites(() => ({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 })),
  validate: (obj) => validatePodDisruptionBudgetSpec(mapOf(obj.spec), SPEC),
  validateStatusUpdate: (obj) =>
    validateNonnegativeFields(obj.status, FieldPath.of('status'), ['disruptionsAllowed', 'currentHealthy', 'desiredHealthy', 'expectedPods', 'observedGeneration']),
  table: {
    columns: [
      nameColumn,
      column('Min Available', 'The minimum number of pods that must be available.'),
      column('Max Unavailable', 'The maximum number of pods that may be unavailable.'),
      integerColumn('Allowed Disruptions', 'Calculated number of pods that may be disrupted at this time.'),
      ageColumn,
    ],
    cells: (obj: ApiObject) => {
      const spec = mapOf(obj.spec);
      return [stringOf(obj.metadata?.name), amountCell(spec.minAvailable), amountCell(spec.maxUnavailable), numberOf(mapOf(obj.status).disruptionsAllowed) ?? 0, ageCell(obj)];
    },
  },
};


