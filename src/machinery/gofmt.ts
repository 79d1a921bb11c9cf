// Go's renderings that leak into upstream error texts (fmt's %q, %v, %#v,
// encoding/json, strconv.Atoi), so messages here read byte-for-byte like Go's.
import { isJsonObject } from './json.js';

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const shortEscapes: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
};

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function quoteRune(ch: string): string {
  if (ch === '"' || ch === '\\') return '\\' + ch;
  if (ch === ' ' || printable.test(ch)) return ch;
  if (shortEscapes[ch]) return shortEscapes[ch];
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x80) return '\\x' + hex(cp, 2);
  if (cp < 0x10000) return '\\u' + hex(cp, 4);
  return '\\U' + hex(cp, 8);
}

/** strconv.Quote / %q. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) out += quoteRune(ch);
  return out + '"';
}

/** %v of a float64: the shortest 'g' form, which switches to an exponent outside [1e-4, 1e6). */
export function goFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa, e] = n.toExponential().split('e');
  const exp = Number(e);
  if (exp < -4 || exp >= 6) {
    return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(n);
}

/** %v of a JSON number as Go decodes it: int64 when whole, else float64. */
export function goNumber(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : goFloat(n);
}

/** %v of a value decoded into interface{} (maps print with sorted keys). */
export function goValue(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return '[' + value.map(goValue).join(' ') + ']';
  if (isJsonObject(value)) {
    const parts = Object.keys(value)
      .sort()
      .map((k) => `${k}:${goValue(value[k])}`);
    return 'map[' + parts.join(' ') + ']';
  }
  return String(value);
}

/** reflect.TypeOf(v).String() for a value decoded into interface{}. */
export function goTypeName(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'int64' : 'float64';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return '[]interface {}';
  return 'map[string]interface {}';
}

/** %#v of a []string. */
export function goStringSlice(values: readonly string[]): string {
  return '[]string{' + values.map(goQuote).join(', ') + '}';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isJsonObject(value)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys(value[k]);
    return out;
  }
  return value;
}

/** encoding/json.Marshal: map keys sorted, HTML-sensitive characters escaped. */
export function goJson(value: unknown): string {
  const text = JSON.stringify(sortKeys(value) ?? null);
  return text.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + hex(c.charCodeAt(0), 4));
}

const MAX_INT64 = 2n ** 63n - 1n;

/** strconv.Atoi, with Go's error text. */
export function atoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) throw new Error(`strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`);
  const n = BigInt(s);
  if (n > MAX_INT64 || n < -MAX_INT64 - 1n) throw new Error(`strconv.Atoi: parsing ${goQuote(s)}: value out of range`);
  return Number(n);
}
