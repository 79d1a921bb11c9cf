// RuntimeClass (node.k8s.io/v1, cluster-scoped): upstream
// pkg/registry/node/runtimeclass and pkg/apis/node/validation.
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { isDNS1123Label, validateImmutableField, validateLabels } from '../../machinery/validation.js';
import { validateTolerations } from '../core/podspec-validation.js';
import { ageCell, ageColumn, column, nameColumn } from '../core/printers.js';
import { validateResourceRequirements } from '../core/resources.js';
import { isMap, mapOf, mapsOf, sameJson, stringMapOf, stringOf } from '../core/util.js';

const HANDLER = FieldPath.of('handler');

/** Upstream validates the pod-fixed overhead as a container's limits. */
function validateOverhead(overhead: unknown, path: FieldPath): FieldError[] {
  if (!isMap(overhead)) return [];
  return validateResourceRequirements({ limits: overhead.podFixed }, path, new Set());
}

function validateScheduling(scheduling: unknown, path: FieldPath): FieldError[] {
  if (!isMap(scheduling)) return [];
  const errs: FieldError[] = [];
  if (isMap(scheduling.nodeSelector)) errs.push(...validateLabels(stringMapOf(scheduling.nodeSelector), path.child('nodeSelector')));
  const tolerationsPath = path.child('tolerations');
  errs.push(...validateTolerations(scheduling.tolerations, tolerationsPath));
  const seen: unknown[] = [];
  mapsOf(scheduling.tolerations).forEach((t, i) => {
    const identity = { key: t.key ?? '', operator: t.operator ?? '', value: t.value ?? '', effect: t.effect ?? '' };
    if (seen.some((s) => sameJson(s, identity))) errs.push(FieldError.duplicate(tolerationsPath.index(i), t));
    seen.push(identity);
  });
  return errs;
}

function validate(obj: ApiObject): FieldError[] {
  const handler = stringOf(obj.handler);
  return [
    ...isDNS1123Label(handler).map((msg) => FieldError.invalid(HANDLER, handler, msg)),
    ...validateOverhead(obj.overhead, FieldPath.of('overhead')),
    ...validateScheduling(obj.scheduling, FieldPath.of('scheduling')),
  ];
}

export const runtimeClassStrategy: KindStrategy = {
  names: {
    group: 'node.k8s.io',
    version: 'v1',
    kind: 'RuntimeClass',
    plural: 'runtimeclasses',
    singular: 'runtimeclass',
    namespaced: false,
  },
  validate,
  validateUpdate: (obj, old) => validateImmutableField(obj.handler, old.handler, HANDLER),
  table: {
    columns: [nameColumn, column('Handler', 'handler specifies the underlying runtime and configuration that the CRI implementation will use to handle pods of this class.'), ageColumn],
    cells: (obj) => [stringOf(obj.metadata?.name), stringOf(mapOf(obj).handler), ageCell(obj)],
  },
};
