// The EndpointSlice controller: for every Service with a selector, slices
// (discovery.k8s.io/v1) of at most 100 endpoints listing the matching pods.
import * as resources from '../../client/resources.js';
import { selectorFromSet } from '../../machinery/labels.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerContext, EventRecorder } from '../context.js';
import { isNotFound, runQueue, splitKey, type ReconcileResult } from '../controller-utils/run.js';
import type { Node, Pod } from '../controller-utils/types.js';
import { queueServicesOnChange } from '../controller-utils/services.js';
import { TriggerTimeTracker } from '../endpoints/trigger-time.js';
import { LABEL_MANAGED_BY, LABEL_SERVICE_NAME, type EndpointSlice, type Service } from '../endpoints/types.js';
import { CONTROLLER_NAME, reconcileSlices, ZONE_LABEL } from './reconcile.js';
import { EndpointSliceTracker } from './tracker.js';

const WORKERS = 5;

export class EndpointSliceController {
  private readonly queue = new WorkQueue<string>();
  private readonly services;
  private readonly pods;
  private readonly nodes;
  private readonly slices;
  private readonly triggerTimes = new TriggerTimeTracker();
  private readonly tracker = new EndpointSliceTracker();
  private readonly recorder: EventRecorder;

  constructor(private readonly ctx: ControllerContext) {
    this.services = ctx.informers.informerFor<Service>(resources.services);
    this.pods = ctx.informers.informerFor<Pod>(resources.pods);
    this.nodes = ctx.informers.informerFor<Node>(resources.nodes);
    this.slices = ctx.informers.informerFor<EndpointSlice>(resources.endpointslices);
    this.recorder = ctx.recorder('endpoint-slice-controller');
    queueServicesOnChange(this.services, this.pods, this.queue);
    const sliceChanged = (s: EndpointSlice) => {
      const service = s.metadata?.labels?.[LABEL_SERVICE_NAME];
      if (service && s.metadata?.labels?.[LABEL_MANAGED_BY] === CONTROLLER_NAME) this.queue.add(`${s.metadata?.namespace}/${service}`);
    };
    this.slices.addEventHandler({ onAdd: sliceChanged, onUpdate: (_o, s) => sliceChanged(s), onDelete: sliceChanged });
  }

  run(signal: AbortSignal): Promise<void> {
    return runQueue(this.ctx, signal, this.queue, WORKERS, (key) => this.sync(key));
  }

  private managedSlices(namespace: string, name: string): EndpointSlice[] {
    return this.slices.lister.list(namespace, selectorFromSet({ [LABEL_SERVICE_NAME]: name, [LABEL_MANAGED_BY]: CONTROLLER_NAME }));
  }

  async sync(key: string): Promise<void | ReconcileResult> {
    const { namespace, name } = splitKey(key);
    const client = this.ctx.client.resource<EndpointSlice>(resources.endpointslices);
    const service = this.services.lister.get(namespace, name);
    const cached = this.managedSlices(namespace, name);
    if (!this.tracker.caughtUp(key, cached)) return { requeueAfterMs: 100 };
    if (!service) {
      // The garbage collector would delete them by their owner reference; do not wait for it.
      this.triggerTimes.forget(key);
      for (const slice of cached) await this.deleteSlice(key, slice);
      this.tracker.forget(key);
      return;
    }
    if (service.spec?.type === 'ExternalName' || !service.spec?.selector) return;
    const pods = this.pods.lister.list(namespace, selectorFromSet(service.spec.selector));
    const existing = cached.filter((s) => s.metadata?.ownerReferences?.some((r) => r.kind === 'Service' && r.uid === service.metadata?.uid));
    // Slices of an earlier Service of the same name.
    for (const stale of cached.filter((s) => !existing.includes(s))) await this.deleteSlice(key, stale);
    const trigger = this.triggerTimes.compute(key, service, pods);
    const plan = reconcileSlices({
      service,
      pods,
      existing,
      zoneOf: (node) => this.nodes.lister.get(undefined, node)?.metadata?.labels?.[ZONE_LABEL],
      triggerTime: trigger.triggerTime,
    });
    try {
      // Creations first, deletions last, so the Service is never without endpoints in between.
      for (const slice of plan.create) this.tracker.written(key, await client.create(namespace, slice));
      for (const slice of plan.update) this.tracker.written(key, await client.update(slice));
      for (const slice of plan.delete) await this.deleteSlice(key, slice);
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code === 403) return; // the namespace is terminating
      if (code !== 409) this.recorder.event(service, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${key}: ${(err as Error).message}`);
      throw err;
    }
    trigger.commit();
  }

  private async deleteSlice(key: string, slice: EndpointSlice): Promise<void> {
    try {
      await this.ctx.client.resource<EndpointSlice>(resources.endpointslices).delete(slice.metadata?.namespace, slice.metadata!.name!);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    this.tracker.deleted(key, slice);
  }
}

export const endpointSliceController: Controller = {
  name: 'endpointslice',
  start: (ctx, signal) => new EndpointSliceController(ctx).run(signal),
};
