// Strategic merge patch metadata of a kind, read from its schema: each field's
// patch strategy and merge key, list type and map type.
import { EMPTY_PATCH_META, type PatchMeta } from '../../machinery/strategic.js';
import { definitionOf, definitions } from './definitions.js';
import { refName, refTo, type Schema } from './types.js';

/** The schema a reference points to (or the schema itself). */
export function resolveSchema(schema: Schema): Schema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 8; hops++) {
    const target = definitions()[refName(current.$ref)];
    if (!target) break;
    current = target;
  }
  return current;
}

/** The schema that describes the fields of a value: a list's items, a reference's target. */
function fieldsOf(schema: Schema): Schema {
  const resolved = resolveSchema(schema);
  return resolved.type === 'array' && resolved.items ? resolveSchema(resolved.items) : resolved;
}

const cache = new WeakMap<Schema, PatchMeta>();

function metaOf(schema: Schema): PatchMeta {
  const known = cache.get(schema);
  if (known) return known;
  const target = resolveSchema(schema);
  const meta: PatchMeta = {
    patchStrategy: schema['x-kubernetes-patch-strategy'],
    patchMergeKey: schema['x-kubernetes-patch-merge-key'],
    listType: schema['x-kubernetes-list-type'],
    listMapKeys: schema['x-kubernetes-list-map-keys'],
    mapType: schema['x-kubernetes-map-type'] ?? target['x-kubernetes-map-type'],
    field: (name) => fieldMeta(schema, name),
  };
  cache.set(schema, meta);
  return meta;
}

function fieldMeta(schema: Schema, name: string): PatchMeta {
  const fields = fieldsOf(schema);
  if (fields.properties && Object.hasOwn(fields.properties, name)) return metaOf(fields.properties[name]);
  if (fields.additionalProperties) return metaOf(fields.additionalProperties);
  return EMPTY_PATCH_META;
}

const roots = new Map<string, PatchMeta>();

/** The patch metadata of a kind's objects, or undefined for a kind without a schema. */
export function patchMetaFor(group: string, version: string, kind: string): PatchMeta | undefined {
  const definition = definitionOf(group, version, kind);
  if (!definition) return undefined;
  let meta = roots.get(definition);
  if (!meta) roots.set(definition, (meta = metaOf({ $ref: refTo(definition) })));
  return meta;
}
