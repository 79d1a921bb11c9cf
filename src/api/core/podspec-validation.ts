// Validation of a PodSpec (upstream ValidatePodSpec and what it calls).
import { FieldError, type FieldPath } from '../../machinery/field.js';
import { isMap, mapOf, listOf, stringOf } from './util.js';
import { validateContainers } from './container.js';

export function validatePodSpec(spec: unknown, path: FieldPath): FieldError[] {
  const s = mapOf(spec);
  const errs: FieldError[] = [];
  errs.push(...validateContainers(listOf(s.containers), path.child('containers')));
  void isMap;
  void stringOf;
  return errs;
}
