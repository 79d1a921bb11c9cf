// Which form of /openapi/v2 an Accept header asks for, chosen as kube-openapi does: the
// clauses by falling quality (then specificity), each tried against JSON, then protobuf.

export type OpenAPIV2Format = 'json' | 'protobuf';

/** The Content-Type of the protobuf form, whichever spelling was asked for. */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

const OFFERED: { type: string; subtype: string; format: OpenAPIV2Format }[] = [
  { type: 'application', subtype: 'json', format: 'json' },
  // The older spelling; `@` is not valid in a Content-Type, so both are answered with the one above.
  { type: 'application', subtype: 'com.github.proto-openapi.spec.v2@v1.0+protobuf', format: 'protobuf' },
  { type: 'application', subtype: 'com.github.proto-openapi.spec.v2.v1.0+protobuf', format: 'protobuf' },
];

interface Clause {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(accept: string): Clause[] {
  const clauses: Clause[] = [];
  for (const part of accept.split(',')) {
    const [range, ...params] = part.split(';').map((p) => p.trim());
    if (!range) continue;
    const [type, subtype = '*'] = range.split('/');
    const qParam = params.find((p) => /^q=/i.test(p));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    clauses.push({ type, subtype, q: Number.isNaN(q) ? 0 : q });
  }
  const specificity = (c: Clause) => (c.type === '*' ? 0 : 1) + (c.subtype === '*' ? 0 : 1);
  return clauses.sort((a, b) => b.q - a.q || specificity(b) - specificity(a));
}

/** The format to answer /openapi/v2 with, or undefined when none is acceptable (406). */
export function negotiateOpenAPIV2(accept: string | undefined): OpenAPIV2Format | undefined {
  for (const clause of parseAccept(accept || '*/*')) {
    const offer = OFFERED.find(
      (o) => (clause.type === '*' || clause.type === o.type) && (clause.subtype === '*' || clause.subtype === o.subtype),
    );
    if (offer) return offer.format;
  }
  return undefined;
}
