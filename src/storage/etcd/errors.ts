// Classifies what etcd and gRPC report into the Store's error codes.
import { ClientClosedError, GRPCCancelledError, GRPCDeadlineExceededError, GRPCUnavailableError } from 'etcd3';
import { StoreError, isStoreError } from '../store.js';

const compactedText = 'required revision has been compacted';
const futureRevisionText = 'required revision is a future revision';
const leaseNotFoundText = 'requested lease not found';
const tooLargeTexts = ['request is too large', 'larger than max'];
/** etcd server errors that mean "try again later", not "your request is wrong". */
const transientTexts = [
  'no leader',
  'request timed out',
  'leader changed',
  'too many requests',
  'server stopped',
  'not capable',
  'unhealthy cluster',
  'No connection established',
];

export function isCompactedError(err: unknown): boolean {
  return err instanceof Error && err.message.includes(compactedText);
}

export function isLeaseNotFound(err: unknown): boolean {
  return err instanceof Error && err.message.includes(leaseNotFoundText);
}

/** Whether the error says the request never reached etcd, so any request may be retried on another member. */
export function isNotSent(err: unknown): boolean {
  return err instanceof Error && /ECONNREFUSED|No connection established|ENOTFOUND|EHOSTUNREACH/.test(err.message);
}

export function isTransient(err: unknown): boolean {
  if (err instanceof GRPCUnavailableError || err instanceof GRPCDeadlineExceededError) return true;
  if (err instanceof GRPCCancelledError || err instanceof ClientClosedError) return true;
  return err instanceof Error && transientTexts.some((text) => err.message.includes(text));
}

/** The StoreError for a failed etcd call; unknown failures keep their etcd message. */
export function toStoreError(err: unknown, endpoints: readonly string[]): Error {
  if (isStoreError(err)) return err;
  if (!(err instanceof Error)) return new Error(`etcd at ${endpoints.join(', ')}: ${String(err)}`);
  const detail = err.message;
  if (detail.includes(compactedText)) return new StoreError('compacted', `etcd: ${compactedText}`);
  if (detail.includes(futureRevisionText)) return new StoreError('invalid', `etcd: ${futureRevisionText}`);
  if (tooLargeTexts.some((text) => detail.includes(text))) {
    return new StoreError('tooLarge', `etcd refused the request as too large (see etcd's --max-request-bytes): ${detail}`);
  }
  if (err instanceof ClientClosedError) return new StoreError('unavailable', 'the etcd store is closed');
  if (isTransient(err)) {
    return new StoreError('unavailable', `etcd at ${endpoints.join(', ')} is unavailable: ${detail}`);
  }
  return new Error(`etcd at ${endpoints.join(', ')}: ${detail}`);
}
