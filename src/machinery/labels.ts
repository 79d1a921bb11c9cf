// Label selectors (k8s.io/apimachinery/pkg/labels): the string grammar with
// upstream's parse errors, matching, and metav1.LabelSelector conversion.
import { FieldError, FieldErrorList, FieldPath, childOf, type OptionalPath } from './field.js';
import { goQuote } from './gofmt.js';
import type { LabelSelector, LabelSelectorRequirement } from './meta.js';
import { isQualifiedName, isValidLabelValue, validateLabelName, validateLabels } from './validation.js';

export type Labels = Readonly<Record<string, string>>;

/** selection.Operator values. */
export type Operator = '!' | '=' | '==' | 'in' | '!=' | 'notin' | 'exists' | 'gt' | 'lt';

const binaryOperators: readonly Operator[] = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const validOperators: readonly Operator[] = [...binaryOperators, 'exists', '!'];

/** A selector string or LabelSelector that cannot be parsed or is invalid. */
export class LabelSelectorError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabelSelectorError';
  }
}

const int64Re = /^[+-]?[0-9]+$/;

function parseInt64(s: string): bigint | undefined {
  if (!int64Re.test(s)) return undefined;
  const n = BigInt(s);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

function has(labels: Labels, key: string): boolean {
  return Object.hasOwn(labels, key);
}

function sortedIfNeeded(values: readonly string[]): readonly string[] {
  for (let i = 1; i < values.length; i++) if (values[i - 1] > values[i]) return [...values].sort();
  return values;
}

/** One clause of a selector: a key, an operator and its values. */
export class Requirement {
  /** Use newRequirement, which validates. */
  constructor(
    readonly key: string,
    readonly operator: Operator,
    readonly values: readonly string[],
  ) {}

  matches(labels: Labels): boolean {
    switch (this.operator) {
      case 'in':
      case '=':
      case '==':
        return has(labels, this.key) && this.values.includes(labels[this.key]);
      case 'notin':
      case '!=':
        return !has(labels, this.key) || !this.values.includes(labels[this.key]);
      case 'exists':
        return has(labels, this.key);
      case '!':
        return !has(labels, this.key);
      case 'gt':
      case 'lt':
        return this.compares(labels);
    }
  }

  private compares(labels: Labels): boolean {
    if (!has(labels, this.key) || this.values.length !== 1) return false;
    const actual = parseInt64(labels[this.key]);
    const wanted = parseInt64(this.values[0]);
    if (actual === undefined || wanted === undefined) return false;
    return this.operator === 'gt' ? actual > wanted : actual < wanted;
  }

  toString(): string {
    const prefix = this.operator === '!' ? '!' + this.key : this.key;
    if (this.operator === 'exists' || this.operator === '!') return prefix;
    const ops: Record<string, string> = { '=': '=', '==': '==', '!=': '!=', in: ' in ', notin: ' notin ', gt: '>', lt: '<' };
    const values = sortedIfNeeded(this.values).join(',');
    const set = this.operator === 'in' || this.operator === 'notin';
    return prefix + ops[this.operator] + (set ? `(${values})` : values);
  }
}

function validateLabelKey(key: string, path: OptionalPath): FieldError | undefined {
  const errs = isQualifiedName(key);
  return errs.length > 0 ? FieldError.invalid(path, key, errs.join('; ')) : undefined;
}

function validateLabelValue(key: string, value: string, path: FieldPath): FieldError | undefined {
  const errs = isValidLabelValue(value);
  return errs.length > 0 ? FieldError.invalid(path.key(key), value, errs.join('; ')) : undefined;
}

function operatorErrors(op: Operator, values: readonly string[], valuesPath: FieldPath, path: OptionalPath): FieldError[] {
  switch (op) {
    case 'in':
    case 'notin':
      return values.length === 0 ? [FieldError.invalid(valuesPath, values, "for 'in', 'notin' operators, values set can't be empty")] : [];
    case '=':
    case '==':
    case '!=':
      return values.length !== 1 ? [FieldError.invalid(valuesPath, values, 'exact-match compatibility requires one single value')] : [];
    case 'exists':
    case '!':
      return values.length !== 0 ? [FieldError.invalid(valuesPath, values, 'values set must be empty for exists and does not exist')] : [];
    case 'gt':
    case 'lt': {
      const errs = values.length !== 1 ? [FieldError.invalid(valuesPath, values, "for 'Gt', 'Lt' operators, exactly one value is required")] : [];
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined) errs.push(FieldError.invalid(valuesPath.index(i), v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      return errs;
    }
    default:
      return [FieldError.notSupported(childOf(path, 'operator'), op, validOperators)];
  }
}

/** NewRequirement: validates key, operator and values; throws FieldErrorList. */
export function newRequirement(key: string, op: Operator, values: readonly string[], path?: OptionalPath): Requirement {
  const errs: FieldError[] = [];
  const keyErr = validateLabelKey(key, childOf(path, 'key'));
  if (keyErr) errs.push(keyErr);
  const valuesPath = childOf(path, 'values');
  errs.push(...operatorErrors(op, values, valuesPath, path));
  values.forEach((v, i) => {
    const err = validateLabelValue(key, v, valuesPath.index(i));
    if (err) errs.push(err);
  });
  if (errs.length > 0) throw new FieldErrorList(errs);
  return new Requirement(key, op, values);
}

export interface Selector {
  matches(labels: Labels): boolean;
  /** True when the selector does not restrict anything. */
  empty(): boolean;
  toString(): string;
  /** The clauses, or null for a selector that selects nothing. */
  requirements(): readonly Requirement[] | null;
  /** The single value a label must have for this selector to match, if any. */
  requiresExactMatch(label: string): string | undefined;
}

function byKey(a: Requirement, b: Requirement): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

class RequirementsSelector implements Selector {
  private readonly reqs: readonly Requirement[];

  constructor(reqs: readonly Requirement[]) {
    this.reqs = [...reqs].sort(byKey);
  }

  matches(labels: Labels): boolean {
    return this.reqs.every((r) => r.matches(labels));
  }

  empty(): boolean {
    return this.reqs.length === 0;
  }

  toString(): string {
    return this.reqs.map(String).join(',');
  }

  requirements(): readonly Requirement[] {
    return this.reqs;
  }

  requiresExactMatch(label: string): string | undefined {
    const r = this.reqs.find((req) => req.key === label);
    if (!r || !['=', '==', 'in'].includes(r.operator) || r.values.length !== 1) return undefined;
    return r.values[0];
  }
}

const nothingSelector: Selector = {
  matches: () => false,
  empty: () => false,
  toString: () => '',
  requirements: () => null,
  requiresExactMatch: () => undefined,
};

export function everything(): Selector {
  return new RequirementsSelector([]);
}

export function nothing(): Selector {
  return nothingSelector;
}

export function selectorFromRequirements(reqs: readonly Requirement[]): Selector {
  return new RequirementsSelector(reqs);
}

/** An equality selector for every label in the set, not validated (SelectorFromSet). */
export function selectorFromSet(labels: Labels): Selector {
  return new RequirementsSelector(Object.entries(labels).map(([k, v]) => new Requirement(k, '=', [v])));
}

/** Labels as "k=v,k2=v2" in key order (labels.Set.String). */
export function formatLabels(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

// ---- the string grammar ----

type Token = 'error' | 'eos' | ')' | ',' | '!' | '==' | '=' | '>' | 'identifier' | 'in' | '<' | '!=' | 'notin' | '(';

interface Scanned {
  tok: Token;
  lit: string;
}

const symbolTokens: Record<string, Token> = { ')': ')', ',': ',', '!': '!', '==': '==', '=': '=', '>': '>', '<': '<', '!=': '!=', '(': '(' };
const keywordTokens: Record<string, Token> = { in: 'in', notin: 'notin' };

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function isSpecialSymbol(ch: string): boolean {
  return '=!(),><'.includes(ch) && ch !== '';
}

class Lexer {
  private pos = 0;
  constructor(private readonly s: string) {}

  lex(): Scanned {
    while (this.pos < this.s.length && isWhitespace(this.s[this.pos])) this.pos++;
    if (this.pos >= this.s.length) return { tok: 'eos', lit: '' };
    return isSpecialSymbol(this.s[this.pos]) ? this.scanSpecialSymbol() : this.scanIdOrKeyword();
  }

  private scanIdOrKeyword(): Scanned {
    const start = this.pos;
    while (this.pos < this.s.length && !isSpecialSymbol(this.s[this.pos]) && !isWhitespace(this.s[this.pos])) this.pos++;
    const lit = this.s.slice(start, this.pos);
    return { tok: keywordTokens[lit] ?? 'identifier', lit };
  }

  /** The longest run of symbol characters that is an operator. */
  private scanSpecialSymbol(): Scanned {
    let buffer = '';
    let last: Scanned | undefined;
    while (this.pos < this.s.length && isSpecialSymbol(this.s[this.pos])) {
      buffer += this.s[this.pos];
      const tok = symbolTokens[buffer];
      if (tok) last = { tok, lit: buffer };
      else if (last) break;
      this.pos++;
    }
    return last ?? { tok: 'error', lit: `error expected: keyword found '${buffer}'` };
  }
}

type Context = 'keyAndOperator' | 'values';

class Parser {
  private readonly items: Scanned[] = [];
  private position = 0;

  constructor(selector: string) {
    const lexer = new Lexer(selector);
    for (;;) {
      const item = lexer.lex();
      this.items.push(item);
      if (item.tok === 'eos') break;
    }
  }

  /** In a value position the keywords in and notin are plain identifiers. */
  private lookahead(context: Context): Scanned {
    const item = this.items[this.position];
    return context === 'values' && (item.tok === 'in' || item.tok === 'notin') ? { tok: 'identifier', lit: item.lit } : item;
  }

  private consume(context: Context): Scanned {
    const item = this.lookahead(context);
    this.position++;
    return item;
  }

  parse(): Requirement[] {
    const reqs: Requirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead('values');
      if (tok === 'eos') return reqs;
      if (tok !== 'identifier' && tok !== '!') throw new LabelSelectorError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      reqs.push(this.parseRequirementOrThrow());
      const next = this.consume('values');
      if (next.tok === 'eos') return reqs;
      if (next.tok !== ',') throw new LabelSelectorError(`found '${next.lit}', expected: ',' or 'end of string'`);
      const after = this.lookahead('values');
      if (after.tok !== 'identifier' && after.tok !== '!') throw new LabelSelectorError(`found '${after.lit}', expected: identifier after ','`);
    }
  }

  private parseRequirementOrThrow(): Requirement {
    try {
      return this.parseRequirement();
    } catch (err) {
      throw new LabelSelectorError(`unable to parse requirement: ${(err as Error).message}`);
    }
  }

  private parseRequirement(): Requirement {
    const { key, operator } = this.parseKeyAndInferOperator();
    if (operator === 'exists' || operator === '!') return newRequirement(key, operator, [], null);
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, op, [...values].sort(), null);
  }

  private parseKeyAndInferOperator(): { key: string; operator?: Operator } {
    let item = this.consume('values');
    let operator: Operator | undefined;
    if (item.tok === '!') {
      operator = '!';
      item = this.consume('values');
    }
    if (item.tok !== 'identifier') throw new Error(`found '${item.lit}', expected: identifier`);
    const keyErr = validateLabelKey(item.lit, null);
    if (keyErr) throw new Error(keyErr.toString());
    const next = this.lookahead('values').tok;
    if ((next === 'eos' || next === ',') && operator !== '!') operator = 'exists';
    return { key: item.lit, operator };
  }

  private parseOperator(): Operator {
    const { tok, lit } = this.consume('keyAndOperator');
    const ops: Partial<Record<Token, Operator>> = { in: 'in', '=': '=', '==': '==', '>': 'gt', '<': 'lt', notin: 'notin', '!=': '!=' };
    const op = ops[tok];
    if (!op) throw new Error(`found '${lit}', expected: ${binaryOperators.join(', ')}`);
    return op;
  }

  private parseValues(): Set<string> {
    const open = this.consume('values');
    if (open.tok !== '(') throw new Error(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead('values');
    if (tok === ')') {
      this.consume('values');
      return new Set(['']);
    }
    if (tok !== 'identifier' && tok !== ',') throw new Error(`found '${lit}', expected: ',', ')' or identifier`);
    const values = this.parseIdentifiersList();
    if (this.consume('values').tok !== ')') throw new Error(`found '${lit}', expected: ')'`);
    return values;
  }

  private parseIdentifiersList(): Set<string> {
    const values = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume('values');
      if (tok === 'identifier') {
        values.add(lit);
        const next = this.lookahead('values');
        if (next.tok === ',') continue;
        if (next.tok === ')') return values;
        throw new Error(`found '${next.lit}', expected: ',' or ')'`);
      }
      if (tok !== ',') throw new Error(`found '${lit}', expected: ',', or identifier`);
      // Empty values: "(,a", "a,)" and "a,,b" all contain "".
      if (values.size === 0) values.add('');
      const next = this.lookahead('values').tok;
      if (next === ')') {
        values.add('');
        return values;
      }
      if (next === ',') {
        this.consume('values');
        values.add('');
      }
    }
  }

  private parseExactValue(): Set<string> {
    const next = this.lookahead('values').tok;
    if (next === 'eos' || next === ',') return new Set(['']);
    const { tok, lit } = this.consume('values');
    if (tok === 'identifier') return new Set([lit]);
    throw new Error(`found '${lit}', expected: identifier`);
  }
}

/** Parses a selector string such as "app=web,tier in (a,b),!canary"; throws LabelSelectorError. */
export function parseSelector(selector: string): Selector {
  return new RequirementsSelector(new Parser(selector).parse());
}

const labelSelectorOperators: Record<string, Operator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * LabelSelectorAsSelector: null/undefined selects nothing, an empty selector
 * everything. Throws LabelSelectorError or FieldErrorList.
 */
export function labelSelectorAsSelector(selector: LabelSelector | null | undefined): Selector {
  if (!selector) return nothing();
  const matchLabels = Object.entries(selector.matchLabels ?? {});
  const expressions = selector.matchExpressions ?? [];
  if (matchLabels.length + expressions.length === 0) return everything();
  const reqs = matchLabels.map(([k, v]) => newRequirement(k, '=', [v]));
  for (const expr of expressions) {
    const op = labelSelectorOperators[expr.operator];
    if (!op) throw new LabelSelectorError(`${goQuote(expr.operator)} is not a valid label selector operator`);
    reqs.push(newRequirement(expr.key, op, [...(expr.values ?? [])]));
  }
  return new RequirementsSelector(reqs);
}

export interface LabelSelectorValidationOptions {
  /** Accept values that are not valid label values (for old stored objects). */
  allowInvalidLabelValueInSelector?: boolean;
}

function validateRequirement(req: LabelSelectorRequirement, opts: LabelSelectorValidationOptions, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(FieldError.required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(FieldError.forbidden(path.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    default:
      errs.push(FieldError.invalid(path.child('operator'), req.operator, 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(req.key, path.child('key')));
  if (!opts.allowInvalidLabelValueInSelector) {
    values.forEach((v, i) => errs.push(...isValidLabelValue(v).map((msg) => FieldError.invalid(path.child('values').index(i), v, msg))));
  }
  return errs;
}

/** ValidateLabelSelector: the field errors of a metav1.LabelSelector in an object. */
export function validateLabelSelector(
  selector: LabelSelector | null | undefined,
  path: FieldPath,
  opts: LabelSelectorValidationOptions = {},
): FieldError[] {
  if (!selector) return [];
  const errs = validateLabels(selector.matchLabels, path.child('matchLabels'));
  (selector.matchExpressions ?? []).forEach((expr, i) => errs.push(...validateRequirement(expr, opts, path.child('matchExpressions').index(i))));
  return errs;
}
