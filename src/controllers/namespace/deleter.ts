// Empties a Terminating namespace as an API client (upstream
// namespaced_resources_deleter): discover the namespaced resources, delete each
// collection, count what remains, write the conditions, and once nothing is
// left remove the `kubernetes` finalizer through namespaces/{name}/finalize.
import * as resources from '../../client/resources.js';
import { resourcePath } from '../../client/rest.js';
import type { KubeObject } from '../../client/types.js';
import type { ControllerClient } from '../context.js';
import { discoverPreferredResources, discoveryFailureMessage, supportsVerbs, type DiscoveredResource } from '../controller-utils/discovery.js';
import { isConflict, isNotFound } from '../controller-utils/run.js';
import type { Pod } from '../controller-utils/types.js';
import { updateConditions, type DeletionReport, type NamespaceCondition } from './conditions.js';

export const FINALIZER_KUBERNETES = 'kubernetes';
/** Upstream's wait for content held by finalizers. */
const FINALIZER_ESTIMATE_SECONDS = 15;

interface Namespace extends KubeObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: NamespaceCondition[] };
}

/** Content is still going away; look again in about `estimateSeconds`. */
export class ResourcesRemainingError extends Error {
  constructor(readonly estimateSeconds: number) {
    super(`some content remains in the namespace, estimate ${estimateSeconds} seconds before it is removed`);
  }
}

const isMethodNotSupported = (err: unknown) => (err as { code?: number }).code === 405;

/** GroupVersionResource.String() as upstream prints it: "apps/v1, Resource=deployments". */
const gvrString = (r: DiscoveredResource) => `${r.group}/${r.version}, Resource=${r.resource}`;

interface ResourceOutcome {
  estimate: number;
  remaining: number;
  finalizers: Map<string, number>;
}

export class NamespacedResourcesDeleter {
  private readonly namespaces;

  constructor(private readonly client: ControllerClient) {
    this.namespaces = client.resource<Namespace>(resources.namespaces);
  }

  /** One pass; throws ResourcesRemainingError while content is still going away. */
  async delete(name: string): Promise<void> {
    let ns: Namespace;
    try {
      ns = await this.namespaces.get(undefined, name);
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    if (!ns.metadata?.deletionTimestamp) return;
    ns = await this.retryOnConflict(ns, (n) => this.markTerminating(n));
    if ((ns.spec?.finalizers ?? []).length === 0) return;
    const estimate = await this.deleteAllContent(ns);
    if (estimate > 0) throw new ResourcesRemainingError(estimate);
    await this.retryOnConflict(ns, (n) => this.finalize(n));
  }

  private async markTerminating(ns: Namespace): Promise<Namespace> {
    if (ns.status?.phase === 'Terminating') return ns;
    return this.namespaces.updateStatus({ ...ns, status: { ...ns.status, phase: 'Terminating' } });
  }

  private async finalize(ns: Namespace): Promise<Namespace> {
    const finalizers = [...new Set((ns.spec?.finalizers ?? []).filter((f) => f !== FINALIZER_KUBERNETES))].sort();
    try {
      return await this.client.request<Namespace>('PUT', resourcePath(resources.namespaces, undefined, ns.metadata!.name!, 'finalize'), {
        body: { apiVersion: 'v1', kind: 'Namespace', metadata: ns.metadata, spec: { ...ns.spec, finalizers } },
      });
    } catch (err) {
      if (isNotFound(err)) return ns;
      throw err;
    }
  }

  private async retryOnConflict(ns: Namespace, fn: (ns: Namespace) => Promise<Namespace>): Promise<Namespace> {
    for (let latest = ns; ; ) {
      try {
        return await fn(latest);
      } catch (err) {
        if (!isConflict(err)) throw err;
        const fresh = await this.namespaces.get(undefined, latest.metadata!.name!);
        if (fresh.metadata?.uid !== latest.metadata?.uid) throw new Error('namespace uid has changed across retries');
        latest = fresh;
      }
    }
  }

  /** Deletes every namespaced collection; returns the seconds to wait before the next look (0: all gone). */
  private async deleteAllContent(ns: Namespace): Promise<number> {
    const name = ns.metadata!.name!;
    const deletedAt = Date.parse(ns.metadata!.deletionTimestamp!);
    const errors: string[] = [];
    const report: DeletionReport = { contentErrors: [], remainingByResource: new Map(), remainingByFinalizer: new Map() };
    const discovery = await discoverPreferredResources(this.client);
    if (discovery.failed.size > 0) {
      const message = discoveryFailureMessage(discovery.failed);
      report.discoveryFailure = { failingGroups: discovery.failed.size, message };
      errors.push(message);
    }
    let estimate = 0;
    const deletable = discovery.resources.filter((r) => r.namespaced && supportsVerbs(r, 'delete'));
    for (const r of deletable) {
      try {
        const outcome = await this.deleteAllOf(r, name, deletedAt);
        estimate = Math.max(estimate, outcome.estimate);
        if (outcome.remaining > 0) {
          report.remainingByResource.set(`${r.resource}.${r.group}`, outcome.remaining);
          for (const [f, n] of outcome.finalizers) report.remainingByFinalizer.set(f, (report.remainingByFinalizer.get(f) ?? 0) + n);
        }
      } catch (err) {
        const outcome = (err as { outcome?: ResourceOutcome }).outcome;
        if (outcome) {
          estimate = Math.max(estimate, outcome.estimate);
          if (outcome.remaining > 0) report.remainingByResource.set(`${r.resource}.${r.group}`, outcome.remaining);
        }
        report.contentErrors.push((err as Error).message);
        errors.push((err as Error).message);
      }
    }
    const { conditions, changed } = updateConditions(ns.status?.conditions, report);
    if (changed) {
      await this.namespaces.updateStatus({ ...ns, status: { ...ns.status, phase: 'Terminating', conditions } }).catch(() => undefined);
    }
    if (errors.length > 0) throw new Error(errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`);
    return estimate;
  }

  /** upstream deleteAllContentForGroupVersionResource. */
  private async deleteAllOf(r: DiscoveredResource, namespace: string, deletedAt: number): Promise<ResourceOutcome> {
    const estimate = r.group === '' && r.resource === 'pods' ? await this.podGraceEstimate(namespace, deletedAt) : 0;
    const fail = (message: string, outcome: ResourceOutcome) => Object.assign(new Error(message), { outcome });
    const options = { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background' };
    const client = this.client.resource<KubeObject>(r);
    if (supportsVerbs(r, 'deletecollection')) {
      try {
        await this.client.request('DELETE', resourcePath(r, namespace), { body: options });
      } catch (err) {
        if (!isMethodNotSupported(err) && !isNotFound(err)) throw fail((err as Error).message, { estimate, remaining: 0, finalizers: new Map() });
      }
    } else if (supportsVerbs(r, 'list')) {
      for (const item of (await client.list(namespace)).items) {
        await client.delete(namespace, item.metadata!.name!, { propagationPolicy: 'Background' }).catch((err: unknown) => {
          if (!isNotFound(err) && !isMethodNotSupported(err)) throw err;
        });
      }
    }
    if (!supportsVerbs(r, 'list')) return { estimate, remaining: 0, finalizers: new Map() };
    const { items } = await client.list(namespace);
    if (items.length === 0) return { estimate: 0, remaining: 0, finalizers: new Map() };
    const finalizers = new Map<string, number>();
    for (const item of items) for (const f of item.metadata?.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
    if (estimate > 0) return { estimate, remaining: items.length, finalizers };
    if (finalizers.size > 0) return { estimate: FINALIZER_ESTIMATE_SECONDS, remaining: items.length, finalizers };
    throw fail(`unexpected items still remain in namespace: ${namespace} for gvr: ${gvrString(r)}`, { estimate, remaining: items.length, finalizers });
  }

  /** upstream estimateGracefulTerminationForPods: the longest grace period of a non-terminal pod, 0 once that has passed. */
  private async podGraceEstimate(namespace: string, deletedAt: number): Promise<number> {
    const { items } = await this.client.resource<Pod>(resources.pods).list(namespace);
    let estimate = 0;
    for (const pod of items) {
      if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
      estimate = Math.max(estimate, pod.spec?.terminationGracePeriodSeconds ?? 0);
    }
    return Date.now() - deletedAt >= estimate * 1000 ? 0 : estimate;
  }
}
