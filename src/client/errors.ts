// Errors from the API as the client sees them: every non-2xx answer becomes an
// ApiError carrying the server's metav1.Status (or one synthesised from the
// HTTP code when the body is not a Status, as client-go does).
import type { Status, StatusReason } from '../machinery/meta.js';
import { ApiError } from '../machinery/status.js';
import type { ApiStatusError } from './types.js';

export { ApiError };

/** The reason client-go infers from a bare HTTP code (errors.NewGenericServerResponse). */
const reasonByCode: Record<number, StatusReason> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Gone',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

function isStatus(value: unknown): value is Status {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Status';
}

/** The error for a non-2xx response with this body text. */
export function errorFromResponse(code: number, body: string): ApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (isStatus(parsed) && parsed.status !== 'Success') return new ApiError({ ...parsed, code: parsed.code ?? code });
  const message = body.trim() || `the server responded with the status code ${code} but did not return more information`;
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, code };
  const reason = reasonByCode[code];
  if (reason) status.reason = reason;
  return new ApiError(status);
}

/** The error a watch ERROR event stands for. */
export function errorFromStatus(status: Status): ApiError {
  return new ApiError(status);
}

export function isApiStatusError(err: unknown): err is ApiStatusError {
  return (
    err instanceof Error &&
    typeof (err as Partial<ApiStatusError>).code === 'number' &&
    typeof (err as Partial<ApiStatusError>).status === 'object'
  );
}

function hasReason(err: unknown, reason: string, code?: number): boolean {
  if (!isApiStatusError(err)) return false;
  return err.reason === reason || (err.reason === '' && code !== undefined && err.code === code);
}

export const isNotFound = (err: unknown): boolean => hasReason(err, 'NotFound', 404);
export const isConflict = (err: unknown): boolean => hasReason(err, 'Conflict', 409);
export const isAlreadyExists = (err: unknown): boolean => hasReason(err, 'AlreadyExists');
export const isInvalid = (err: unknown): boolean => hasReason(err, 'Invalid', 422);
export const isForbidden = (err: unknown): boolean => hasReason(err, 'Forbidden', 403);
/** 410: Gone, or Expired (a watch or list from a compacted resourceVersion). */
export const isGone = (err: unknown): boolean => hasReason(err, 'Gone', 410) || hasReason(err, 'Expired') || (isApiStatusError(err) && err.code === 410);
export const isTooManyRequests = (err: unknown): boolean => hasReason(err, 'TooManyRequests', 429);
