// intstr.IntOrString: a JSON number or string, used for ports and for
// "25%"-style amounts scaled against a total (maxSurge, maxUnavailable, ...).
import { FieldError, type FieldPath } from './field.js';
import { atoi, goQuote } from './gofmt.js';
import { isValidPercent, validateNonnegativeField } from './validation.js';

export type IntOrString = number | string;

export function isIntOrString(value: unknown): value is IntOrString {
  return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value));
}

/** IntValue: a string that is not a number counts as 0. */
export function intValue(v: IntOrString): number {
  if (typeof v === 'number') return v;
  try {
    return atoi(v);
  } catch {
    return 0;
  }
}

function intOrPercentValue(v: IntOrString): { value: number; isPercent: boolean } {
  if (typeof v === 'number') return { value: v, isPercent: false };
  if (!v.endsWith('%')) throw new Error('invalid type: string is not a percentage');
  try {
    return { value: atoi(v.slice(0, -1)), isPercent: true };
  } catch (err) {
    throw new Error(`invalid value ${goQuote(v)}: ${(err as Error).message}`);
  }
}

/**
 * GetScaledValueFromIntOrPercent: an int as is, or a percentage of `total`
 * rounded up or down. Throws with upstream's message for bad input.
 */
export function getScaledValueFromIntOrPercent(v: IntOrString | null | undefined, total: number, roundUp: boolean): number {
  if (v === null || v === undefined) throw new Error('nil value for IntOrString');
  let parsed: { value: number; isPercent: boolean };
  try {
    parsed = intOrPercentValue(v);
  } catch (err) {
    throw new Error(`invalid value for IntOrString: ${(err as Error).message}`);
  }
  if (!parsed.isPercent) return parsed.value;
  const scaled = (parsed.value * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/** The percentage of a valid "N%" string, or undefined. */
export function percentValue(v: IntOrString): number | undefined {
  if (typeof v !== 'string' || isValidPercent(v).length > 0) return undefined;
  return atoi(v.slice(0, -1));
}

/** ValidatePositiveIntOrPercent: a non-negative int or an "N%" string. */
export function validatePositiveIntOrPercent(v: IntOrString, path: FieldPath): FieldError[] {
  if (typeof v === 'string') return isValidPercent(v).map((msg) => FieldError.invalid(path, v, msg));
  return validateNonnegativeField(v, path);
}

/** IsNotMoreThan100Percent. */
export function isNotMoreThan100Percent(v: IntOrString, path: FieldPath): FieldError[] {
  const percent = percentValue(v);
  if (percent === undefined || percent <= 100) return [];
  return [FieldError.invalid(path, String(v), 'must not be greater than 100%')];
}
