// The API server's part of namespace deletion: a deleted namespace turns
// Terminating and stays while spec.finalizers is not empty. The namespace
// controller (src/controllers/namespace) empties it and removes `kubernetes`
// through /finalize; creating content in it meanwhile is refused (registry).
import type { ApiObject } from '../api/kind.js';
import type { ResourceHooks } from './registry/resource.js';

function specFinalizers(ns: ApiObject): string[] {
  return ((ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).slice();
}

export const namespaceHooks: ResourceHooks = {
  blocksDeletion: (ns) => specFinalizers(ns).length > 0,
  deletionStarted: (ns) => {
    ns.status = { ...(ns.status as object | undefined), phase: 'Terminating' };
  },
};
