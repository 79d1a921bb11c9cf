// autoscaling/v1 ↔ autoscaling/v2 HorizontalPodAutoscaler (upstream
// pkg/apis/autoscaling/v1/conversion.go). The server stores the v2 form; v1
// carries what it cannot express (other metrics, behavior, conditions) in
// annotations, as upstream does, so both versions round-trip.
import type { ApiObject } from '../kind.js';
import { cloneJson, isMap, listOf, mapOf, mapsOf, numberOf, type JsonMap } from '../core/util.js';

export const METRIC_SPECS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
export const METRIC_STATUSES_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';
export const BEHAVIOR_SPECS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/behavior';
export const CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';
const ROUND_TRIP_ANNOTATIONS = [METRIC_SPECS_ANNOTATION, METRIC_STATUSES_ANNOTATION, BEHAVIOR_SPECS_ANNOTATION, CONDITIONS_ANNOTATION];

/** Copies the defined entries, leaving out undefined and null. */
function compact(entries: Record<string, unknown>): JsonMap {
  return Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined && v !== null));
}

const quantityOrZero = (value: unknown) => (value === undefined || value === null ? '0' : value);

// ---- metric specs ----

function metricSpecToV1(metric: JsonMap): JsonMap {
  const out: JsonMap = { type: metric.type };
  const target = (src: JsonMap) => mapOf(src.target);
  if (isMap(metric.object)) {
    const o = metric.object;
    const t = target(o);
    out.object = compact({ target: o.describedObject, metricName: mapOf(o.metric).name, targetValue: quantityOrZero(t.value), selector: mapOf(o.metric).selector, averageValue: t.averageValue });
  }
  if (isMap(metric.pods)) {
    const p = metric.pods;
    out.pods = compact({ metricName: mapOf(p.metric).name, targetAverageValue: quantityOrZero(target(p).averageValue), selector: mapOf(p.metric).selector });
  }
  if (isMap(metric.resource)) {
    const t = target(metric.resource);
    out.resource = compact({ name: metric.resource.name, targetAverageUtilization: t.averageUtilization, targetAverageValue: t.averageValue });
  }
  if (isMap(metric.containerResource)) {
    const c = metric.containerResource;
    const t = target(c);
    out.containerResource = compact({ name: c.name, targetAverageUtilization: t.averageUtilization, targetAverageValue: t.averageValue, container: c.container });
  }
  if (isMap(metric.external)) {
    const e = metric.external;
    const t = target(e);
    out.external = compact({ metricName: mapOf(e.metric).name, metricSelector: mapOf(e.metric).selector, targetValue: t.value, targetAverageValue: t.averageValue });
  }
  return out;
}

function metricSpecToV2(metric: JsonMap): JsonMap {
  const out: JsonMap = { type: metric.type };
  const identifier = (name: unknown, selector: unknown) => compact({ name, selector });
  if (isMap(metric.object)) {
    const o = metric.object;
    const type = o.averageValue === undefined || o.averageValue === null ? 'Value' : 'AverageValue';
    out.object = { describedObject: o.target, metric: identifier(o.metricName, o.selector), target: compact({ type, value: quantityOrZero(o.targetValue), averageValue: o.averageValue }) };
  }
  if (isMap(metric.pods)) {
    const p = metric.pods;
    out.pods = { metric: identifier(p.metricName, p.selector), target: { type: 'AverageValue', averageValue: quantityOrZero(p.targetAverageValue) } };
  }
  for (const key of ['resource', 'containerResource'] as const) {
    const r = metric[key];
    if (!isMap(r)) continue;
    const type = r.targetAverageUtilization === undefined || r.targetAverageUtilization === null ? 'AverageValue' : 'Utilization';
    out[key] = compact({ name: r.name, container: r.container, target: compact({ type, averageUtilization: r.targetAverageUtilization, averageValue: r.targetAverageValue }) });
  }
  if (isMap(metric.external)) {
    const e = metric.external;
    const type = e.targetValue === undefined || e.targetValue === null ? 'AverageValue' : 'Value';
    out.external = { metric: identifier(e.metricName, e.metricSelector), target: compact({ type, value: e.targetValue, averageValue: e.targetAverageValue }) };
  }
  return out;
}

// ---- metric statuses ----

function metricStatusToV1(metric: JsonMap): JsonMap {
  const out: JsonMap = { type: metric.type };
  const current = (src: JsonMap) => mapOf(src.current);
  if (isMap(metric.object)) {
    const o = metric.object;
    const c = current(o);
    out.object = compact({ target: o.describedObject, metricName: mapOf(o.metric).name, currentValue: quantityOrZero(c.value), selector: mapOf(o.metric).selector, averageValue: c.averageValue });
  }
  if (isMap(metric.pods)) {
    const p = metric.pods;
    out.pods = compact({ metricName: mapOf(p.metric).name, currentAverageValue: quantityOrZero(current(p).averageValue), selector: mapOf(p.metric).selector });
  }
  for (const key of ['resource', 'containerResource'] as const) {
    const r = metric[key];
    if (!isMap(r)) continue;
    const c = current(r);
    out[key] = compact({ name: r.name, currentAverageUtilization: c.averageUtilization, currentAverageValue: quantityOrZero(c.averageValue), container: r.container });
  }
  if (isMap(metric.external)) {
    const e = metric.external;
    const c = current(e);
    out.external = compact({ metricName: mapOf(e.metric).name, metricSelector: mapOf(e.metric).selector, currentValue: quantityOrZero(c.value), currentAverageValue: c.averageValue });
  }
  return out;
}

function metricStatusToV2(metric: JsonMap): JsonMap {
  const out: JsonMap = { type: metric.type };
  const identifier = (name: unknown, selector: unknown) => compact({ name, selector });
  if (isMap(metric.object)) {
    const o = metric.object;
    out.object = { describedObject: o.target, metric: identifier(o.metricName, o.selector), current: compact({ value: o.currentValue, averageValue: o.averageValue }) };
  }
  if (isMap(metric.pods)) {
    const p = metric.pods;
    out.pods = { metric: identifier(p.metricName, p.selector), current: compact({ averageValue: p.currentAverageValue }) };
  }
  for (const key of ['resource', 'containerResource'] as const) {
    const r = metric[key];
    if (!isMap(r)) continue;
    out[key] = compact({ name: r.name, container: r.container, current: compact({ averageUtilization: r.currentAverageUtilization, averageValue: r.currentAverageValue }) });
  }
  if (isMap(metric.external)) {
    const e = metric.external;
    out.external = { metric: identifier(e.metricName, e.metricSelector), current: compact({ value: e.currentValue, averageValue: e.currentAverageValue }) };
  }
  return out;
}

// ---- behavior: upstream marshals the internal type, whose JSON keys are Go's field names ----

function rulesToInternal(rules: unknown): unknown {
  if (!isMap(rules)) return null;
  return {
    StabilizationWindowSeconds: rules.stabilizationWindowSeconds ?? null,
    SelectPolicy: rules.selectPolicy ?? null,
    Policies: Array.isArray(rules.policies) ? mapsOf(rules.policies).map((p) => ({ Type: p.type, Value: p.value, PeriodSeconds: p.periodSeconds })) : null,
  };
}

function rulesFromInternal(rules: unknown): JsonMap | undefined {
  if (!isMap(rules)) return undefined;
  const policies = Array.isArray(rules.Policies) ? mapsOf(rules.Policies).map((p) => compact({ type: p.Type, value: p.Value, periodSeconds: p.PeriodSeconds })) : undefined;
  return compact({ stabilizationWindowSeconds: rules.StabilizationWindowSeconds, selectPolicy: rules.SelectPolicy, policies });
}

// ---- the objects ----

function isCpuUtilization(metric: JsonMap): boolean {
  const resource = mapOf(metric.resource);
  return metric.type === 'Resource' && resource.name === 'cpu' && mapOf(resource.target).averageUtilization !== undefined;
}

function parseAnnotation(annotations: Record<string, string>, key: string): unknown {
  const text = annotations[key];
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function dropRoundTripAnnotations(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!annotations) return undefined;
  const out = { ...annotations };
  for (const key of ROUND_TRIP_ANNOTATIONS) delete out[key];
  return out;
}

function metadataWith(obj: ApiObject, annotations: Record<string, string> | undefined): ApiObject['metadata'] {
  const metadata = { ...cloneJson(obj.metadata ?? {}) };
  if (annotations && Object.keys(annotations).length > 0) metadata.annotations = annotations;
  else delete metadata.annotations;
  return metadata;
}

function specToV1(spec: JsonMap, annotations: Record<string, string>): JsonMap {
  const out = compact({ scaleTargetRef: cloneJson(spec.scaleTargetRef), minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas });
  const cpu = mapsOf(spec.metrics).find((m) => m.type === 'Resource' && mapOf(m.resource).name === 'cpu');
  const utilization = mapOf(mapOf(cpu?.resource).target).averageUtilization;
  if (utilization !== undefined) out.targetCPUUtilizationPercentage = utilization;
  const others = mapsOf(spec.metrics).filter((m) => !isCpuUtilization(m)).map(metricSpecToV1);
  if (others.length > 0) annotations[METRIC_SPECS_ANNOTATION] = JSON.stringify(others);
  if (isMap(spec.behavior)) {
    annotations[BEHAVIOR_SPECS_ANNOTATION] = JSON.stringify({ ScaleUp: rulesToInternal(spec.behavior.scaleUp), ScaleDown: rulesToInternal(spec.behavior.scaleDown) });
  }
  return out;
}

function statusToV1(status: JsonMap, annotations: Record<string, string>): JsonMap {
  const out = compact({ observedGeneration: status.observedGeneration, lastScaleTime: status.lastScaleTime });
  out.currentReplicas = numberOf(status.currentReplicas) ?? 0;
  out.desiredReplicas = numberOf(status.desiredReplicas) ?? 0;
  const current = mapsOf(status.currentMetrics);
  const cpu = current.find((m) => m.type === 'Resource' && mapOf(m.resource).name === 'cpu');
  const utilization = mapOf(mapOf(cpu?.resource).current).averageUtilization;
  if (utilization !== undefined) out.currentCPUUtilizationPercentage = utilization;
  if (current.length > 0) annotations[METRIC_STATUSES_ANNOTATION] = JSON.stringify(current.map(metricStatusToV1));
  const conditions = listOf(status.conditions);
  if (conditions.length > 0) annotations[CONDITIONS_ANNOTATION] = JSON.stringify(conditions);
  return out;
}

/** An autoscaling/v2 HorizontalPodAutoscaler as autoscaling/v1 shows it. */
export function hpaV2ToV1(obj: ApiObject): ApiObject {
  const annotations = dropRoundTripAnnotations(obj.metadata?.annotations) ?? {};
  const spec = specToV1(mapOf(obj.spec), annotations);
  const out: ApiObject = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: {}, spec };
  if (obj.status !== undefined) out.status = statusToV1(mapOf(obj.status), annotations);
  out.metadata = metadataWith(obj, annotations);
  return out;
}

function specToV2(spec: JsonMap, annotations: Record<string, string>): JsonMap {
  const out = compact({ scaleTargetRef: cloneJson(spec.scaleTargetRef), minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas });
  const metrics: JsonMap[] = mapsOf(parseAnnotation(annotations, METRIC_SPECS_ANNOTATION)).map(metricSpecToV2);
  const cpu = spec.targetCPUUtilizationPercentage;
  if (cpu !== undefined && cpu !== null) metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: cpu } } });
  if (metrics.length > 0) out.metrics = metrics;
  const behavior = parseAnnotation(annotations, BEHAVIOR_SPECS_ANNOTATION);
  if (isMap(behavior)) out.behavior = compact({ scaleUp: rulesFromInternal(behavior.ScaleUp), scaleDown: rulesFromInternal(behavior.ScaleDown) });
  return out;
}

function statusToV2(status: JsonMap, annotations: Record<string, string>): JsonMap {
  const out = compact({ observedGeneration: status.observedGeneration, lastScaleTime: status.lastScaleTime });
  const currentReplicas = numberOf(status.currentReplicas) ?? 0;
  if (currentReplicas !== 0) out.currentReplicas = currentReplicas;
  out.desiredReplicas = numberOf(status.desiredReplicas) ?? 0;
  const annotated = parseAnnotation(annotations, METRIC_STATUSES_ANNOTATION);
  const cpu = status.currentCPUUtilizationPercentage;
  if (Array.isArray(annotated)) out.currentMetrics = mapsOf(annotated).map(metricStatusToV2);
  else if (cpu !== undefined && cpu !== null) out.currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: cpu } } }];
  else out.currentMetrics = null;
  const conditions = parseAnnotation(annotations, CONDITIONS_ANNOTATION);
  if (Array.isArray(conditions) && conditions.length > 0) out.conditions = conditions;
  return out;
}

/** An autoscaling/v1 HorizontalPodAutoscaler in the autoscaling/v2 form the server stores. */
export function hpaV1ToV2(obj: ApiObject): ApiObject {
  const annotations = obj.metadata?.annotations ?? {};
  const out: ApiObject = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: {}, spec: specToV2(mapOf(obj.spec), annotations) };
  if (obj.status !== undefined) out.status = statusToV2(mapOf(obj.status), annotations);
  out.metadata = metadataWith(obj, dropRoundTripAnnotations(obj.metadata?.annotations));
  return out;
}
