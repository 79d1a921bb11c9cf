// Field paths and field-level validation errors, as upstream field.Path and
// field.Error: their strings are what kubectl prints after "is invalid: ".
import { goJson, goNumber, goQuote } from './gofmt.js';

/** A path from an object's root to one of its fields: `spec.containers[0].image`. */
export class FieldPath {
  private constructor(
    private readonly name: string,
    private readonly subscript: string,
    private readonly parent: FieldPath | null,
  ) {}

  /** field.NewPath: a root path, optionally followed by children. */
  static of(name: string, ...moreNames: string[]): FieldPath {
    let p = new FieldPath(name, '', null);
    for (const n of moreNames) p = new FieldPath(n, '', p);
    return p;
  }

  child(name: string, ...moreNames: string[]): FieldPath {
    let p = new FieldPath(name, '', this);
    for (const n of moreNames) p = new FieldPath(n, '', p);
    return p;
  }

  index(i: number): FieldPath {
    return new FieldPath('', String(i), this);
  }

  key(k: string): FieldPath {
    return new FieldPath('', k, this);
  }

  toString(): string {
    const own = this.name.length > 0 ? this.name : '[' + this.subscript + ']';
    if (this.parent === null) return own;
    return this.parent.toString() + (this.name.length > 0 ? '.' + own : own);
  }
}

/** A path that may be absent; Go renders a nil *Path as "<nil>". */
export type OptionalPath = FieldPath | null | undefined;

function pathString(p: OptionalPath): string {
  return p ? p.toString() : '<nil>';
}

/** Starts a path below an optional parent (Go's nil.Child(name) is a root). */
export function childOf(parent: OptionalPath, name: string): FieldPath {
  return parent ? parent.child(name) : FieldPath.of(name);
}

export type FieldErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueTooFew'
  | 'FieldValueTooShort'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

const typeText: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueTooFew: 'Too few',
  FieldValueTooShort: 'Too short',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** These types never print the offending value. */
const valueless = new Set<FieldErrorType>([
  'FieldValueRequired',
  'FieldValueForbidden',
  'FieldValueTooLong',
  'FieldValueTooShort',
  'InternalError',
]);

const omitValue = Symbol('omitValue');

function renderValue(value: unknown): string {
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return goJson(value);
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

/** One field-level validation failure. */
export class FieldError {
  constructor(
    readonly type: FieldErrorType,
    readonly field: string,
    readonly badValue: unknown,
    readonly detail: string,
  ) {}

  /** The message without the field name (upstream ErrorBody). */
  body(): string {
    let s = typeText[this.type];
    if (!valueless.has(this.type) && this.badValue !== omitValue) {
      s += ': ' + renderValue(this.badValue);
    }
    return this.detail ? `${s}: ${this.detail}` : s;
  }

  toString(): string {
    return `${this.field}: ${this.body()}`;
  }

  static required(path: OptionalPath, detail = ''): FieldError {
    return new FieldError('FieldValueRequired', pathString(path), '', detail);
  }

  static invalid(path: OptionalPath, value: unknown, detail: string): FieldError {
    return new FieldError('FieldValueInvalid', pathString(path), value, detail);
  }

  static typeInvalid(path: OptionalPath, value: unknown, detail: string): FieldError {
    return new FieldError('FieldValueTypeInvalid', pathString(path), value, detail);
  }

  static notFound(path: OptionalPath, value: unknown): FieldError {
    return new FieldError('FieldValueNotFound', pathString(path), value, '');
  }

  static duplicate(path: OptionalPath, value: unknown): FieldError {
    return new FieldError('FieldValueDuplicate', pathString(path), value, '');
  }

  static notSupported(path: OptionalPath, value: unknown, validValues: readonly string[]): FieldError {
    const detail = validValues.length > 0 ? 'supported values: ' + validValues.map(goQuote).join(', ') : '';
    return new FieldError('FieldValueNotSupported', pathString(path), value, detail);
  }

  static forbidden(path: OptionalPath, detail: string): FieldError {
    return new FieldError('FieldValueForbidden', pathString(path), '', detail);
  }

  /** maxLength < 0 means the limit is not stated. */
  static tooLong(path: OptionalPath, maxLength: number): FieldError {
    const detail =
      maxLength >= 0 ? `may not be more than ${maxLength} ${plural(maxLength, 'byte', 'bytes')}` : 'value is too long';
    return new FieldError('FieldValueTooLong', pathString(path), '<value omitted>', detail);
  }

  static tooLongCharacters(path: OptionalPath, maxLength: number): FieldError {
    const detail =
      maxLength >= 0
        ? `may not be more than ${maxLength} ${plural(maxLength, 'character', 'characters')}`
        : 'value is too long';
    return new FieldError('FieldValueTooLong', pathString(path), '<value omitted>', detail);
  }

  /** actual < 0 leaves the actual count out of the message. */
  static tooMany(path: OptionalPath, actual: number, max: number): FieldError {
    const detail = max >= 0 ? `must have at most ${max} ${plural(max, 'item', 'items')}` : 'has too many items';
    return new FieldError('FieldValueTooMany', pathString(path), actual >= 0 ? actual : omitValue, detail);
  }

  static tooFew(path: OptionalPath, actual: number, min: number): FieldError {
    const detail = min >= 0 ? `must have at least ${min} ${plural(min, 'item', 'items')}` : 'has too few items';
    return new FieldError('FieldValueTooFew', pathString(path), actual, detail);
  }

  static tooShort(path: OptionalPath, value: string, minLength: number): FieldError {
    const detail =
      minLength >= 0
        ? `must be at least ${minLength} ${plural(minLength, 'character', 'characters')}`
        : 'value is too short';
    return new FieldError('FieldValueTooShort', pathString(path), value, detail);
  }

  static internal(path: OptionalPath, err: Error | string): FieldError {
    const message = typeof err === 'string' ? err : err.message;
    return new FieldError('InternalError', pathString(path), message, message);
  }
}

/**
 * The text of an aggregated error list (ErrorList.ToAggregate().Error()):
 * duplicates dropped, one message bare, several as "[a, b]". Empty for none.
 */
export function aggregateMessage(errors: readonly (FieldError | string)[]): string {
  const unique = [...new Set(errors.map(String))];
  if (unique.length <= 1) return unique[0] ?? '';
  return '[' + unique.join(', ') + ']';
}

/** An aggregated list of field errors thrown as one error. */
export class FieldErrorList extends Error {
  constructor(readonly errors: readonly FieldError[]) {
    super(aggregateMessage(errors));
    this.name = 'FieldErrorList';
  }
}
