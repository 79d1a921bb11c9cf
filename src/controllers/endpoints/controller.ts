// The Endpoints controller: for every Service with a selector, an Endpoints
// object of the same name listing the matching pods' addresses and ports.
import * as resources from '../../client/resources.js';
import { selectorFromSet } from '../../machinery/labels.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { Controller, ControllerContext, EventRecorder } from '../context.js';
import { isAlreadyExists, isNotFound, keyOf, runQueue, splitKey } from '../controller-utils/run.js';
import { labelsEqual, queueServicesOnChange } from '../controller-utils/services.js';
import type { Pod } from '../controller-utils/types.js';
import { TriggerTimeTracker } from './trigger-time.js';
import { podSubsets, repackSubsets, subsetsEqual, truncateSubsets } from './subsets.js';
import { ANNOTATION_LEADER, ANNOTATION_OVER_CAPACITY, ANNOTATION_TRIGGER_TIME, LABEL_HEADLESS, type Endpoints, type EndpointSubset, type Service } from './types.js';
import { isServiceIPSet } from './podendpoints.js';

const WORKERS = 5;


function addressCount(subsets: EndpointSubset[] | undefined): number {
  return (subsets ?? []).reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
}


export class EndpointsController {
  private readonly queue = new WorkQueue<string>();
  private readonly services;
  private readonly pods;
  private readonly endpoints;
  private readonly triggerTimes = new TriggerTimeTracker();
  private readonly recorder: EventRecorder;

  constructor(private readonly ctx: ControllerContext) {
    this.services = ctx.informers.informerFor<Service>(resources.services);
    this.pods = ctx.informers.informerFor<Pod>(resources.pods);
    this.endpoints = ctx.informers.informerFor<Endpoints>(resources.endpoints);
    this.recorder = ctx.recorder('endpoint-controller');
    queueServicesOnChange(this.services, this.pods, this.queue);
    // checkLeftoverEndpoints: at start, Endpoints whose Service went while no
    // controller ran are found; later, only a deleted Endpoints is re-checked
    // (Endpoints written by hand without a Service are left alone).
    this.endpoints.addEventHandler({
      onAdd: (e, initial) => {
        if (initial) this.queue.add(keyOf(e));
      },
      onDelete: (e) => this.queue.add(keyOf(e)),
    });
  }

  run(signal: AbortSignal): Promise<void> {
    return runQueue(this.ctx, signal, this.queue, WORKERS, (key) => this.sync(key));
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const client = this.ctx.client.resource<Endpoints>(resources.endpoints);
    const service = this.services.lister.get(namespace, name);
    if (!service) {
      this.triggerTimes.forget(key);
      const current = this.endpoints.lister.get(namespace, name);
      // Leader-election records once lived in Endpoints without a Service; leave them.
      if (!current || current.metadata?.annotations?.[ANNOTATION_LEADER] !== undefined) return;
      try {
        await client.delete(namespace, name);
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return;
    }
    // ExternalName and selector-less Services get no endpoints from this controller.
    if (service.spec?.type === 'ExternalName' || !service.spec?.selector) return;
    const pods = this.pods.lister.list(namespace, selectorFromSet(service.spec.selector));
    const { triggerTime, commit } = this.triggerTimes.compute(key, service, pods);
    const subsets = repackSubsets(podSubsets(service, pods));
    const current = this.endpoints.lister.get(namespace, name);
    const serviceLabels = service.metadata?.labels ?? {};
    if (current) {
      const { [LABEL_HEADLESS]: _headless, ...compareLabels } = current.metadata?.labels ?? {};
      const capacityOk = addressCount(subsets) <= 1000 && current.metadata?.annotations?.[ANNOTATION_OVER_CAPACITY] === undefined;
      if (subsetsEqual(current.subsets, subsets) && labelsEqual(compareLabels, serviceLabels) && capacityOk) return commit();
    }
    const annotations = { ...(current?.metadata?.annotations ?? {}) };
    if (triggerTime) annotations[ANNOTATION_TRIGGER_TIME] = triggerTime;
    else delete annotations[ANNOTATION_TRIGGER_TIME];
    if (truncateSubsets(subsets)) annotations[ANNOTATION_OVER_CAPACITY] = 'truncated';
    else delete annotations[ANNOTATION_OVER_CAPACITY];
    const labels: Record<string, string> = { ...serviceLabels };
    if (!isServiceIPSet(service)) labels[LABEL_HEADLESS] = '';
    const { subsets: _old, ...rest } = current ?? { apiVersion: 'v1', kind: 'Endpoints' };
    const next: Endpoints = { ...rest, metadata: { ...(current?.metadata ?? { name, namespace }), labels, annotations } };
    const nonEmpty = subsets.filter((s) => s.addresses?.length || s.notReadyAddresses?.length);
    // As upstream's omitempty: no `subsets` at all when there is none.
    if (nonEmpty.length) next.subsets = nonEmpty;
    if (!current) {
      try {
        await client.create(namespace, next);
        commit();
      } catch (err) {
        if (isAlreadyExists(err)) throw err;
        // A namespace being deleted refuses new objects; its Services go too.
        if ((err as { code?: number }).code === 403) return;
        this.recorder.event(next, 'Warning', 'FailedToCreateEndpoint', `Failed to create endpoint for service ${namespace}/${name}: ${(err as Error).message}`);
        throw err;
      }
      return;
    }
    try {
      await client.update(next);
      commit();
    } catch (err) {
      if (!isNotFound(err)) this.recorder.event(next, 'Warning', 'FailedToUpdateEndpoint', `Failed to update endpoint ${namespace}/${name}: ${(err as Error).message}`);
      throw err;
    }
  }
}

export const endpointsController: Controller = {
  name: 'endpoints',
  start: (ctx, signal) => new EndpointsController(ctx).run(signal),
};
