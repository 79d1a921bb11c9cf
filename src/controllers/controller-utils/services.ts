// The Service ↔ Pod wiring both endpoint controllers share: a Service is
// synced when it changes and when a pod it selects (or selected) changes.
import type { WorkQueue } from '../../client/workqueue.js';
import { selectorFromSet } from '../../machinery/labels.js';
import type { ControllerInformer } from '../context.js';
import type { Service } from '../endpoints/types.js';
import { keyOf } from './run.js';
import type { Pod } from './types.js';

export function labelsEqual(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const norm = (l: Record<string, string> | undefined) => JSON.stringify(Object.entries(l ?? {}).sort());
  return norm(a) === norm(b);
}

/** The Services whose selector a pod's labels match. */
export function servicesSelecting(services: Service[], pod: Pod): Service[] {
  const labels = pod.metadata?.labels ?? {};
  return services.filter((s) => s.spec?.selector && s.spec.type !== 'ExternalName' && selectorFromSet(s.spec.selector).matches(labels));
}

/** Queues a Service's key when it changes, and the keys of the Services selecting a pod when the pod changes. */
export function queueServicesOnChange(services: ControllerInformer<Service>, pods: ControllerInformer<Pod>, queue: WorkQueue<string>): void {
  const podChanged = (pod: Pod) => {
    for (const s of servicesSelecting(services.lister.list(pod.metadata?.namespace), pod)) queue.add(keyOf(s));
  };
  services.addEventHandler({
    onAdd: (s) => queue.add(keyOf(s)),
    onUpdate: (_o, s) => queue.add(keyOf(s)),
    onDelete: (s) => queue.add(keyOf(s)),
  });
  pods.addEventHandler({
    onAdd: podChanged,
    onUpdate: (old, pod) => {
      if (old.metadata?.resourceVersion === pod.metadata?.resourceVersion) return;
      podChanged(pod);
      // A pod whose labels changed may have left Services that select it no more.
      if (!labelsEqual(old.metadata?.labels, pod.metadata?.labels)) podChanged(old);
    },
    onDelete: podChanged,
  });
}
