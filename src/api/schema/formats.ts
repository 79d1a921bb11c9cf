// The number formats of a type's fields (int32, int64, double), read from the
// compiled validator the schema package ships beside each declaration: the
// TypeScript declarations only say `number`.

export interface NumberFormat {
  type: 'integer' | 'number';
  format?: string;
}

function validatorBody(source: string, name: string): string {
  const start = source.indexOf(`function ${name}(`);
  if (start < 0) return '';
  const end = source.indexOf('function validate', start + name.length + 9);
  return source.slice(start, end < 0 ? undefined : end);
}

function propertyValidator(source: string, field: string): string | undefined {
  const access = /^[A-Za-z_$][\w$]*$/.test(field) ? `data.${field}` : `data[${JSON.stringify(field)}]`;
  const at = source.indexOf(`${access}||validate`);
  if (at < 0) return undefined;
  return /^\|\|(validate\d+)\(/.exec(source.slice(at + access.length))?.[1];
}

/** What one validator (and the validators it calls, a few levels down) checks about numbers. */
function formatIn(source: string, name: string, depth: number): NumberFormat | undefined {
  const body = validatorBody(source, name);
  const format = /format:"(int32|int64|double|float)"/.exec(body)?.[1];
  if (format) return { type: format === 'double' || format === 'float' ? 'number' : 'integer', format };
  if (body.includes('type:"number"')) return { type: 'number' };
  if (body.includes('type:"integer"')) return { type: 'integer' };
  if (depth === 0) return undefined;
  for (const call of new Set(body.match(/\bvalidate\d+(?=\()/g) ?? [])) {
    if (call === name) continue;
    const inner = formatIn(source, call, depth - 1);
    if (inner) return inner;
  }
  return undefined;
}

/** The number format of each named field, as far as the validator tells. */
export function numberFormats(source: string, fields: string[]): Map<string, NumberFormat> {
  const found = new Map<string, NumberFormat>();
  for (const field of fields) {
    const validator = propertyValidator(source, field);
    const format = validator && formatIn(source, validator, 2);
    if (format) found.set(field, format);
  }
  return found;
}
