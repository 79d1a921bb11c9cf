// One schema source for every kind: OpenAPI definitions (upstream names and
// descriptions), strict field validation and strategic merge patch metadata.
export { definitions, definitionOf, referencedDefinitions } from './definitions.js';
export { patchMetaFor, resolveSchema } from './patch-meta.js';
export { unknownFields, fieldTypeErrors, hasSchema, type FieldTypeError } from './fields.js';
export { duplicateFields } from './duplicates.js';
export { sourceVersion } from './source.js';
export type { Definitions, GroupVersionKind, Schema } from './types.js';
