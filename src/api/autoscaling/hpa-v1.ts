// HorizontalPodAutoscaler at autoscaling/v1, served from the same stored v2
// object: every rule is the v2 one applied through the conversion, so errors
// name the v2 (internal) field paths, as upstream's do.
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldPath } from '../../machinery/field.js';
import { mapOf } from '../core/util.js';
import { HPA_COLUMNS, HPA_NAMES, hpaCells, horizontalPodAutoscalerStrategy as v2, validateHPAStatus, validateHorizontalPodAutoscalerSpec } from './hpa.js';
import { hpaV1ToV2, hpaV2ToV1 } from './conversion.js';

/** Replaces the contents of `target` with `source`'s. */
function assign(target: ApiObject, source: ApiObject): void {
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, source);
}

/** The v2 defaults (minReplicas 1, CPU 80%, behavior rules) seen through v1. */
function defaults(obj: ApiObject): void {
  const stored = hpaV1ToV2(obj);
  v2.defaults?.(stored);
  const shown = hpaV2ToV1(stored);
  if (obj.status === undefined) delete shown.status;
  assign(obj, shown);
}

export const horizontalPodAutoscalerV1Strategy: KindStrategy = {
  names: { ...HPA_NAMES, version: 'v1' },
  storage: { group: HPA_NAMES.group, plural: HPA_NAMES.plural, toStored: hpaV1ToV2, fromStored: hpaV2ToV1 },
  statusSubresource: true,
  defaults,
  prepareForCreate(obj) {
    obj.status = { currentReplicas: 0, desiredReplicas: 0 };
  },
  prepareForUpdate(obj, old) {
    obj.status = structuredClone(old.status);
    if (old.status === undefined) delete obj.status;
  },
  prepareForStatusUpdate: (obj, old) => v2.prepareForStatusUpdate?.(obj, old),
  validate: (obj) => validateHorizontalPodAutoscalerSpec(mapOf(hpaV1ToV2(obj).spec), FieldPath.of('spec')),
  validateStatusUpdate: (obj) => validateHPAStatus(obj),
  table: { columns: HPA_COLUMNS, cells: (obj) => hpaCells(hpaV1ToV2(obj)) },
};
