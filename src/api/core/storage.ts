// Pieces shared by PersistentVolume and PersistentVolumeClaim.
import { FieldError, type FieldPath } from '../../machinery/field.js';
import { nameIsDNSSubdomain } from '../../machinery/validation.js';
import { listOf, stringOf } from './util.js';

export const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
export const VOLUME_MODES = ['Block', 'Filesystem'];

/** Access modes: each supported, ReadWriteOncePod alone. */
export function validateAccessModes(modes: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let oncePod = false;
  let other = false;
  for (const raw of listOf(modes)) {
    const mode = stringOf(raw);
    if (!ACCESS_MODES.includes(mode)) errs.push(FieldError.notSupported(path, raw, ACCESS_MODES));
    if (mode === 'ReadWriteOncePod') oncePod = true;
    else if (ACCESS_MODES.includes(mode)) other = true;
  }
  if (oncePod && other) errs.push(FieldError.forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

export function validateClassName(name: string, path: FieldPath): FieldError[] {
  return nameIsDNSSubdomain(name, false).map((m) => FieldError.invalid(path, name, m));
}

/** GetAccessModesAsString: RWO,ROX,RWX,RWOP in that order, without repeats. */
export function accessModesString(modes: unknown): string {
  const present = new Set(listOf(modes).map(stringOf));
  const short: [string, string][] = [
    ['ReadWriteOnce', 'RWO'],
    ['ReadOnlyMany', 'ROX'],
    ['ReadWriteMany', 'RWX'],
    ['ReadWriteOncePod', 'RWOP'],
  ];
  return short.filter(([mode]) => present.has(mode)).map(([, s]) => s).join(',');
}

/** A short, stable description of what differs, standing in for upstream's cmp.Diff. */
export function describeDiff(before: unknown, after: unknown): string {
  return `  ${JSON.stringify(before ?? null)}\n  -> ${JSON.stringify(after ?? null)}\n`;
}
