// metav1.Status errors with upstream codes, reasons and message texts
// (k8s.io/apimachinery/pkg/api/errors), and an Error class that carries them.
import { aggregateMessage, type FieldError } from './field.js';
import { goQuote } from './gofmt.js';
import type { Status, StatusCause, StatusDetails, StatusReason } from './meta.js';

export { FieldError, FieldErrorList, FieldPath, aggregateMessage } from './field.js';
export type { FieldErrorType } from './field.js';

/** A resource (plural) in an API group; the core group is "". */
export interface GroupResource {
  group: string;
  resource: string;
}

/** A kind in an API group; the core group is "". */
export interface GroupKind {
  group: string;
  kind: string;
}

/** "deployments.apps" → {resource: deployments, group: apps}; "pods" → core group. */
export function parseGroupResource(s: string): GroupResource {
  const i = s.indexOf('.');
  return i < 0 ? { group: '', resource: s } : { group: s.slice(i + 1), resource: s.slice(0, i) };
}

/** "Deployment.apps" → {kind: Deployment, group: apps}; "Pod" → core group. */
export function parseGroupKind(s: string): GroupKind {
  const i = s.indexOf('.');
  return i < 0 ? { group: '', kind: s } : { group: s.slice(i + 1), kind: s.slice(0, i) };
}

function toGroupResource(gr: GroupResource | string): GroupResource {
  return typeof gr === 'string' ? parseGroupResource(gr) : gr;
}

function toGroupKind(gk: GroupKind | string): GroupKind {
  return typeof gk === 'string' ? parseGroupKind(gk) : gk;
}

export function formatGroupResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

export function formatGroupKind(gk: GroupKind): string {
  return gk.group ? `${gk.kind}.${gk.group}` : gk.kind;
}

const q = goQuote;

/** The text of optimistic-concurrency conflicts (registry.OptimisticLockErrorMsg). */
export const OPTIMISTIC_LOCK_MESSAGE =
  'the object has been modified; please apply your changes to the latest version and try again';

/** An error that reaches a client as a metav1.Status. */
export class ApiError extends Error {
  constructor(readonly status: Status) {
    super(status.message ?? '');
    this.name = 'ApiError';
  }

  get code(): number {
    return this.status.code ?? 500;
  }

  get reason(): StatusReason {
    return this.status.reason ?? '';
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

/** Drops empty members the way Go's omitempty does, keeping upstream's key order. */
function compactDetails(d: StatusDetails): StatusDetails {
  const out: StatusDetails = {};
  if (d.name) out.name = d.name;
  if (d.group) out.group = d.group;
  if (d.kind) out.kind = d.kind;
  if (d.uid) out.uid = d.uid;
  if (d.causes && d.causes.length > 0) out.causes = d.causes;
  if (d.retryAfterSeconds) out.retryAfterSeconds = d.retryAfterSeconds;
  return out;
}

function failure(code: number, reason: StatusReason, message: string, details?: StatusDetails): ApiError {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message };
  if (reason) status.reason = reason;
  if (details) status.details = compactDetails(details);
  status.code = code;
  if (code >= 500) return new ApiError(status);
  // A client's error is an answer, not a fault: capturing a stack trace for each would be wasted work.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new ApiError(status);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function resourceDetails(gr: GroupResource, name = ''): StatusDetails {
  return { name, group: gr.group, kind: gr.resource };
}

function errorText(err: Error | string): string {
  return typeof err === 'string' ? err : err.message;
}

export function notFound(resource: GroupResource | string, name: string): ApiError {
  const gr = toGroupResource(resource);
  return failure(404, 'NotFound', `${formatGroupResource(gr)} ${q(name)} not found`, resourceDetails(gr, name));
}

export function alreadyExists(resource: GroupResource | string, name: string): ApiError {
  const gr = toGroupResource(resource);
  return failure(409, 'AlreadyExists', `${formatGroupResource(gr)} ${q(name)} already exists`, resourceDetails(gr, name));
}

export function generateNameConflict(resource: GroupResource | string, name: string, retryAfterSeconds: number): ApiError {
  const gr = toGroupResource(resource);
  const message = `${formatGroupResource(gr)} ${q(name)} already exists, the server was not able to generate a unique name for the object`;
  return failure(409, 'AlreadyExists', message, { ...resourceDetails(gr, name), retryAfterSeconds });
}

export function conflict(resource: GroupResource | string, name: string, err: Error | string = OPTIMISTIC_LOCK_MESSAGE): ApiError {
  const gr = toGroupResource(resource);
  const message = `Operation cannot be fulfilled on ${formatGroupResource(gr)} ${q(name)}: ${errorText(err)}`;
  return failure(409, 'Conflict', message, resourceDetails(gr, name));
}

/** Server-side apply conflicts: the causes name each conflicting field and manager. */
export function applyConflict(causes: StatusCause[], message: string): ApiError {
  return failure(409, 'Conflict', message, { causes });
}

/** 422 Invalid: `Deployment.apps "x" is invalid: [cause1, cause2]`. */
export function invalid(kind: GroupKind | string, name: string, errors: readonly FieldError[]): ApiError {
  const gk = toGroupKind(kind);
  const causes: StatusCause[] = errors.map((e) => ({ reason: e.type, message: e.body(), field: e.field }));
  const prefix = `${formatGroupKind(gk)} ${q(name)} is invalid`;
  const message = errors.length === 0 ? prefix : `${prefix}: ${aggregateMessage(errors)}`;
  return failure(422, 'Invalid', message, { name, group: gk.group, kind: gk.kind, causes });
}

export function badRequest(message: string): ApiError {
  return failure(400, 'BadRequest', message);
}

export function unauthorized(message = ''): ApiError {
  return failure(401, 'Unauthorized', message || 'not authorized');
}

export function forbidden(resource: GroupResource | string, name: string, err: Error | string): ApiError {
  const gr = toGroupResource(resource);
  const why = errorText(err);
  let message: string;
  if (!gr.group && !gr.resource) message = `forbidden: ${why}`;
  else if (!name) message = `${formatGroupResource(gr)} is forbidden: ${why}`;
  else message = `${formatGroupResource(gr)} ${q(name)} is forbidden: ${why}`;
  return failure(403, 'Forbidden', message, resourceDetails(gr, name));
}

/** 405: `action` is the verb, e.g. "create" or "deletecollection". */
export function methodNotSupported(resource: GroupResource | string, action: string): ApiError {
  const gr = toGroupResource(resource);
  const message = `${action} is not supported on resources of kind ${q(formatGroupResource(gr))}`;
  return failure(405, 'MethodNotAllowed', message, { group: gr.group, kind: gr.resource });
}

export function notAcceptable(acceptedMediaTypes: readonly string[]): ApiError {
  return failure(406, 'NotAcceptable', `only the following media types are accepted: ${acceptedMediaTypes.join(', ')}`);
}

/** 406 for a conversion target such as Table that cannot be served in the asked-for form. */
export function notAcceptableConversion(target: string, acceptedMediaTypes: readonly string[]): ApiError {
  const message = `only the following media types are accepted when converting to ${target}: ${acceptedMediaTypes.join(', ')}`;
  return failure(406, 'NotAcceptable', message);
}

export function unsupportedMediaType(acceptedMediaTypes: readonly string[]): ApiError {
  const message = `the body of the request was in an unknown format - accepted media types include: ${acceptedMediaTypes.join(', ')}`;
  return failure(415, 'UnsupportedMediaType', message);
}

export function requestEntityTooLarge(message: string): ApiError {
  return failure(413, 'RequestEntityTooLarge', `Request entity too large: ${message}`);
}

/** 410 Gone (upstream deprecates it in favour of resourceExpired). */
export function gone(message: string): ApiError {
  return failure(410, 'Gone', message);
}

/** 410 Expired: the requested resourceVersion or continue token is too old. */
export function resourceExpired(message: string): ApiError {
  return failure(410, 'Expired', message);
}

/** A watch from a resourceVersion older than the oldest event still kept. */
export function tooOldResourceVersion(requested: number | bigint, oldest: number | bigint): ApiError {
  return resourceExpired(`too old resource version: ${requested} (${oldest})`);
}

export const EXPIRED_LIST_MESSAGE = 'The resourceVersion for the provided list is too old.';
export const EXPIRED_WATCH_MESSAGE = 'The resourceVersion for the provided watch is too old.';
export const EXPIRED_CONTINUE_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. ' +
  'You can start a new list without the continue parameter.';
export const INCONSISTENT_CONTINUE_MESSAGE =
  'The provided continue parameter is too old to display a consistent list result. ' +
  'You can start a new list without the continue parameter, or use the continue token in this response to ' +
  'retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - ' +
  'objects that were created, modified, or deleted between the time the first chunk was returned ' +
  'and now may show up in the list.';

/**
 * A continue token whose revision was compacted. With `inconsistentToken` the
 * client may carry on from there (the token rides in metadata.continue).
 */
export function expiredContinue(inconsistentToken?: string): ApiError {
  if (inconsistentToken === undefined) return resourceExpired(EXPIRED_CONTINUE_MESSAGE);
  const err = resourceExpired(INCONSISTENT_CONTINUE_MESSAGE);
  err.status.metadata = { continue: inconsistentToken };
  return err;
}

export function internalError(err: Error | string): ApiError {
  const text = errorText(err);
  return failure(500, 'InternalError', `Internal error occurred: ${text}`, { causes: [{ message: text }] });
}

/** 500 ServerTimeout: the operation could not finish in time and should be retried. */
export function serverTimeout(resource: GroupResource | string, operation: string, retryAfterSeconds: number): ApiError {
  const gr = toGroupResource(resource);
  const message = `The ${operation} operation against ${formatGroupResource(gr)} could not be completed at this time, please try again.`;
  return failure(500, 'ServerTimeout', message, { name: operation, group: gr.group, kind: gr.resource, retryAfterSeconds });
}

export function serviceUnavailable(message: string): ApiError {
  return failure(503, 'ServiceUnavailable', message);
}

/** 504 Timeout; the operation may still complete. */
export function timeout(message: string, retryAfterSeconds: number): ApiError {
  return failure(504, 'Timeout', `Timeout: ${message}`, { retryAfterSeconds });
}

/** A read at a resourceVersion the server has not reached yet. */
export function tooLargeResourceVersion(requested: number | bigint, current: number | bigint, retryAfterSeconds = 1): ApiError {
  const err = timeout(`Too large resource version: ${requested}, current: ${current}`, retryAfterSeconds);
  err.status.details = { ...err.status.details, causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }] };
  return err;
}

/** 429 with a Retry-After hint (NewTooManyRequests). */
export function tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
  return failure(429, 'TooManyRequests', message, { retryAfterSeconds });
}

/** The message of the max-in-flight filter's 429. */
export const TOO_MANY_REQUESTS_MESSAGE = 'Too many requests, please try again later.';

/** 429 with a "Too many requests: " prefix (NewTooManyRequestsError). */
export function tooManyRequestsError(message: string): ApiError {
  return failure(429, 'TooManyRequests', `Too many requests: ${message}`);
}

const genericReasons: Record<number, [StatusReason, string]> = {
  400: ['BadRequest', 'the server rejected our request for an unknown reason'],
  401: ['Unauthorized', 'the server has asked for the client to provide credentials'],
  404: ['NotFound', 'the server could not find the requested resource'],
  405: ['MethodNotAllowed', 'the server does not allow this method on the requested resource'],
  422: ['Invalid', 'the server rejected our request due to an error in our request'],
  429: ['TooManyRequests', 'the server has received too many requests and has asked us to try again later'],
  503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
  504: ['Timeout', 'the server was unable to return a response in the time allotted, but may still be processing the request'],
};

function genericReasonAndMessage(code: number, verb: string, serverMessage: string): [StatusReason, string] {
  switch (code) {
    case 409:
      return [verb === 'POST' ? 'AlreadyExists' : 'Conflict', 'the server reported a conflict'];
    case 403:
      return ['Forbidden', serverMessage];
    case 406:
      return ['NotAcceptable', serverMessage && serverMessage !== 'unknown' ? serverMessage : 'the server was unable to respond with a content type that the client supports'];
    case 415:
      return ['UnsupportedMediaType', serverMessage];
  }
  if (genericReasons[code]) return genericReasons[code];
  if (code >= 500) return ['InternalError', `an error on the server (${q(serverMessage)}) has prevented the request from succeeding`];
  return ['', `the server responded with the status code ${code} but did not return more information`];
}

/**
 * NewGenericServerResponse: a status whose message is fixed by its code. The
 * API server uses it where upstream does, e.g. 422 for a JSON patch that fails.
 */
export function genericServerResponse(
  code: number,
  verb = '',
  resource: GroupResource | string = { group: '', resource: '' },
  name = '',
  serverMessage = '',
  retryAfterSeconds = 0,
  isUnexpectedResponse = false,
): ApiError {
  const gr = toGroupResource(resource);
  const [reason, base] = genericReasonAndMessage(code, verb, serverMessage);
  const qualified = formatGroupResource(gr);
  let message = base;
  if (qualified && name) message = `${base} (${verb.toLowerCase()} ${qualified} ${name})`;
  else if (qualified) message = `${base} (${verb.toLowerCase()} ${qualified})`;
  const causes = isUnexpectedResponse ? [{ reason: 'UnexpectedServerResponse', message: serverMessage }] : undefined;
  return failure(code, reason, message, { ...resourceDetails(gr, name), causes, retryAfterSeconds });
}

/** The Status a successful delete returns. */
export function successStatus(details?: StatusDetails): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' };
  if (details) status.details = compactDetails(details);
  return status;
}

/**
 * An error that never became a Status: upstream answers 500 with the bare
 * error text and no reason (ErrorToAPIStatus).
 */
export function unknownError(message: string, code = 500): ApiError {
  return failure(code, '', message);
}

/** Any thrown value as the Status a client sees; errors that are not ApiErrors become unknownError. */
export function toStatus(err: unknown): Status {
  if (err instanceof ApiError) return err.status;
  return unknownError(err instanceof Error ? err.message : String(err)).status;
}
