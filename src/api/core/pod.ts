// Pod (upstream pkg/registry/core/pod, validation of PodSpec and Pod).
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { validateLabels } from '../../machinery/validation.js';
import { defaultPodOnly, defaultPodSpec } from './podspec-defaults.js';
import { validatePodSpec } from './podspec-validation.js';
import { ensureMap, isMap, mapOf, stringMapOf } from './util.js';

export { defaultPodSpec } from './podspec-defaults.js';
export { validatePodSpec } from './podspec-validation.js';

/** A PodTemplateSpec inside a workload: its labels and its pod spec. */
export function validatePodTemplateSpec(template: unknown, path: FieldPath): FieldError[] {
  if (!isMap(template)) return [FieldError.required(path, '')];
  const meta = mapOf(template.metadata);
  const errs = validateLabels(stringMapOf(meta.labels), path.child('metadata', 'labels'));
  errs.push(...validatePodSpec(template.spec, path.child('spec')));
  return errs;
}

/** Defaults of a PodTemplateSpec (the pod spec part; labels are left alone). */
export function defaultPodTemplateSpec(template: unknown): void {
  if (!isMap(template)) return;
  defaultPodSpec(ensureMap(template, 'spec'));
}

function defaults(obj: ApiObject): void {
  const spec = ensureMap(obj, 'spec');
  defaultPodSpec(spec);
  defaultPodOnly(spec);
}

function prepareForCreate(obj: ApiObject): void {
  obj.status = { phase: 'Pending', qosClass: 'BestEffort' };
}

export const podStrategy: KindStrategy = {
  names: {
    group: '',
    version: 'v1',
    kind: 'Pod',
    plural: 'pods',
    singular: 'pod',
    shortNames: ['po'],
    categories: ['all'],
    namespaced: true,
  },
  statusSubresource: true,
  defaults,
  prepareForCreate,
  validate: (obj) => validatePodSpec(obj.spec, FieldPath.of('spec')),
};
