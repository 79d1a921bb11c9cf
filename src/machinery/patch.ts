// JSON Patch (RFC 6902) and JSON Merge Patch (RFC 7386) with the semantics and
// error texts of the library the API server uses (evanphx/json-patch v4).
import { atoi } from './gofmt.js';
import { cloneJson, deepEqualJson, isJsonObject, type JsonObject, type JsonValue } from './json.js';
import { ApiError, badRequest, genericServerResponse, requestEntityTooLarge, unknownError } from './status.js';

/**
 * A patch that cannot be decoded or applied. `code` is the HTTP status the
 * API server answers with: 400 undecodable, 413 too many operations, 422
 * inapplicable, 500 for anything else (upstream returns those errors raw).
 */
export class PatchError extends Error {
  constructor(
    message: string,
    readonly code: 400 | 413 | 422 | 500,
  ) {
    super(message);
    this.name = 'PatchError';
  }

  /** The Status upstream answers with (for 422 its fixed, message-less text). */
  toApiError(): ApiError {
    switch (this.code) {
      case 400:
        return badRequest(this.message);
      case 413:
        return requestEntityTooLarge(this.message);
      case 422:
        return genericServerResponse(422, '', { group: '', resource: '' }, '', this.message);
      default:
        return unknownError(this.message);
    }
  }
}

// ---- JSON Patch ----

export const MAX_JSON_PATCH_OPERATIONS = 10000;

/** One operation as sent: op, path, from and value are checked when applied. */
export type JsonPatchOperation = Readonly<Record<string, JsonValue>>;

function goJsonKind(value: JsonValue): string {
  if (Array.isArray(value)) return 'array';
  if (isJsonObject(value)) return 'object';
  return typeof value === 'boolean' ? 'bool' : typeof value;
}

/** DecodePatch plus the API server's operation limit; throws PatchError. */
export function decodeJsonPatch(patch: JsonValue): JsonPatchOperation[] {
  if (patch === null) return [];
  if (!Array.isArray(patch)) {
    throw new PatchError(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type jsonpatch.Patch`, 400);
  }
  for (const op of patch) {
    if (op !== null && !isJsonObject(op)) {
      throw new PatchError(`json: cannot unmarshal ${goJsonKind(op)} into Go value of type jsonpatch.Operation`, 400);
    }
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new PatchError(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`, 413);
  }
  return patch.map((op) => (op === null ? {} : (op as JsonObject)));
}

type Container = JsonObject | JsonValue[];

/** pkg/errors.Wrapf: "message: cause". */
class Failure extends Error {}

function wrap(message: string, cause: string): Failure {
  return new Failure(`${message}: ${cause}`);
}

const MISSING = 'missing value';
const INVALID_INDEX = 'invalid index referenced';

function decodePatchKey(part: string): string {
  return part.replace(/~1/g, '/').replace(/~0/g, '~');
}

function arrayIndex(ary: JsonValue[], key: string, allowEnd: boolean): number {
  const idx = atoi(key);
  const size = allowEnd ? ary.length + 1 : ary.length;
  if (idx >= size || idx < -size) throw wrap(`Unable to access invalid index: ${idx}`, INVALID_INDEX);
  return idx < 0 ? idx + size : idx;
}

function get(doc: Container, key: string): JsonValue | undefined {
  if (!Array.isArray(doc)) return Object.hasOwn(doc, key) ? doc[key] : undefined;
  return doc[arrayIndex(doc, key, false)];
}

function add(doc: Container, key: string, value: JsonValue): void {
  if (!Array.isArray(doc)) {
    doc[key] = value;
    return;
  }
  if (key === '-') {
    doc.push(value);
    return;
  }
  let idx: number;
  try {
    idx = arrayIndex(doc, key, true);
  } catch (err) {
    throw wrap(`value was not a proper array index: '${key}'`, (err as Error).message);
  }
  doc.splice(idx, 0, value);
}

function set(doc: Container, key: string, value: JsonValue): void {
  if (Array.isArray(doc)) doc[arrayIndex(doc, key, false)] = value;
  else doc[key] = value;
}

function remove(doc: Container, key: string): void {
  if (Array.isArray(doc)) {
    doc.splice(arrayIndex(doc, key, false), 1);
    return;
  }
  if (!Object.hasOwn(doc, key)) throw wrap(`Unable to remove nonexistent key: ${key}`, MISSING);
  delete doc[key];
}

function isContainer(v: JsonValue | undefined): v is Container {
  return typeof v === 'object' && v !== null;
}

/** The container holding the last segment of `path`, or undefined if any step is missing. */
function findObject(root: Container, path: string): { doc: Container; key: string } | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let doc = root;
  for (const part of split.slice(1, -1)) {
    let next: JsonValue | undefined;
    try {
      next = get(doc, decodePatchKey(part));
    } catch {
      return undefined;
    }
    if (!isContainer(next)) return undefined;
    doc = next;
  }
  return { doc, key: decodePatchKey(split[split.length - 1]) };
}

function stringField(op: JsonPatchOperation, name: 'path' | 'from'): string {
  const v = op[name];
  if (v === undefined || v === null) {
    throw new Failure(name === 'path' ? `operation missing path field: ${MISSING}` : `operation, missing from field: ${MISSING}`);
  }
  if (typeof v !== 'string') throw new Failure(`json: cannot unmarshal ${goJsonKind(v)} into Go value of type string`);
  return v;
}

/** A field decode failure, reported either with its cause or as a bare missing value. */
function decodeField(op: JsonPatchOperation, name: 'path' | 'from', what: string, keepCause: boolean): string {
  try {
    return stringField(op, name);
  } catch (err) {
    throw wrap(`${what} operation failed to decode ${name}`, keepCause ? (err as Error).message : MISSING);
  }
}

function opValue(op: JsonPatchOperation): JsonValue {
  return cloneJson(op.value ?? null);
}

function locate(root: Container, path: string, message: string): { doc: Container; key: string } {
  const found = findObject(root, path);
  if (!found) throw wrap(message, MISSING);
  return found;
}

function attempt(message: string, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    throw wrap(message, (err as Error).message);
  }
}

function applyAdd(root: Container, op: JsonPatchOperation): void {
  const path = decodeField(op, 'path', 'add', false);
  const { doc, key } = locate(root, path, `add operation does not apply: doc is missing path: "${path}"`);
  attempt(`error in add for path: '${path}'`, () => add(doc, key, opValue(op)));
}

function applyRemove(root: Container, op: JsonPatchOperation): void {
  const path = decodeField(op, 'path', 'remove', false);
  const { doc, key } = locate(root, path, `remove operation does not apply: doc is missing path: "${path}"`);
  attempt(`error in remove for path: '${path}'`, () => remove(doc, key));
}

function applyReplace(root: Container, op: JsonPatchOperation): void {
  const path = decodeField(op, 'path', 'replace', true);
  const { doc, key } = locate(root, path, `replace operation does not apply: doc is missing path: ${path}`);
  try {
    get(doc, key);
  } catch {
    throw wrap(`replace operation does not apply: doc is missing key: ${path}`, MISSING);
  }
  // As upstream, a missing member of an object is simply set.
  attempt(`error in remove for path: '${path}'`, () => set(doc, key, opValue(op)));
}

function applyMove(root: Container, op: JsonPatchOperation): void {
  const from = decodeField(op, 'from', 'move', true);
  const source = locate(root, from, `move operation does not apply: doc is missing from path: ${from}`);
  let value: JsonValue | undefined;
  attempt(`error in move for path: '${source.key}'`, () => {
    value = get(source.doc, source.key);
  });
  attempt(`error in move for path: '${source.key}'`, () => remove(source.doc, source.key));
  const path = decodeField(op, 'path', 'move', true);
  const target = locate(root, path, `move operation does not apply: doc is missing destination path: ${path}`);
  attempt(`error in move for path: '${path}'`, () => add(target.doc, target.key, value ?? null));
}

function applyCopy(root: Container, op: JsonPatchOperation): void {
  const from = decodeField(op, 'from', 'copy', true);
  const source = locate(root, from, `copy operation does not apply: doc is missing from path: ${from}`);
  let value: JsonValue | undefined;
  attempt(`error in copy for from: '${from}'`, () => {
    value = get(source.doc, source.key);
  });
  const path = decodeField(op, 'path', 'copy', false);
  const target = locate(root, path, `copy operation does not apply: doc is missing destination path: ${path}`);
  attempt('error while adding value during copy', () => add(target.doc, target.key, cloneJson(value ?? null)));
}

function applyTest(root: Container, op: JsonPatchOperation): void {
  const path = decodeField(op, 'path', 'test', true);
  const failed = wrap(`testing value ${path} failed`, 'test failed');
  if (path === '') {
    if (!deepEqualJson(root, op.value ?? null)) throw failed;
    return;
  }
  const { doc, key } = locate(root, path, `test operation does not apply: is missing path: ${path}`);
  let actual: JsonValue | undefined;
  attempt(`error in test for path: '${path}'`, () => {
    actual = get(doc, key);
  });
  // A missing member and an explicit null are the same to the library.
  if (!deepEqualJson(actual ?? null, op.value ?? null)) throw failed;
}

const operations: Record<string, (root: Container, op: JsonPatchOperation) => void> = {
  add: applyAdd,
  remove: applyRemove,
  replace: applyReplace,
  move: applyMove,
  copy: applyCopy,
  test: applyTest,
};

/**
 * Applies a JSON Patch document to a copy of `doc` (an object or array) and
 * returns the result. Throws PatchError (400/413 undecodable, 422 inapplicable).
 */
export function applyJsonPatch(doc: JsonValue, patch: JsonValue): JsonValue {
  const ops = decodeJsonPatch(patch);
  if (!isContainer(doc)) throw new PatchError(`json: cannot unmarshal ${goJsonKind(doc)} into Go value of type jsonpatch.partialDoc`, 500);
  const root = cloneJson(doc);
  for (const op of ops) {
    const kind = typeof op.op === 'string' ? op.op : 'unknown';
    const apply = Object.hasOwn(operations, kind) ? operations[kind] : undefined;
    try {
      if (!apply) throw new Failure(`Unexpected kind: ${kind}`);
      apply(root, op);
    } catch (err) {
      if (err instanceof Failure) throw new PatchError(err.message, 422);
      throw err;
    }
  }
  return root;
}

// ---- JSON Merge Patch ----

export const ERR_BAD_JSON_DOC = 'Invalid JSON Document';
export const ERR_BAD_JSON_PATCH = 'Invalid JSON Patch';

/** Removes null members of objects, at any depth; null array items stay. */
function pruneNulls(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(pruneNulls);
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = pruneNulls(v);
  return out;
}

function mergeValue(current: JsonValue, patch: JsonValue): JsonValue {
  if (!isJsonObject(current)) return pruneNulls(patch);
  if (!isJsonObject(patch)) return patch;
  mergeObjects(current, patch);
  return current;
}

function mergeObjects(doc: JsonObject, patch: JsonObject): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete doc[k];
    else if (!Object.hasOwn(doc, k) || doc[k] === null) doc[k] = pruneNulls(v);
    else doc[k] = mergeValue(doc[k], v);
  }
}

/** RFC 7386 merge of `patch` into a copy of `doc`; throws PatchError. */
export function applyMergePatch(doc: JsonValue, patch: JsonValue): JsonValue {
  if (doc === null) throw new PatchError(ERR_BAD_JSON_DOC, 500);
  if (patch === null) throw new PatchError(ERR_BAD_JSON_PATCH, 400);
  if (isJsonObject(patch) && isJsonObject(doc)) {
    const out = cloneJson(doc);
    mergeObjects(out, cloneJson(patch));
    return out;
  }
  // A patch that is not an object, or a document that is not, yields the patch itself.
  if (isJsonObject(patch) || Array.isArray(patch)) return pruneNulls(cloneJson(patch));
  throw new PatchError(ERR_BAD_JSON_PATCH, 400);
}
