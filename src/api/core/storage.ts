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

/** Leaf differences between two JSON values, as `path: value` pairs per side. */
function diffLines(before: unknown, after: unknown, path: string, out: string[]): void {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  if (isObj(before) && isObj(after) && Array.isArray(before) === Array.isArray(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    for (const k of keys) diffLines(before[k], after[k], Array.isArray(before) ? `${path}[${k}]` : path ? `${path}.${k}` : k, out);
    return;
  }
  if (before !== undefined) out.push(`- \t${path}: ${JSON.stringify(before)},`);
  if (after !== undefined) out.push(`+ \t${path}: ${JSON.stringify(after)},`);
}

/** What differs, in the -/+ line style of upstream's cmp.Diff (field paths stand in for Go struct syntax). */
export function describeDiff(before: unknown, after: unknown): string {
  const lines: string[] = [];
  diffLines(before ?? null, after ?? null, '', lines);
  return ['  {', ...lines, '  }', ''].join('\n');
}
