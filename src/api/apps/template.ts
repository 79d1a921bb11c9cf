// What the apps workloads share: the selector rules, the pod template checks
// (upstream ValidatePodTemplateSpecForReplicaSet) and the wide table cells.
import type { TableCell } from '../kind.js';
import { FieldError, type FieldPath } from '../../machinery/field.js';
import { validateLabelSelector } from '../../machinery/labels.js';
import { validateNonnegativeField } from '../../machinery/validation.js';
import { defaultPodTemplateSpec, validatePodTemplateSpec } from '../core/pod.js';
import { containerCells } from '../core/printers.js';
import { ensureMap, invalidRendered, isMap, mapOf, numberOf, stringOf, type JsonMap } from '../core/util.js';
import { goLabelSelector, isEmptySelector, labelSelectorOf, selectorOf, validateSelectorMatchesTemplate } from '../workloads-common.js';

/** The pod template of a workload spec, created when missing (upstream's is never nil). */
export function templateOf(spec: JsonMap): JsonMap {
  return ensureMap(spec, 'template');
}

export function defaultTemplate(spec: JsonMap): void {
  defaultPodTemplateSpec(templateOf(spec));
}

/** spec.selector: required, valid, and not empty (`empty selector is invalid for <kind>`). */
export function validateRequiredSelector(selector: unknown, path: FieldPath, kind: string): FieldError[] {
  if (!isMap(selector)) return [FieldError.required(path, '')];
  const errs = validateLabelSelector(labelSelectorOf(selector), path);
  if (isEmptySelector(selector)) errs.push(invalidRendered(path, goLabelSelector(selector), `empty selector is invalid for ${kind}`));
  return errs;
}

/**
 * ValidatePodTemplateSpecForReplicaSet under `specPath`: the selector must
 * convert and match the template, the pod template must be valid and restart Always.
 */
export function validateReplicaSetTemplate(spec: JsonMap, specPath: FieldPath, kind: string): FieldError[] {
  const { selector, template } = spec;
  if (isMap(selector) && !selectorOf(selector)) {
    return [invalidRendered(specPath.child('selector'), goLabelSelector(selector), 'invalid label selector')];
  }
  const path = specPath.child('template');
  const errs = validateSelectorMatchesTemplate(selector, template, path);
  errs.push(...validatePodTemplateSpec(template, path));
  errs.push(...validateAlwaysRestart(template, path, kind));
  return errs;
}

/** Workload pods restart Always and have no activeDeadlineSeconds. */
export function validateAlwaysRestart(template: unknown, path: FieldPath, kind: string): FieldError[] {
  const podSpec = mapOf(mapOf(template).spec);
  const errs: FieldError[] = [];
  const restartPolicy = stringOf(podSpec.restartPolicy);
  if (restartPolicy !== 'Always') errs.push(FieldError.notSupported(path.child('spec', 'restartPolicy'), restartPolicy, ['Always']));
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(FieldError.forbidden(path.child('spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${kind} is not Supported`));
  }
  return errs;
}

/** ValidateNonnegativeField of an optional number (pointer fields upstream). */
export function validateOptionalNonnegative(value: unknown, path: FieldPath): FieldError[] {
  const n = numberOf(value);
  return n === undefined ? [] : validateNonnegativeField(n, path);
}

/** The CONTAINERS and IMAGES cells of a workload's template. */
export function templateContainerCells(template: unknown): [TableCell, TableCell] {
  return containerCells(mapOf(mapOf(template).spec).containers);
}
