// Fields given twice in one JSON object, which JSON.parse silently collapses:
// strict decoding reports them as `duplicate field "metadata.name"`.

class Scanner {
  private i = 0;
  readonly found: string[] = [];
  constructor(private readonly text: string) {}

  private skipSpace(): void {
    while (this.i < this.text.length && ' \t\r\n'.includes(this.text[this.i])) this.i++;
  }

  private string(): string {
    const start = this.i;
    this.i++;
    while (this.i < this.text.length && this.text[this.i] !== '"') this.i += this.text[this.i] === '\\' ? 2 : 1;
    this.i++;
    return JSON.parse(this.text.slice(start, this.i)) as string;
  }

  value(path: string): void {
    this.skipSpace();
    const c = this.text[this.i];
    if (c === '{') this.object(path);
    else if (c === '[') this.array(path);
    else if (c === '"') this.string();
    else while (this.i < this.text.length && !',]} \t\r\n'.includes(this.text[this.i])) this.i++;
  }

  private object(path: string): void {
    const seen = new Set<string>();
    this.i++;
    while (this.i < this.text.length) {
      this.skipSpace();
      if (this.text[this.i] === '}') break;
      if (this.text[this.i] === ',') this.i++;
      this.skipSpace();
      if (this.text[this.i] !== '"') break;
      const key = this.string();
      const field = path ? `${path}.${key}` : key;
      if (seen.has(key)) this.found.push(field);
      seen.add(key);
      this.skipSpace();
      this.i++; // the colon
      this.value(field);
      this.skipSpace();
    }
    this.i++;
  }

  private array(path: string): void {
    this.i++;
    for (let index = 0; this.i < this.text.length; index++) {
      this.skipSpace();
      if (this.text[this.i] === ']') break;
      this.value(`${path}[${index}]`);
      this.skipSpace();
      if (this.text[this.i] === ',') this.i++;
    }
    this.i++;
  }
}

/** Paths of the fields that appear more than once in their object, in document order. */
export function duplicateFields(json: string): string[] {
  const scanner = new Scanner(json);
  try {
    scanner.value('');
  } catch {
    // Malformed JSON is reported by the parser, not here.
  }
  return scanner.found;
}
