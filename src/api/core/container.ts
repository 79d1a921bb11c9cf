// Validation of containers (upstream validateContainers and friends).
import { FieldError, type FieldPath } from '../../machinery/field.js';
import { isDNS1123Label } from '../../machinery/validation.js';
import { mapOf, stringOf } from './util.js';

export function validateContainers(containers: unknown[], path: FieldPath): FieldError[] {
  if (containers.length === 0) return [FieldError.required(path, '')];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const container = mapOf(c);
    const idx = path.index(i);
    const name = stringOf(container.name);
    if (name === '') errs.push(FieldError.required(idx.child('name')));
    else {
      errs.push(...isDNS1123Label(name).map((m) => FieldError.invalid(idx.child('name'), name, m)));
      if (names.has(name)) errs.push(FieldError.duplicate(idx.child('name'), name));
      names.add(name);
    }
    if (stringOf(container.image) === '') errs.push(FieldError.required(idx.child('image')));
  });
  return errs;
}
