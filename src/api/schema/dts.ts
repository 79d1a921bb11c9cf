// A reader for the TypeScript declaration files that ship the Kubernetes types
// (one interface or type alias per file, JSDoc carrying upstream's field
// descriptions). It understands exactly the subset those files use: string
// literal unions, Array<T>, index signatures, inline object types, and names.

export type TsType =
  | { kind: 'primitive'; name: 'string' | 'number' | 'boolean' | 'any' }
  | { kind: 'literal'; values: string[] }
  | { kind: 'array'; items: TsType }
  | { kind: 'map'; values: TsType }
  | { kind: 'name'; name: string }
  | { kind: 'object'; members: TsMember[] };

export interface TsMember {
  name: string;
  optional: boolean;
  type: TsType;
  doc?: string;
}

/** One declared type: `export interface IName { ... }` or `export declare type IName = ...`. */
export interface TsDeclaration {
  /** The declared name (`IContainer`), or without its `I` prefix once read (`Container`). */
  name: string;
  doc?: string;
  type: TsType;
  /** The exported alias of the interface: `IIoK8sApiCoreV1Container`. */
  alias?: string;
}

type Token = { t: 'doc' | 'str' | 'id' | 'punct'; v: string };

const PUNCT = '{}<>[]();:?|,=.';

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) i++;
    else if (text.startsWith('/**', i)) i = pushUntil(tokens, 'doc', text, i, '*/', 3);
    else if (text.startsWith('/*', i)) i = text.indexOf('*/', i) + 2;
    else if (text.startsWith('//', i)) i = lineEnd(text, i);
    else if (c === '"' || c === "'") i = readString(tokens, text, i);
    else if (/[A-Za-z_$]/.test(c)) i = readWord(tokens, text, i);
    else {
      if (PUNCT.includes(c)) tokens.push({ t: 'punct', v: c });
      i++;
    }
  }
  return tokens;
}

function pushUntil(tokens: Token[], t: Token['t'], text: string, start: number, end: string, skip: number): number {
  const stop = text.indexOf(end, start + skip);
  tokens.push({ t, v: text.slice(start + skip, stop) });
  return stop + end.length;
}

function lineEnd(text: string, i: number): number {
  const nl = text.indexOf('\n', i);
  return nl < 0 ? text.length : nl;
}

function readString(tokens: Token[], text: string, start: number): number {
  const quote = text[start];
  let i = start + 1;
  let value = '';
  while (i < text.length && text[i] !== quote) {
    if (text[i] === '\\') i++;
    value += text[i];
    i++;
  }
  tokens.push({ t: 'str', v: value });
  return i + 1;
}

function readWord(tokens: Token[], text: string, start: number): number {
  let i = start;
  while (i < text.length && /[\w$]/.test(text[i])) i++;
  tokens.push({ t: 'id', v: text.slice(start, i) });
  return i;
}

/** JSDoc text as upstream wrote it: one line per line, the leading `*` removed. */
export function docText(raw: string): string {
  const lines = raw.split('\n').map((line) => line.replace(/^\s*\* ?/, '').replace(/\s+$/, ''));
  while (lines.length && lines[0] === '') lines.shift();
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n').replace(/\\\*/g, '*').replace(/\*\\\//g, '*/');
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  private next(): Token {
    const token = this.tokens[this.i++];
    if (!token) throw new Error('unexpected end of declaration');
    return token;
  }

  private is(v: string): boolean {
    const token = this.peek();
    return token !== undefined && token.t !== 'doc' && token.t !== 'str' && token.v === v;
  }

  private expect(v: string): void {
    const token = this.next();
    if (token.v !== v) throw new Error(`expected ${v}, found ${token.v}`);
  }

  declarations(): TsDeclaration[] {
    const found: TsDeclaration[] = [];
    let doc: string | undefined;
    while (this.peek()) {
      const token = this.next();
      if (token.t === 'doc') doc = docText(token.v);
      else if (token.v === 'interface' && this.peek()?.t === 'id') found.push(this.interfaceDecl(doc));
      else if (token.v === 'type' && this.peek(1)?.v === '=') found.push(this.aliasDecl(doc));
      else if (token.t === 'id' && token.v !== 'export' && token.v !== 'declare') doc = undefined;
    }
    return found;
  }

  private interfaceDecl(doc: string | undefined): TsDeclaration {
    const name = this.next().v;
    while (!this.is('{')) this.next();
    return { name, doc, type: this.objectType() };
  }

  private aliasDecl(doc: string | undefined): TsDeclaration {
    const name = this.next().v;
    this.expect('=');
    const type = this.type();
    return { name, doc, type };
  }

  private objectType(): TsType {
    this.expect('{');
    const members: TsMember[] = [];
    let map: TsType | undefined;
    let doc: string | undefined;
    while (!this.is('}')) {
      const token = this.peek();
      if (token?.t === 'doc') {
        doc = docText(this.next().v);
      } else if (this.is('[')) {
        map = this.indexSignature();
      } else if (this.is(';') || this.is(',')) {
        this.next();
      } else {
        members.push(this.member(doc));
        doc = undefined;
      }
    }
    this.expect('}');
    return map && members.length === 0 ? { kind: 'map', values: map } : { kind: 'object', members };
  }

  private indexSignature(): TsType {
    this.expect('[');
    while (!this.is(']')) this.next();
    this.expect(']');
    this.expect(':');
    return this.type();
  }

  private member(doc: string | undefined): TsMember {
    const name = this.next().v;
    const optional = this.is('?');
    if (optional) this.next();
    this.expect(':');
    return { name, optional, type: this.type(), doc };
  }

  private type(): TsType {
    if (this.is('|')) this.next();
    const alternatives = [this.arrayType()];
    while (this.is('|')) {
      this.next();
      alternatives.push(this.arrayType());
    }
    return union(alternatives);
  }

  private arrayType(): TsType {
    let type = this.primary();
    while (this.is('[') && this.peek(1)?.v === ']') {
      this.next();
      this.next();
      type = { kind: 'array', items: type };
    }
    return type;
  }

  private primary(): TsType {
    const token = this.peek();
    if (!token) throw new Error('unexpected end of type');
    if (token.t === 'str') return { kind: 'literal', values: [this.next().v] };
    if (this.is('{')) return this.objectType();
    if (this.is('(')) return this.parenthesized();
    const name = this.next().v;
    if (name === 'Array' && this.is('<')) return this.generic();
    if (name === 'string' || name === 'number' || name === 'boolean') return { kind: 'primitive', name };
    if (name === 'any' || name === 'unknown' || name === 'object') return { kind: 'primitive', name: 'any' };
    this.skipIndexedAccess();
    return { kind: 'name', name };
  }

  private parenthesized(): TsType {
    this.expect('(');
    const inner = this.type();
    this.expect(')');
    return inner;
  }

  private generic(): TsType {
    this.expect('<');
    const items = this.type();
    this.expect('>');
    return { kind: 'array', items };
  }

  private skipIndexedAccess(): void {
    while (this.is('[') && this.peek(1)?.t === 'str') {
      this.next();
      this.next();
      this.expect(']');
    }
  }
}

function union(alternatives: TsType[]): TsType {
  if (alternatives.length === 1) return alternatives[0];
  if (alternatives.every((a) => a.kind === 'literal')) {
    return { kind: 'literal', values: alternatives.flatMap((a) => (a.kind === 'literal' ? a.values : [])) };
  }
  const kinds = new Set(alternatives.map((a) => (a.kind === 'primitive' ? a.name : a.kind)));
  if (kinds.has('string') && kinds.has('number')) return { kind: 'primitive', name: 'any' };
  return alternatives.find((a) => a.kind !== 'literal') ?? alternatives[0];
}

/**
 * The declarations of one .d.ts file that it exports under an upstream alias
 * (`IContainer as IIoK8sApiCoreV1Container`), named without the `I` prefix.
 */
export function readDeclarations(text: string): TsDeclaration[] {
  const aliases = new Map([...text.matchAll(/\b(I\w+) as (IIoK8s\w+)/g)].map((m) => [m[1], m[2]]));
  const found: TsDeclaration[] = [];
  for (const d of new Parser(tokenize(text)).declarations()) {
    const alias = aliases.get(d.name);
    if (alias) found.push({ ...d, name: d.name.slice(1), alias });
  }
  return found;
}
