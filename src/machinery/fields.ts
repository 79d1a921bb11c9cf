// Field selectors (k8s.io/apimachinery/pkg/fields): "a=b,c!=d" with
// backslash escaping, matched against an object's selectable field values.

export type Fields = Readonly<Record<string, string>>;

export type FieldOperator = '=' | '!=';

export interface FieldRequirement {
  field: string;
  operator: FieldOperator;
  value: string;
}

/** Maps a field and value onto the ones a kind really stores (e.g. version conversions). */
export type FieldTransform = (field: string, value: string) => [string, string];

export class FieldSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FieldSelectorError';
  }
}

function get(fields: Fields, field: string): string {
  return Object.hasOwn(fields, field) ? fields[field] : '';
}

export class FieldSelector {
  constructor(private readonly terms: readonly FieldRequirement[]) {}

  /** A missing field matches as the empty string, as upstream's Fields.Get. */
  matches(fields: Fields): boolean {
    return this.terms.every((t) => (get(fields, t.field) === t.value) === (t.operator === '='));
  }

  empty(): boolean {
    return this.terms.length === 0;
  }

  requirements(): readonly FieldRequirement[] {
    return this.terms;
  }

  /** The value a field must equal for this selector to match, if any. */
  requiresExactMatch(field: string): string | undefined {
    return this.terms.find((t) => t.field === field && t.operator === '=')?.value;
  }

  transform(fn: FieldTransform): FieldSelector {
    return new FieldSelector(
      this.terms.map((t) => {
        const [field, value] = fn(t.field, t.value);
        return { field, operator: t.operator, value };
      }),
    );
  }

  toString(): string {
    return this.terms.map((t) => `${t.field}${t.operator}${escapeFieldValue(t.value)}`).join(',');
  }
}

export function everythingFields(): FieldSelector {
  return new FieldSelector([]);
}

/** An equality selector for every field in the set, in field order. */
export function fieldSelectorFromSet(fields: Fields): FieldSelector {
  const keys = Object.keys(fields).sort();
  return new FieldSelector(keys.map((field) => ({ field, operator: '=', value: fields[field] })));
}

/** Escapes \, "," and "=" so a value can be embedded in a selector. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => '\\' + c);
}

/** Undoes escapeFieldValue; bare "," or "=", or unknown escapes, are errors. */
export function unescapeFieldValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') {
        throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      // Go prints the rune with %v, i.e. as its number.
      throw new FieldSelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw new FieldSelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Splits on commas that are not escaped; escapes stay in the terms. */
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

/** The first operator in the term splits it; "!=" and "==" win over "=". */
function splitTerm(term: string): [string, string, string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of ['!=', '==', '=']) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Parses "metadata.name=x,status.phase!=Running"; throws FieldSelectorError. */
export function parseFieldSelector(selector: string): FieldSelector {
  const terms: FieldRequirement[] = [];
  for (const part of splitTerms(selector).sort(byteOrder)) {
    if (part === '') continue;
    const split = splitTerm(part);
    if (!split) throw new FieldSelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    const [field, op, rhs] = split;
    terms.push({ field, operator: op === '!=' ? '!=' : '=', value: unescapeFieldValue(rhs) });
  }
  return new FieldSelector(terms);
}
