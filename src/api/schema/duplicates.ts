// Fields given twice in one JSON object, which JSON.parse silently collapses:
// strict decoding reports them as `duplicate field "metadata.name"`.
// Every request body is scanned, so the scan works on char codes and builds a
// field's path only when that field is a duplicate.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** A field's place in the document: its key or index, under its parent's. */
type Segment = string | number;

class Scanner {
  private i = 0;
  readonly found: string[] = [];
  private readonly path: Segment[] = [];
  constructor(private readonly text: string) {}

  private skipSpace(): void {
    while (this.i < this.text.length && isSpace(this.text.charCodeAt(this.i))) this.i++;
  }

  private string(): string {
    const start = this.i;
    let escaped = false;
    this.i++;
    for (let c = this.text.charCodeAt(this.i); this.i < this.text.length && c !== QUOTE; c = this.text.charCodeAt(this.i)) {
      if (c === BACKSLASH) {
        escaped = true;
        this.i += 2;
      } else this.i++;
    }
    this.i++;
    return escaped ? (JSON.parse(this.text.slice(start, this.i)) as string) : this.text.slice(start + 1, this.i - 1);
  }

  value(): void {
    this.skipSpace();
    const c = this.text.charCodeAt(this.i);
    if (c === OPEN_BRACE) this.object();
    else if (c === OPEN_BRACKET) this.array();
    else if (c === QUOTE) this.string();
    else {
      for (let d = c; this.i < this.text.length && d !== COMMA && d !== CLOSE_BRACKET && d !== CLOSE_BRACE && !isSpace(d); d = this.text.charCodeAt(this.i)) this.i++;
    }
  }

  private object(): void {
    const seen = new Set<string>();
    this.i++;
    while (this.i < this.text.length) {
      this.skipSpace();
      if (this.text.charCodeAt(this.i) === CLOSE_BRACE) break;
      if (this.text.charCodeAt(this.i) === COMMA) this.i++;
      this.skipSpace();
      if (this.text.charCodeAt(this.i) !== QUOTE) break;
      const key = this.string();
      this.path.push(key);
      if (seen.has(key)) this.found.push(this.pathText());
      seen.add(key);
      this.skipSpace();
      this.i++; // the colon
      this.value();
      this.path.pop();
      this.skipSpace();
    }
    this.i++;
  }

  private array(): void {
    this.i++;
    for (let index = 0; this.i < this.text.length; index++) {
      this.skipSpace();
      if (this.text.charCodeAt(this.i) === CLOSE_BRACKET) break;
      this.path.push(index);
      this.value();
      this.path.pop();
      this.skipSpace();
      if (this.text.charCodeAt(this.i) === COMMA) this.i++;
    }
    this.i++;
  }

  /** `spec.containers[0].name` */
  private pathText(): string {
    let text = '';
    for (const segment of this.path) text += typeof segment === 'number' ? `[${segment}]` : text ? `.${segment}` : segment;
    return text;
  }
}

/** Paths of the fields that appear more than once in their object, in document order. */
export function duplicateFields(json: string): string[] {
  const scanner = new Scanner(json);
  try {
    scanner.value();
  } catch {
    // Malformed JSON is reported by the parser, not here.
  }
  return scanner.found;
}
