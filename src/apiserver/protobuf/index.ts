// Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`), as kubectl's typed
// clients send them, decoded into the JSON object upstream's JSON encoding gives the same value.
import { kindSchema } from './schema/index.js';
import { decodeMessage } from './decode.js';
import { encodeMessage } from './encode.js';
import { unwrapEnvelope, wrapEnvelope } from './envelope.js';
import { ProtobufError } from './wire.js';

export { ProtobufError } from './wire.js';

export const protobufContentType = 'application/vnd.kubernetes.protobuf';

export interface DecodedObject {
  apiVersion: string;
  kind: string;
  /** The object as JSON, apiVersion and kind included. */
  object: Record<string, unknown>;
}

function missing(field: string, apiVersion: string, kind: string): ProtobufError {
  return new ProtobufError(`Object '${field}' is missing in 'runtime.TypeMeta{APIVersion:"${apiVersion}", Kind:"${kind}"}'`);
}

function notRegistered(apiVersion: string, kind: string): ProtobufError {
  return new ProtobufError(`no kind "${kind}" is registered for version "${apiVersion}" in scheme "pkg/api/legacyscheme/scheme.go:30"`);
}

/** Errors from deeper down (a bad quantity, say) keep their text but become ProtobufErrors. */
function asProtobufError(err: unknown): ProtobufError {
  if (err instanceof ProtobufError) return err;
  return new ProtobufError(err instanceof Error ? err.message : String(err));
}

/**
 * Decodes a `k8s\0`-prefixed runtime.Unknown body. Throws ProtobufError with upstream's text when
 * the body is not such a message, names a kind without tables here, or does not parse.
 */
export function decodeKubernetesProtobuf(body: Uint8Array): DecodedObject {
  const { apiVersion, kind, raw } = unwrapEnvelope(body);
  if (!kind) throw missing('Kind', apiVersion, kind);
  if (!apiVersion) throw missing('apiVersion', apiVersion, kind);
  const schema = kindSchema(apiVersion, kind);
  if (!schema) throw notRegistered(apiVersion, kind);
  try {
    return { apiVersion, kind, object: { apiVersion, kind, ...decodeMessage(schema, raw) } };
  } catch (err) {
    throw asProtobufError(err);
  }
}

/** Encodes a JSON object (with apiVersion and kind) as a Kubernetes protobuf body. */
export function encodeKubernetesProtobuf(object: Record<string, unknown>): Buffer {
  const { apiVersion, kind } = object;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    throw new ProtobufError('object has no apiVersion and kind to encode');
  }
  const schema = kindSchema(apiVersion, kind);
  if (!schema) throw notRegistered(apiVersion, kind);
  try {
    return wrapEnvelope(apiVersion, kind, encodeMessage(schema, object));
  } catch (err) {
    throw asProtobufError(err);
  }
}
