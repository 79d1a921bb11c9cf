// PriorityClass (scheduling.k8s.io/v1, cluster-scoped): upstream
// pkg/registry/scheduling/priorityclass and pkg/apis/scheduling.
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { validateImmutableField } from '../../machinery/validation.js';
import { ageCell, ageColumn, column, nameColumn } from '../core/printers.js';
import { numberOf, stringOf } from '../core/util.js';
import { integerColumn } from '../workloads-common.js';

export const SYSTEM_PRIORITY_CLASS_PREFIX = 'system-';
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;
export const SYSTEM_CRITICAL_PRIORITY = 2 * HIGHEST_USER_DEFINABLE_PRIORITY;
export const SYSTEM_CLUSTER_CRITICAL = 'system-cluster-critical';
export const SYSTEM_NODE_CRITICAL = 'system-node-critical';

const PREEMPTION_POLICIES = ['PreemptLowerPriority', 'Never'];

/** The two classes the API server creates at startup. */
export function systemPriorityClasses(): ApiObject[] {
  const pc = (name: string, value: number, description: string): ApiObject => ({
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name },
    value,
    description,
    globalDefault: false,
    preemptionPolicy: 'PreemptLowerPriority',
  });
  return [
    pc(SYSTEM_NODE_CRITICAL, SYSTEM_CRITICAL_PRIORITY + 1000, 'Used for system critical pods that must not be moved from their current node.'),
    pc(SYSTEM_CLUSTER_CRITICAL, SYSTEM_CRITICAL_PRIORITY, 'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.'),
  ];
}

/** IsKnownSystemPriorityClass's error, or undefined when the class is one of the system classes as defined. */
function systemClassError(name: string, value: number, globalDefault: boolean): string | undefined {
  const known = systemPriorityClasses().find((pc) => pc.metadata?.name === name);
  if (!known) return `${name} is not a known system priority class`;
  if (known.value !== value) return `value of ${name} PriorityClass must be ${String(known.value)}`;
  if (known.globalDefault !== globalDefault) return `globalDefault of ${name} PriorityClass must be ${String(known.globalDefault)}`;
  return undefined;
}

function validate(obj: ApiObject): FieldError[] {
  const name = obj.metadata?.name ?? '';
  const value = numberOf(obj.value) ?? 0;
  const errs: FieldError[] = [];
  if (name.startsWith(SYSTEM_PRIORITY_CLASS_PREFIX)) {
    const err = systemClassError(name, value, obj.globalDefault === true);
    if (err) {
      const msg = `priority class names with '${SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are reserved for system use only. error: ${err}`;
      errs.push(FieldError.forbidden(FieldPath.of('metadata', 'name'), msg));
    }
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(FieldError.forbidden(FieldPath.of('value'), `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  if (obj.preemptionPolicy !== undefined && obj.preemptionPolicy !== null) {
    const policy = stringOf(obj.preemptionPolicy);
    if (policy === '') errs.push(FieldError.required(FieldPath.of('preemptionPolicy'), ''));
    else if (!PREEMPTION_POLICIES.includes(policy)) errs.push(FieldError.notSupported(FieldPath.of('preemptionPolicy'), policy, PREEMPTION_POLICIES));
  }
  return errs;
}

function validateUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  const errs: FieldError[] = [];
  if ((numberOf(obj.value) ?? 0) !== (numberOf(old.value) ?? 0)) errs.push(FieldError.forbidden(FieldPath.of('value'), 'may not be changed in an update.'));
  errs.push(...validateImmutableField(obj.preemptionPolicy ?? null, old.preemptionPolicy ?? null, FieldPath.of('preemptionPolicy')));
  return errs;
}

export const priorityClassStrategy: KindStrategy = {
  names: {
    group: 'scheduling.k8s.io',
    version: 'v1',
    kind: 'PriorityClass',
    plural: 'priorityclasses',
    singular: 'priorityclass',
    shortNames: ['pc'],
    namespaced: false,
  },
  defaults: (obj) => {
    obj.preemptionPolicy ??= 'PreemptLowerPriority';
  },
  validate,
  validateUpdate,
  table: {
    columns: [
      nameColumn,
      integerColumn('Value', 'value represents the integer value of this priority class.'),
      column('Global-Default', 'globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class.', 0, 'boolean'),
      ageColumn,
      column('PreemptionPolicy', 'preemptionPolicy is the Policy for preempting pods with lower priority.'),
    ],
    cells: (obj) => [stringOf(obj.metadata?.name), numberOf(obj.value) ?? 0, obj.globalDefault === true, ageCell(obj), stringOf(obj.preemptionPolicy)],
  },
};
