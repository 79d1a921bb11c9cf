// HorizontalPodAutoscaler (autoscaling/v2, the stored form): upstream
// pkg/registry/autoscaling/horizontalpodautoscaler, autoscaling/v2 defaults
// and pkg/apis/autoscaling/validation.
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { Quantity } from '../../machinery/quantity.js';
import { isDNS1123Label, validateLabelName, validatePathSegmentName } from '../../machinery/validation.js';
import { ageCell, ageColumn, column, nameColumn } from '../core/printers.js';
import { cloneJson, ensureMap, isMap, mapOf, mapsOf, numberOf, stringOf, type JsonMap } from '../core/util.js';
import { statusWrites, validateNonnegativeFields } from '../workloads-common.js';

const SPEC = FieldPath.of('spec');
export const DEFAULT_CPU_UTILIZATION = 80;
const MAX_PERIOD_SECONDS = 1800;
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const METRIC_SOURCE_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const SELECT_POLICIES = ['Disabled', 'Max', 'Min'];
const SCALING_POLICY_TYPES = ['Percent', 'Pods'];
const SOURCE_FIELDS: Record<string, string> = { Object: 'object', Pods: 'pods', Resource: 'resource', External: 'external', ContainerResource: 'containerResource' };

const isSet = (value: unknown) => value !== undefined && value !== null;

const DEFAULT_SCALE_UP = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};
const DEFAULT_SCALE_DOWN = { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] };

/** GenerateHPAScaleUpRules / ScaleDownRules: the defaults, overridden by what is set. */
function scalingRules(rules: unknown, defaults: JsonMap): JsonMap {
  const out = cloneJson(defaults);
  for (const [key, value] of Object.entries(mapOf(rules))) if (isSet(value)) out[key] = value;
  return out;
}

function defaults(obj: ApiObject): void {
  const spec = ensureMap(obj, 'spec');
  spec.minReplicas ??= 1;
  if (mapsOf(spec.metrics).length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  }
  if (isMap(spec.behavior)) {
    spec.behavior.scaleUp = scalingRules(spec.behavior.scaleUp, DEFAULT_SCALE_UP);
    spec.behavior.scaleDown = scalingRules(spec.behavior.scaleDown, DEFAULT_SCALE_DOWN);
  }
}

function validatePathSegment(value: string, path: FieldPath, requiredDetail = ''): FieldError[] {
  if (value === '') return [FieldError.required(path, requiredDetail)];
  return validatePathSegmentName(value, false).map((msg) => FieldError.invalid(path, value, msg));
}

/** ValidateCrossVersionObjectReference. */
function validateReference(ref: JsonMap, path: FieldPath): FieldError[] {
  return [...validatePathSegment(stringOf(ref.kind), path.child('kind')), ...validatePathSegment(stringOf(ref.name), path.child('name'))];
}

function quantitySign(value: unknown): number | string {
  try {
    return Quantity.fromJSON(value).sign();
  } catch (err) {
    return (err as Error).message;
  }
}

function validatePositiveQuantity(value: unknown, path: FieldPath): FieldError[] {
  if (!isSet(value)) return [];
  const sign = quantitySign(value);
  if (typeof sign === 'string') return [FieldError.invalid(path, value, sign)];
  return sign === 1 ? [] : [FieldError.invalid(path, value, 'must be positive')];
}

function validateMetricTarget(target: JsonMap, path: FieldPath): FieldError[] {
  const type = stringOf(target.type);
  const errs = type === '' ? [FieldError.required(path.child('type'), 'must specify a metric target type')] : [];
  if (!['Utilization', 'Value', 'AverageValue'].includes(type)) errs.push(FieldError.invalid(path.child('type'), type, 'must be either Utilization, Value, or AverageValue'));
  errs.push(...validatePositiveQuantity(target.value, path.child('value')));
  errs.push(...validatePositiveQuantity(target.averageValue, path.child('averageValue')));
  const utilization = numberOf(target.averageUtilization);
  if (utilization !== undefined && utilization < 1) errs.push(FieldError.invalid(path.child('averageUtilization'), utilization, 'must be greater than 0'));
  return errs;
}

function validateMetricIdentifier(metric: JsonMap, path: FieldPath): FieldError[] {
  return validatePathSegment(stringOf(metric.name), path.child('name'), 'must specify a metric name');
}

const STANDARD_CONTAINER_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'];

/** ValidateContainerResourceName. */
function validateResourceName(name: string, path: FieldPath): FieldError[] {
  if (name === '') return [FieldError.required(path, 'must specify a resource name')];
  const errs = validateLabelName(name, path);
  if (errs.length > 0 || name.includes('/')) return errs;
  if (STANDARD_CONTAINER_RESOURCES.includes(name) || name.startsWith('hugepages-')) return [];
  return [
    FieldError.invalid(path, name, 'must be a standard resource type or fully qualified'),
    FieldError.invalid(path, name, 'must be a standard resource for containers'),
  ];
}

function validateResourceSource(source: JsonMap, path: FieldPath, container: boolean): FieldError[] {
  const errs = validateResourceName(stringOf(source.name), path.child('name'));
  if (container) {
    const name = stringOf(source.container);
    if (name === '') errs.push(FieldError.required(path.child('container'), 'must specify a container'));
    else errs.push(...isDNS1123Label(name).map((msg) => FieldError.invalid(path.child('container'), name, msg)));
  }
  const target = mapOf(source.target);
  errs.push(...validateMetricTarget(target, path.child('target')));
  if (!isSet(target.averageUtilization) && !isSet(target.averageValue)) {
    errs.push(FieldError.required(path.child('target', 'averageUtilization'), 'must set either a target raw value or a target utilization'));
  }
  if (isSet(target.averageUtilization) && isSet(target.averageValue)) {
    errs.push(FieldError.forbidden(path.child('target', 'averageValue'), 'may not set both a target raw value and a target utilization'));
  }
  return errs;
}

function validateSource(kind: string, source: JsonMap, path: FieldPath): FieldError[] {
  const target = mapOf(source.target);
  const targetPath = path.child('target');
  switch (kind) {
    case 'object': {
      const errs = [...validateReference(mapOf(source.describedObject), path.child('describedObject')), ...validateMetricIdentifier(mapOf(source.metric), path.child('metric'))];
      errs.push(...validateMetricTarget(target, targetPath));
      if (!isSet(target.value) && !isSet(target.averageValue)) errs.push(FieldError.required(targetPath.child('averageValue'), 'must set either a target value or averageValue'));
      return errs;
    }
    case 'external': {
      const errs = [...validateMetricIdentifier(mapOf(source.metric), path.child('metric')), ...validateMetricTarget(target, targetPath)];
      if (!isSet(target.value) && !isSet(target.averageValue)) errs.push(FieldError.required(targetPath.child('averageValue'), 'must set either a target value for metric or a per-pod target'));
      if (isSet(target.value) && isSet(target.averageValue)) errs.push(FieldError.forbidden(targetPath.child('value'), 'may not set both a target value for metric and a per-pod target'));
      return errs;
    }
    case 'pods': {
      const errs = [...validateMetricIdentifier(mapOf(source.metric), path.child('metric')), ...validateMetricTarget(target, targetPath)];
      if (!isSet(target.averageValue)) errs.push(FieldError.required(targetPath.child('averageValue'), 'must specify a positive target averageValue'));
      return errs;
    }
    default:
      return validateResourceSource(source, path, kind === 'containerResource');
  }
}

/** validateMetricSpec: a known type with exactly its own source populated. */
function validateMetricSpec(metric: JsonMap, path: FieldPath): FieldError[] {
  const type = stringOf(metric.type);
  const errs = type === '' ? [FieldError.required(path.child('type'), 'must specify a metric source type')] : [];
  if (!METRIC_SOURCE_TYPES.includes(type)) errs.push(FieldError.notSupported(path.child('type'), type, METRIC_SOURCE_TYPES));
  const present = ['object', 'external', 'pods', 'resource', 'containerResource'].filter((k) => isMap(metric[k]));
  if (present.length > 0) errs.push(...validateSource(present[0], mapOf(metric[present[0]]), path.child(present[0])));
  const expected = SOURCE_FIELDS[type];
  if (expected && !isMap(metric[expected])) errs.push(FieldError.required(path.child(expected), 'must populate information for the given metric source'));
  if (!expected) errs.push(FieldError.notSupported(path.child('type'), type, METRIC_SOURCE_TYPES));
  if (present.length !== 1) {
    for (const key of present.filter((k) => k !== expected)) errs.push(FieldError.forbidden(path.child(key), 'must populate the given metric source only'));
  }
  return errs;
}

function validateScalingPolicy(policy: JsonMap, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const type = stringOf(policy.type);
  if (!SCALING_POLICY_TYPES.includes(type)) errs.push(FieldError.notSupported(path.child('type'), type, SCALING_POLICY_TYPES));
  const value = numberOf(policy.value) ?? 0;
  if (value <= 0) errs.push(FieldError.invalid(path.child('value'), value, 'must be greater than zero'));
  const period = numberOf(policy.periodSeconds) ?? 0;
  if (period <= 0) errs.push(FieldError.invalid(path.child('periodSeconds'), period, 'must be greater than zero'));
  if (period > MAX_PERIOD_SECONDS) errs.push(FieldError.invalid(path.child('periodSeconds'), period, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  return errs;
}

function validateScalingRules(rules: unknown, path: FieldPath): FieldError[] {
  if (!isMap(rules)) return [];
  const errs: FieldError[] = [];
  const window = numberOf(rules.stabilizationWindowSeconds);
  const windowPath = path.child('stabilizationWindowSeconds');
  if (window !== undefined && window < 0) errs.push(FieldError.invalid(windowPath, window, 'must be greater than or equal to zero'));
  if (window !== undefined && window > MAX_STABILIZATION_WINDOW_SECONDS) {
    errs.push(FieldError.invalid(windowPath, window, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
  }
  if (isSet(rules.selectPolicy) && !SELECT_POLICIES.includes(stringOf(rules.selectPolicy))) {
    errs.push(FieldError.notSupported(path.child('selectPolicy'), stringOf(rules.selectPolicy), SELECT_POLICIES));
  }
  const policies = mapsOf(rules.policies);
  if (policies.length === 0) errs.push(FieldError.required(path.child('policies'), 'must specify at least one Policy'));
  policies.forEach((p, i) => errs.push(...validateScalingPolicy(p, path.child('policies').index(i))));
  return errs;
}

/** validateHorizontalPodAutoscalerSpec (HPAScaleToZero is off: minReplicas is at least 1). */
export function validateHorizontalPodAutoscalerSpec(spec: JsonMap, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const min = numberOf(spec.minReplicas);
  const max = numberOf(spec.maxReplicas) ?? 0;
  if (min !== undefined && min < 1) errs.push(FieldError.invalid(path.child('minReplicas'), min, 'must be greater than or equal to 1'));
  if (max < 1) errs.push(FieldError.invalid(path.child('maxReplicas'), max, 'must be greater than 0'));
  if (min !== undefined && max < min) errs.push(FieldError.invalid(path.child('maxReplicas'), max, 'must be greater than or equal to `minReplicas`'));
  errs.push(...validateReference(mapOf(spec.scaleTargetRef), path.child('scaleTargetRef')));
  mapsOf(spec.metrics).forEach((m, i) => errs.push(...validateMetricSpec(m, path.child('metrics').index(i))));
  if (isMap(spec.behavior)) {
    errs.push(...validateScalingRules(spec.behavior.scaleUp, path.child('behavior', 'scaleUp')));
    errs.push(...validateScalingRules(spec.behavior.scaleDown, path.child('behavior', 'scaleDown')));
  }
  return errs;
}

// ---- printing (printers.go formatHPAMetrics) ----

function quantityText(value: unknown): string {
  if (!isSet(value)) return '<nil>';
  try {
    return Quantity.fromJSON(value).toString();
  } catch {
    return stringOf(value);
  }
}

function currentOf(statuses: JsonMap[], i: number, key: string): JsonMap | undefined {
  const status = statuses[i];
  return status && isMap(status[key]) ? mapOf(status[key].current) : undefined;
}

function resourceTarget(spec: JsonMap, statuses: JsonMap[], i: number, key: string): string {
  const source = mapOf(spec[key]);
  const target = mapOf(source.target);
  const name = stringOf(source.name);
  const current = currentOf(statuses, i, key);
  if (isSet(target.averageValue)) {
    return `${name}: ${current ? quantityText(current.averageValue) : '<unknown>'}/${quantityText(target.averageValue)}`;
  }
  const now = current && isSet(current.averageUtilization) ? `${String(current.averageUtilization)}%` : '<unknown>';
  const goal = isSet(target.averageUtilization) ? `${String(target.averageUtilization)}%` : '<auto>';
  return `${name}: ${now}/${goal}`;
}

function valueTarget(spec: JsonMap, statuses: JsonMap[], i: number, key: string): string {
  const target = mapOf(mapOf(spec[key]).target);
  const current = currentOf(statuses, i, key);
  if (isSet(target.averageValue)) {
    const now = current && isSet(current.averageValue) ? quantityText(current.averageValue) : '<unknown>';
    return `${now}/${quantityText(target.averageValue)} (avg)`;
  }
  return `${current ? quantityText(current.value) : '<unknown>'}/${quantityText(target.value)}`;
}

function metricText(spec: JsonMap, statuses: JsonMap[], i: number): string {
  switch (spec.type) {
    case 'External':
      return valueTarget(spec, statuses, i, 'external');
    case 'Object':
      return valueTarget(spec, statuses, i, 'object');
    case 'Pods': {
      const current = currentOf(statuses, i, 'pods');
      return `${current ? quantityText(current.averageValue) : '<unknown>'}/${quantityText(mapOf(mapOf(spec.pods).target).averageValue)}`;
    }
    case 'Resource':
      return resourceTarget(spec, statuses, i, 'resource');
    case 'ContainerResource':
      return resourceTarget(spec, statuses, i, 'containerResource');
    default:
      return '<unknown type>';
  }
}

/** formatHPAMetrics: two targets, then `+ N more...`. */
export function targetsCell(obj: ApiObject): string {
  const specs = mapsOf(mapOf(obj.spec).metrics);
  if (specs.length === 0) return '<none>';
  const statuses = mapsOf(mapOf(obj.status).currentMetrics);
  const list = specs.map((s, i) => metricText(s, statuses, i));
  return list.length > 2 ? `${list.slice(0, 2).join(', ')} + ${list.length - 2} more...` : list.join(', ');
}

export function hpaCells(obj: ApiObject): (string | number)[] {
  const spec = mapOf(obj.spec);
  const ref = mapOf(spec.scaleTargetRef);
  const min = numberOf(spec.minReplicas);
  return [
    stringOf(obj.metadata?.name),
    `${stringOf(ref.kind)}/${stringOf(ref.name)}`,
    targetsCell(obj),
    min === undefined ? '<unset>' : String(min),
    numberOf(spec.maxReplicas) ?? 0,
    numberOf(mapOf(obj.status).currentReplicas) ?? 0,
    ageCell(obj),
  ];
}

export const HPA_COLUMNS = [
  nameColumn,
  column('Reference', 'scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.'),
  column('Targets', 'metrics contains the specifications for which to use to calculate the desired replica count.'),
  column('MinPods', 'minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.'),
  column('MaxPods', 'maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.'),
  column('Replicas', 'currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.'),
  ageColumn,
];

export const HPA_NAMES = {
  group: 'autoscaling',
  plural: 'horizontalpodautoscalers',
  singular: 'horizontalpodautoscaler',
  kind: 'HorizontalPodAutoscaler',
  shortNames: ['hpa'],
  categories: ['all'],
  namespaced: true,
};

export function validateHPAStatus(obj: ApiObject): FieldError[] {
  return validateNonnegativeFields(obj.status, FieldPath.of('status'), ['currentReplicas', 'desiredReplicas']);
}

/** The HorizontalPodAutoscaler at autoscaling/v2. */
export const horizontalPodAutoscalerStrategy: KindStrategy = {
  names: { ...HPA_NAMES, version: 'v2' },
  statusSubresource: true,
  defaults,
  ...statusWrites(() => ({ currentMetrics: null, desiredReplicas: 0 })),
  validate: (obj) => validateHorizontalPodAutoscalerSpec(mapOf(obj.spec), SPEC),
  validateStatusUpdate: validateHPAStatus,
  table: { columns: HPA_COLUMNS, cells: hpaCells },
};
