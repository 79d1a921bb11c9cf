// resource.Quantity (k8s.io/apimachinery/pkg/api/resource): exact decimal
// amounts such as "100m", "1Gi" or "1e3", with upstream's canonical form.

export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

const SPLIT_RE_STRING = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
export const ERR_FORMAT_WRONG = `quantities must match the regular expression '${SPLIT_RE_STRING}'`;
export const ERR_NUMERIC = 'unable to parse numeric part of quantity';
export const ERR_SUFFIX = "unable to parse quantity's suffix";

export class QuantityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QuantityError';
  }
}

/** Scales as upstream names them: a value is scaled by 10^scale. */
export const NANO = -9;
export const MICRO = -6;
export const MILLI = -3;

const MAX_INT64 = 2n ** 63n - 1n;
const decimalSuffixes: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const binarySuffixes: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimalByExponent = new Map(Object.entries(decimalSuffixes).map(([s, e]) => [e, s]));
const binaryByExponent = new Map(Object.entries(binarySuffixes).map(([s, e]) => [e, s]));

interface Scanned {
  positive: boolean;
  /** The number as written, sign included, suffix excluded. */
  value: string;
  /** Integer digits without leading zeros ("0" if none). */
  num: string;
  /** Fraction digits. */
  denom: string;
  suffix: string;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function skipDigits(str: string, pos: number): number {
  while (isDigit(str[pos])) pos++;
  return pos;
}

/** parseQuantityString: a lenient scan; the suffix is interpreted afterwards. */
function scan(str: string): Scanned {
  let pos = 0;
  const positive = str[0] !== '-';
  if (str[0] === '-' || str[0] === '+') pos++;
  while (str[pos] === '0') pos++;
  if (pos >= str.length) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  const numEnd = skipDigits(str, pos);
  const num = str.slice(pos, numEnd) || '0';
  pos = numEnd;
  let denom = '';
  if (str[pos] === '.') {
    const denomEnd = skipDigits(str, pos + 1);
    denom = str.slice(pos + 1, denomEnd);
    pos = denomEnd;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  while (pos < str.length && 'eEinumkKMGTP'.includes(str[pos])) pos++;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  pos = skipDigits(str, pos);
  if (pos < str.length) throw new QuantityError(ERR_FORMAT_WRONG);
  return { positive, value, num, denom, suffix: str.slice(suffixStart) };
}

interface Suffix {
  base: 10 | 2;
  exponent: number;
  format: QuantityFormat;
}

function interpretSuffix(suffix: string): Suffix | undefined {
  if (Object.hasOwn(decimalSuffixes, suffix)) return { base: 10, exponent: decimalSuffixes[suffix], format: 'DecimalSI' };
  if (Object.hasOwn(binarySuffixes, suffix)) return { base: 2, exponent: binarySuffixes[suffix], format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?[0-9]+$/.test(suffix.slice(1))) {
    const parsed = BigInt(suffix.slice(1));
    if (parsed < -(2n ** 63n) || parsed > MAX_INT64) return undefined;
    // Go keeps the exponent in an int32.
    return { base: 10, exponent: Number(BigInt.asIntN(32, parsed)), format: 'DecimalExponent' };
  }
  return undefined;
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

function digitCount(n: bigint): number {
  return n === 0n ? 0 : abs(n).toString().length;
}

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

/** Divides out `base` while it divides evenly (removeInt64Factors). */
function removeFactors(value: bigint, base: bigint): [bigint, number] {
  let result = abs(value);
  let times = 0;
  while (result >= base && result % base === 0n) {
    result /= base;
    times++;
  }
  return [value < 0n ? -result : result, times];
}

/** An exact decimal amount: unscaled × 10^exp. */
export interface QuantityAmount {
  unscaled: bigint;
  exp: number;
}

function parseDecimal(value: string): QuantityAmount {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/.exec(value);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new QuantityError(ERR_NUMERIC);
  const frac = m[3] ?? '';
  const magnitude = BigInt((m[2] || '0') + frac);
  return { unscaled: m[1] === '-' ? -magnitude : magnitude, exp: -frac.length };
}

/** Compares |a| with |b| without materialising huge powers of ten. */
function compareMagnitude(a: QuantityAmount, b: QuantityAmount): number {
  const ma = abs(a.unscaled);
  const mb = abs(b.unscaled);
  if (ma === 0n || mb === 0n) return ma === mb ? 0 : ma === 0n ? -1 : 1;
  const orderA = digitCount(ma) + a.exp;
  const orderB = digitCount(mb) + b.exp;
  if (orderA !== orderB) return orderA < orderB ? -1 : 1;
  const exp = Math.min(a.exp, b.exp);
  const x = ma * pow10(a.exp - exp);
  const y = mb * pow10(b.exp - exp);
  return x < y ? -1 : x > y ? 1 : 0;
}

function sign(n: bigint): number {
  return n < 0n ? -1 : n > 0n ? 1 : 0;
}

function compareAmounts(a: QuantityAmount, b: QuantityAmount): number {
  const sa = sign(a.unscaled);
  const sb = sign(b.unscaled);
  if (sa !== sb) return sa < sb ? -1 : 1;
  const c = compareMagnitude(a, b);
  return c === 0 ? 0 : sa * c;
}

function align(a: QuantityAmount, b: QuantityAmount): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp);
  return [a.unscaled * pow10(a.exp - exp), b.unscaled * pow10(b.exp - exp), exp];
}

/** The amount at 10^scale, rounded away from zero; `exact` says whether it was. */
function atScale(a: QuantityAmount, scale: number): { value: bigint; exact: boolean } {
  if (a.exp >= scale) return { value: a.unscaled * pow10(a.exp - scale), exact: true };
  const divisor = pow10(scale - a.exp);
  const q = abs(a.unscaled) / divisor;
  const exact = abs(a.unscaled) % divisor === 0n;
  const magnitude = exact ? q : q + 1n;
  return { value: a.unscaled < 0n ? -magnitude : magnitude, exact };
}

/** The fast path of ParseQuantity: a value that fits an int64 at scale ≥ nano. */
function parseSmall(str: string, s: Scanned, suffix: Suffix): Quantity | undefined {
  const sgn = s.positive ? 1n : -1n;
  if (suffix.format !== 'BinarySI') {
    const scale = suffix.exponent - s.denom.length;
    if (18 - (s.num.length + s.denom.length) < 0 || scale < NANO) return undefined;
    const shifted = s.num + s.denom;
    const canonical = scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
    return new Quantity({ unscaled: sgn * BigInt(shifted), exp: scale }, suffix.format, canonical ? str : undefined);
  }
  if (s.denom.length > 0) return undefined;
  const precision = 15 - s.num.length - Math.trunc((suffix.exponent * 3) / 10) - 1;
  if (precision < 0) return undefined;
  const value = BigInt(s.num);
  const result = value << BigInt(suffix.exponent);
  if (result > MAX_INT64) return undefined;
  const canonical = suffix.exponent % 10 === 0 && (value & 7n) !== 0n;
  return new Quantity({ unscaled: sgn * result, exp: 0 }, 'BinarySI', canonical ? str : undefined);
}

function parseLarge(s: Scanned, suffix: Suffix): Quantity {
  const amount = parseDecimal(s.value);
  let magnitude = abs(amount.unscaled);
  let exp = amount.exp;
  if (suffix.base === 10) exp += suffix.exponent;
  else magnitude <<= BigInt(suffix.exponent);
  // Round non-zero values up to the smallest representable amount, 1n.
  if (magnitude !== 0n && exp < NANO) {
    const belowNano = digitCount(magnitude) + exp <= NANO;
    magnitude = belowNano ? 1n : atScale({ unscaled: magnitude, exp }, NANO).value;
    exp = NANO;
  }
  let format = suffix.format;
  if (format === 'BinarySI' && compareMagnitude({ unscaled: magnitude, exp }, { unscaled: MAX_INT64, exp: 0 }) > 0) {
    magnitude = MAX_INT64;
    exp = 0;
  }
  if (format === 'BinarySI' && magnitude !== 0n && compareMagnitude({ unscaled: magnitude, exp }, { unscaled: 1n, exp: 0 }) < 0) {
    format = 'DecimalSI';
  }
  return new Quantity({ unscaled: amount.unscaled < 0n ? -magnitude : magnitude, exp }, format);
}

function decimalCanonical(a: QuantityAmount, format: QuantityFormat): string {
  const [mantissa, times] = removeFactors(a.unscaled, 10n);
  let m = mantissa;
  let e = a.exp + times;
  while (e % 3 !== 0) {
    m *= 10n;
    e--;
  }
  const si = format === 'DecimalSI' ? decimalByExponent.get(e) : undefined;
  // Beyond "E" there is no SI suffix, so fall back to an exponent.
  return m.toString() + (si ?? (e === 0 ? '' : 'e' + e));
}

/** An exact resource amount; immutable. */
export class Quantity {
  readonly unscaled: bigint;
  readonly exp: number;

  /** `literal` is the text as written when upstream would print it unchanged. */
  constructor(
    amount: QuantityAmount,
    readonly format: QuantityFormat,
    private readonly literal?: string,
  ) {
    this.unscaled = amount.unscaled;
    this.exp = amount.exp;
  }

  /** ParseQuantity; throws QuantityError with upstream's message. */
  static parse(str: string): Quantity {
    if (str.length === 0) throw new QuantityError(ERR_FORMAT_WRONG);
    if (str === '0') return new Quantity({ unscaled: 0n, exp: 0 }, 'DecimalSI', '0');
    const s = scan(str);
    const suffix = interpretSuffix(s.suffix);
    if (!suffix) throw new QuantityError(ERR_SUFFIX);
    return parseSmall(str, s, suffix) ?? parseLarge(s, suffix);
  }

  /** A quantity from JSON: a string, or a number as clients sometimes send. */
  static fromJSON(value: unknown): Quantity {
    if (typeof value === 'string') return Quantity.parse(value.trim());
    if (typeof value === 'number' && Number.isFinite(value)) return Quantity.parse(String(value));
    throw new QuantityError(ERR_FORMAT_WRONG);
  }

  /** NewQuantity / NewScaledQuantity: value × 10^scale. */
  static of(value: number | bigint, format: QuantityFormat = 'DecimalSI', scale = 0): Quantity {
    return new Quantity({ unscaled: BigInt(value), exp: scale }, format);
  }

  /** NewMilliQuantity: value thousandths. */
  static milli(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
    return Quantity.of(value, format, MILLI);
  }

  /** The canonical form upstream serialises. */
  toString(): string {
    if (this.literal !== undefined) return this.literal;
    if (this.unscaled === 0n) return '0';
    let format = this.format;
    if (format === 'BinarySI') {
      const small = this.cmpInt(-1024) > 0 && this.cmpInt(1024) < 0;
      if (small || !atScale(this, 0).exact) format = 'DecimalSI';
    }
    if (format !== 'BinarySI') return decimalCanonical(this, format);
    const [mantissa, times] = removeFactors(atScale(this, 0).value, 1024n);
    return mantissa.toString() + (binaryByExponent.get(times * 10) ?? '');
  }

  toJSON(): string {
    return this.toString();
  }

  isZero(): boolean {
    return this.unscaled === 0n;
  }

  sign(): number {
    return sign(this.unscaled);
  }

  cmp(other: Quantity): number {
    return compareAmounts(this, other);
  }

  cmpInt(n: number | bigint): number {
    return compareAmounts(this, { unscaled: BigInt(n), exp: 0 });
  }

  equals(other: Quantity): boolean {
    return this.cmp(other) === 0;
  }

  /** The sum; a zero receiver takes the other's format, as upstream's Add. */
  add(other: Quantity): Quantity {
    const [a, b, exp] = align(this, other);
    return new Quantity({ unscaled: a + b, exp }, this.isZero() ? other.format : this.format);
  }

  sub(other: Quantity): Quantity {
    const [a, b, exp] = align(this, other);
    return new Quantity({ unscaled: a - b, exp }, this.isZero() ? other.format : this.format);
  }

  neg(): Quantity {
    return new Quantity({ unscaled: -this.unscaled, exp: this.exp }, this.format);
  }

  /** Value × 10^-scale, rounded away from zero (ScaledValue). */
  scaledValue(scale: number): number {
    return Number(atScale(this, scale).value);
  }

  /** The whole value, rounded away from zero. */
  value(): number {
    return this.scaledValue(0);
  }

  /** The value in thousandths, rounded away from zero. */
  milliValue(): number {
    return this.scaledValue(MILLI);
  }

  asApproximateFloat64(): number {
    return Number(this.unscaled) * 10 ** this.exp;
  }
}

export function parseQuantity(str: string): Quantity {
  return Quantity.parse(str);
}
