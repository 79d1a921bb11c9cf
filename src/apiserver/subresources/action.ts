// Subresources that are actions (POST only): pods/binding, pods/eviction,
// serviceaccounts/token. Each reads its own request kind and answers itself.
import type { Status } from '../../machinery/meta.js';
import type { HandlerInput } from '../handlers.js';

export interface ActionSubresource {
  name: string;
  /** The kind a request carries, for discovery. */
  kind: { group: string; version: string; kind: string };
  serve(input: HandlerInput): Promise<void>;
}

/** The metav1.Status upstream answers a successful action with. */
export function successStatus(code: number): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code };
}
