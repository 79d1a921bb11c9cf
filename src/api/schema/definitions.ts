// The definitions of every API type, named as upstream names them, built once
// from the schema package and the facts it lacks, then shared read-only.
import type { TsMember, TsType } from './dts.js';
import { fieldPatchFacts, isAtomicType, scalarDefinition } from './facts.js';
import { numberFormats } from './formats.js';
import { pascalName, readSource, type SourceDeclaration } from './source.js';
import { refName, refTo, type Definitions, type GroupVersionKind, type Schema } from './types.js';

interface Context {
  /** Definition names by the alias the declaration files import them by. */
  byAlias: Map<string, string>;
  /** The Go package of the declaration being converted, for names local to it. */
  pkg: string;
}

function refSchema(name: string, ctx: Context): Schema {
  const definition = name.startsWith('IIoK8s') ? ctx.byAlias.get(name) : `${ctx.pkg}.${name.replace(/^I/, '')}`;
  if (!definition) throw new Error(`unknown type ${name}`);
  return { $ref: refTo(definition) };
}

function toSchema(type: TsType, ctx: Context): Schema {
  switch (type.kind) {
    case 'primitive':
      if (type.name === 'any') return {};
      return { type: type.name === 'number' ? 'integer' : type.name };
    case 'literal':
      return { type: 'string', enum: [...type.values].sort() };
    case 'array':
      return { type: 'array', items: toSchema(type.items, ctx) };
    case 'map':
      return { type: 'object', additionalProperties: toSchema(type.values, ctx) };
    case 'name':
      return refSchema(type.name, ctx);
    case 'object':
      return objectSchema(type.members, ctx);
  }
}

function isTypeMetaLiteral(member: TsMember): boolean {
  return (member.name === 'apiVersion' || member.name === 'kind') && member.type.kind === 'literal';
}

function memberSchema(member: TsMember, ctx: Context): Schema {
  const schema = isTypeMetaLiteral(member) ? { type: 'string' as const } : toSchema(member.type, ctx);
  return member.doc ? { ...schema, description: member.doc } : schema;
}

function objectSchema(members: TsMember[], ctx: Context, doc?: string): Schema {
  const schema: Schema = { type: 'object' };
  if (doc) schema.description = doc;
  if (members.length) schema.properties = {};
  for (const member of members) schema.properties![member.name] = memberSchema(member, ctx);
  const required = members.filter((m) => !m.optional && !isTypeMetaLiteral(m)).map((m) => m.name);
  if (required.length) schema.required = required;
  return schema;
}

function groupVersionKind(members: TsMember[]): GroupVersionKind | undefined {
  const literal = (name: string) => {
    const type = members.find((m) => m.name === name)?.type;
    return type?.kind === 'literal' && type.values.length === 1 ? type.values[0] : undefined;
  };
  const apiVersion = literal('apiVersion');
  const kind = literal('kind');
  if (!apiVersion || !kind) return undefined;
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return { group, version, kind };
}

function declarationSchema(d: SourceDeclaration, ctx: Context): Schema {
  const scalar = scalarDefinition(d.definition, d.doc);
  if (scalar) return withoutEmpty(scalar);
  if (d.type.kind !== 'object') return withoutEmpty({ ...toSchema(d.type, ctx), description: d.doc });
  const schema = objectSchema(d.type.members, ctx, d.doc);
  const gvk = groupVersionKind(d.type.members);
  if (gvk) schema['x-kubernetes-group-version-kind'] = [gvk];
  return schema;
}

function withoutEmpty(schema: Schema): Schema {
  return Object.fromEntries(Object.entries(schema).filter(([, v]) => v !== undefined)) as Schema;
}

function integerFields(schema: Schema): string[] {
  const isInteger = (s: Schema | undefined): boolean =>
    s !== undefined && (s.type === 'integer' || isInteger(s.items) || isInteger(s.additionalProperties));
  return Object.entries(schema.properties ?? {})
    .filter(([, s]) => isInteger(s))
    .map(([name]) => name);
}

/** Integer fields get the format (and, for doubles, the type) their validator checks. */
function applyNumberFormats(schema: Schema, d: SourceDeclaration): void {
  const fields = integerFields(schema);
  if (!fields.length || !d.validatorSource) return;
  const formats = numberFormats(d.validatorSource(), fields);
  for (const [field, format] of formats) {
    let target = schema.properties![field];
    while (target.type !== 'integer') target = (target.items ?? target.additionalProperties)!;
    target.type = format.type;
    if (format.format) target.format = format.format;
  }
}

function applyPatchFacts(name: string, schema: Schema): void {
  if (isAtomicType(name)) schema['x-kubernetes-map-type'] = 'atomic';
  for (const [field, property] of Object.entries(schema.properties ?? {})) {
    Object.assign(property, fieldPatchFacts(name, field));
  }
}

/** The signature of an inline object: its fields and what each refers to. */
function signature(schema: Schema): string {
  const fields = Object.entries(schema.properties ?? {}).map(([k, v]) => `${k}=${v.$ref ?? v.type ?? ''}`);
  return fields.sort().join(',');
}

/**
 * Inline object types (the generator inlines a few, such as a StatefulSet's
 * volumeClaimTemplates) become references to the definition with the same fields.
 */
function replaceInlineObjects(definitions: Definitions): void {
  const bySignature = new Map<string, string | null>();
  for (const [name, schema] of Object.entries(definitions)) {
    const key = signature(schema);
    bySignature.set(key, bySignature.has(key) ? null : name);
  }
  const visit = (schema: Schema, top: boolean): Schema => {
    if (!top && schema.type === 'object' && schema.properties) {
      const name = bySignature.get(signature(schema));
      if (name) return withoutEmpty({ $ref: refTo(name), description: schema.description });
    }
    for (const [k, v] of Object.entries(schema.properties ?? {})) schema.properties![k] = visit(v, false);
    if (schema.items) schema.items = visit(schema.items, false);
    if (schema.additionalProperties) schema.additionalProperties = visit(schema.additionalProperties, false);
    return schema;
  };
  for (const schema of Object.values(definitions)) visit(schema, true);
}

function build(): Definitions {
  const source = readSource();
  const byAlias = new Map(source.map((d) => [`I${pascalName(d.definition)}`, d.definition]));
  const definitions: Definitions = {};
  for (const d of source) {
    const pkg = d.definition.slice(0, d.definition.lastIndexOf('.'));
    const schema = declarationSchema(d, { byAlias, pkg });
    applyNumberFormats(schema, d);
    applyPatchFacts(d.definition, schema);
    definitions[d.definition] = schema;
  }
  replaceInlineObjects(definitions);
  return definitions;
}

let cached: Definitions | undefined;

/** Every definition, by upstream name (io.k8s.api.core.v1.PodSpec). Read-only. */
export function definitions(): Readonly<Definitions> {
  cached ??= build();
  return cached;
}

let byKind: Map<string, string> | undefined;

/** The definition name of a kind: io.k8s.api.apps.v1.Deployment for apps/v1 Deployment. */
export function definitionOf(group: string, version: string, kind: string): string | undefined {
  if (!byKind) {
    byKind = new Map();
    for (const [name, schema] of Object.entries(definitions())) {
      for (const g of schema['x-kubernetes-group-version-kind'] ?? []) byKind.set(`${g.group}/${g.version}/${g.kind}`, name);
    }
  }
  return byKind.get(`${group}/${version}/${kind}`);
}

/** The definitions a schema refers to, directly or not. */
export function referencedDefinitions(roots: Iterable<string>): Set<string> {
  const all = definitions();
  const seen = new Set<string>();
  const visit = (schema: Schema | undefined): void => {
    if (!schema) return;
    if (schema.$ref) {
      const name = refName(schema.$ref);
      if (!seen.has(name) && all[name]) {
        seen.add(name);
        visit(all[name]);
      }
    }
    for (const property of Object.values(schema.properties ?? {})) visit(property);
    visit(schema.items);
    visit(schema.additionalProperties);
  };
  for (const root of roots) visit({ $ref: refTo(root) });
  return seen;
}
