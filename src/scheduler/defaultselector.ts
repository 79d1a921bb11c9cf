// DefaultSelector (upstream helper.DefaultSelector): the pods that belong with
// this one — those selected by the same Services, ReplicationControllers,
// ReplicaSets and StatefulSets — for spreading pods that declare no
// topology spread constraints of their own.
import { labelSelectorAsSelector, newRequirement, selectorFromRequirements, type Requirement, type Selector } from '../machinery/labels.js';
import type { LabelSelector } from '../machinery/meta.js';
import type { Pod } from './types.js';

export interface SelectingObject {
  /** Services and ReplicationControllers: a plain label map. */
  spec?: { selector?: Record<string, string> | LabelSelector | null };
}

export interface SelectorSources {
  services(namespace: string): readonly SelectingObject[];
  replicationControllers(namespace: string): readonly SelectingObject[];
  replicaSets(namespace: string): readonly SelectingObject[];
  statefulSets(namespace: string): readonly SelectingObject[];
}

function mapMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  const keys = Object.keys(selector);
  return keys.length > 0 && keys.every((k) => labels[k] === selector[k]);
}

/** Compiled selectors by the informer's selector object: every pod the scheduler places asks for them again. */
const compiled = new WeakMap<LabelSelector, Selector | null>();

function safe(selector: LabelSelector | null | undefined): Selector | undefined {
  if (!selector) return undefined;
  let known = compiled.get(selector);
  if (known === undefined) {
    try {
      known = labelSelectorAsSelector(selector);
    } catch {
      known = null;
    }
    compiled.set(selector, known);
  }
  return known ?? undefined;
}

export function defaultSelector(sources: SelectorSources, pod: Pod): Selector | undefined {
  const ns = pod.metadata.namespace ?? '';
  const labels = pod.metadata.labels ?? {};
  const reqs: Requirement[] = [];
  const addMap = (m: Record<string, string>): void => {
    for (const [k, v] of Object.entries(m)) {
      try {
        reqs.push(newRequirement(k, '=', [v]));
      } catch {
        // an invalid label cannot select anything anyway
      }
    }
  };
  for (const list of [sources.services(ns), sources.replicationControllers(ns)]) {
    for (const o of list) {
      const sel = (o.spec?.selector ?? {}) as Record<string, string>;
      if (mapMatches(sel, labels)) addMap(sel);
    }
  }
  for (const list of [sources.replicaSets(ns), sources.statefulSets(ns)]) {
    for (const o of list) {
      const sel = safe(o.spec?.selector as LabelSelector | undefined);
      if (sel && !sel.empty() && sel.matches(labels)) reqs.push(...(sel.requirements() ?? []));
    }
  }
  return reqs.length ? selectorFromRequirements(reqs) : undefined;
}
