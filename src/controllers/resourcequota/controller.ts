// The ResourceQuota controller (upstream pkg/controller/resourcequota): each quota's status
// holds its hard limits and what the objects of its namespace that its scopes select use now.
// Quotas are recomputed when they change, when objects they count come or go (or pods end),
// and every five minutes.
import { WorkQueue } from '../../client/workqueue.js';
import * as resources from '../../client/resources.js';
import type { KubeObject, ResourceRef } from '../../client/types.js';
import { podCountsAgainstQuota, scopesMatch, usageOf, type ResourceList, type ResourceQuotaSpec } from '../../api/core/quota-usage.js';
import { Quantity } from '../../machinery/quantity.js';
import type { Controller, ControllerContext, ControllerInformer } from '../context.js';
import { keyOf, runQueue, splitKey, updateStatusRetrying } from '../controller-utils/run.js';

interface ResourceQuota extends KubeObject {
  spec?: ResourceQuotaSpec;
  status?: { hard?: ResourceList; used?: ResourceList };
}

const RESYNC_MS = 5 * 60_000;

/**
 * The kinds watched for changes (informers the workload controllers share); other `count/...`
 * resources are listed when a quota syncs and caught up by the periodic resync.
 */
const WATCHED: ResourceRef[] = [
  resources.pods,
  resources.services,
  resources.persistentvolumeclaims,
  resources.configmaps,
  resources.secrets,
  resources.replicationcontrollers,
  resources.resourcequotas,
  resources.deployments,
  resources.replicasets,
  resources.statefulsets,
  resources.daemonsets,
  resources.jobs,
  resources.cronjobs,
];

/** Every namespaced resource the client knows, by its quota count name suffix `<resource>[.<group>]`. */
const KNOWN: Map<string, ResourceRef> = new Map(
  Object.values(resources)
    .filter((r): r is ResourceRef => typeof r === 'object' && r !== null && 'resource' in r && r.namespaced)
    .map((r) => [r.group ? `${r.resource}.${r.group}` : r.resource, r]),
);

/** The resources whose objects a quota's hard names count. */
export function resourcesCounted(hard: ResourceList): ResourceRef[] {
  const refs = new Set<ResourceRef>();
  for (const name of Object.keys(hard)) {
    if (name.startsWith('count/')) {
      const ref = KNOWN.get(name.slice('count/'.length));
      if (ref) refs.add(ref);
    } else if (['configmaps', 'secrets', 'replicationcontrollers', 'resourcequotas'].includes(name)) {
      refs.add(KNOWN.get(name)!);
    } else if (name.startsWith('services')) {
      refs.add(resources.services);
    } else if (name.includes('persistentvolumeclaims') || name.endsWith('requests.storage')) {
      refs.add(resources.persistentvolumeclaims);
    } else {
      refs.add(resources.pods);
    }
  }
  return [...refs];
}

/** status.used: each hard name summed over the objects the quota selects. */
export function computeUsed(quota: ResourceQuota, objects: { ref: ResourceRef; items: KubeObject[] }[], now = Date.now()): ResourceList {
  const hard = quota.spec?.hard ?? {};
  const totals = new Map(Object.keys(hard).map((name) => [name, Quantity.of(0)]));
  for (const { ref, items } of objects) {
    for (const obj of items) {
      if (!scopesMatch(quota.spec ?? {}, ref.group, ref.resource, obj)) continue;
      for (const [name, q] of usageOf(ref.group, ref.resource, obj, now)) {
        const total = totals.get(name);
        if (total) totals.set(name, total.add(q));
      }
    }
  }
  return Object.fromEntries([...totals].map(([name, q]) => [name, q.toString()]));
}

function sameList(a: ResourceList | undefined, b: ResourceList | undefined): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => b?.[k] !== undefined && Quantity.parse(a![k]).cmp(Quantity.parse(b[k])) === 0);
}

class ResourceQuotaController {
  private readonly queue = new WorkQueue<string>();
  private readonly quotas: ControllerInformer<ResourceQuota>;
  private readonly watched = new Map<ResourceRef, ControllerInformer<KubeObject>>();

  constructor(private readonly ctx: ControllerContext) {
    this.quotas = ctx.informers.informerFor<ResourceQuota>(resources.resourcequotas);
    this.quotas.addEventHandler({
      onAdd: (q) => this.queue.add(keyOf(q)),
      onUpdate: (old, q) => {
        if (JSON.stringify(old.spec) !== JSON.stringify(q.spec) || !sameList(q.status?.hard, q.spec?.hard)) this.queue.add(keyOf(q));
      },
    });
    for (const ref of WATCHED) {
      const informer = ctx.informers.informerFor<KubeObject>(ref);
      this.watched.set(ref, informer);
      informer.addEventHandler({
        onAdd: (obj, initial) => {
          if (!initial) this.namespaceChanged(obj);
        },
        onUpdate: (old, obj) => {
          if (ref === resources.pods && podCountsAgainstQuota(old) !== podCountsAgainstQuota(obj)) this.namespaceChanged(obj);
        },
        onDelete: (obj) => this.namespaceChanged(obj),
      });
    }
  }

  /** Something a quota may count changed in a namespace: recompute its quotas. */
  private namespaceChanged(obj: KubeObject): void {
    for (const quota of this.quotas.lister.list(obj.metadata?.namespace)) this.queue.add(keyOf(quota));
  }

  async run(signal: AbortSignal): Promise<void> {
    const resync = setInterval(() => {
      for (const quota of this.quotas.lister.list()) this.queue.add(keyOf(quota));
    }, RESYNC_MS);
    signal.addEventListener('abort', () => clearInterval(resync), { once: true });
    await runQueue(this.ctx, signal, this.queue, 2, (key) => this.sync(key));
  }

  private async objectsOf(ref: ResourceRef, namespace: string): Promise<KubeObject[]> {
    const informer = this.watched.get(ref);
    if (informer) return informer.lister.list(namespace);
    return (await this.ctx.client.resource<KubeObject>(ref).list(namespace)).items;
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const quota = this.quotas.lister.get(namespace, name);
    if (!quota) return;
    const hard = quota.spec?.hard ?? {};
    const objects = await Promise.all(resourcesCounted(hard).map(async (ref) => ({ ref, items: await this.objectsOf(ref, namespace) })));
    const used = computeUsed(quota, objects);
    if (sameList(quota.status?.hard, hard) && sameList(quota.status?.used, used)) return;
    await updateStatusRetrying(this.ctx.client.resource<ResourceQuota>(resources.resourcequotas), quota, { hard, used });
  }
}

export const resourceQuotaController: Controller = {
  name: 'resourcequota',
  start: (ctx, signal) => new ResourceQuotaController(ctx).run(signal),
};
