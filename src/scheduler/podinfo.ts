// A pod with what scheduling parses out of it once: its requests and its
// inter-pod affinity terms with their selectors compiled.
import { labelSelectorAsSelector, nothing, type Labels, type Selector } from '../machinery/labels.js';
import { podRequests, type Resource } from './resources.js';
import { podHostPorts, type HostPort } from './hostports.js';
import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from './types.js';

/** A PodAffinityTerm with selectors compiled (upstream framework.AffinityTerm). */
export interface AffinityTerm {
  namespaces: ReadonlySet<string>;
  selector: Selector;
  topologyKey: string;
  namespaceSelector: Selector;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

/** Looks up a namespace's labels (for namespaceSelector). */
export type NamespaceLabels = (namespace: string) => Labels | undefined;

export function affinityTermMatches(term: AffinityTerm, pod: Pod, nsLabels: Labels | undefined): boolean {
  const ns = pod.metadata.namespace ?? '';
  if (term.namespaces.has(ns) || (nsLabels !== undefined && term.namespaceSelector.matches(nsLabels))) {
    return term.selector.matches(pod.metadata.labels ?? {});
  }
  return false;
}

function safeSelector(selector: Parameters<typeof labelSelectorAsSelector>[0]): Selector {
  try {
    return labelSelectorAsSelector(selector);
  } catch {
    return nothing();
  }
}

function compileTerm(pod: Pod, term: PodAffinityTerm): AffinityTerm {
  const namespaces = new Set<string>();
  if ((term.namespaces ?? []).length === 0 && !term.namespaceSelector) namespaces.add(pod.metadata.namespace ?? '');
  else for (const ns of term.namespaces ?? []) namespaces.add(ns);
  return {
    namespaces,
    selector: safeSelector(withMatchLabelKeys(pod, term)),
    topologyKey: term.topologyKey,
    namespaceSelector: safeSelector(term.namespaceSelector),
  };
}

/** matchLabelKeys / mismatchLabelKeys add the incoming pod's own label values to the selector. */
function withMatchLabelKeys(pod: Pod, term: PodAffinityTerm): PodAffinityTerm['labelSelector'] {
  const labels = pod.metadata.labels ?? {};
  const extra = [
    ...(term.matchLabelKeys ?? []).filter((k) => k in labels).map((k) => ({ key: k, operator: 'In', values: [labels[k]] })),
    ...(term.mismatchLabelKeys ?? []).filter((k) => k in labels).map((k) => ({ key: k, operator: 'NotIn', values: [labels[k]] })),
  ];
  if (extra.length === 0 || !term.labelSelector) return term.labelSelector;
  return { ...term.labelSelector, matchExpressions: [...(term.labelSelector.matchExpressions ?? []), ...extra] };
}

function compileWeighted(pod: Pod, terms: WeightedPodAffinityTerm[] | undefined): WeightedAffinityTerm[] {
  return (terms ?? []).map((t) => ({ ...compileTerm(pod, t.podAffinityTerm), weight: t.weight }));
}

export class PodInfo {
  readonly requiredAffinityTerms: AffinityTerm[];
  readonly requiredAntiAffinityTerms: AffinityTerm[];
  readonly preferredAffinityTerms: WeightedAffinityTerm[];
  readonly preferredAntiAffinityTerms: WeightedAffinityTerm[];
  private requests?: Resource;
  private nonZero?: Resource;
  private ports?: HostPort[];

  constructor(readonly pod: Pod) {
    const a = pod.spec.affinity;
    this.requiredAffinityTerms = (a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileTerm(pod, t));
    this.requiredAntiAffinityTerms = (a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => compileTerm(pod, t));
    this.preferredAffinityTerms = compileWeighted(pod, a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
    this.preferredAntiAffinityTerms = compileWeighted(pod, a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
  }

  get key(): string {
    return `${this.pod.metadata.namespace ?? ''}/${this.pod.metadata.name ?? ''}`;
  }

  get uid(): string {
    return this.pod.metadata.uid ?? this.key;
  }

  /** The effective request (init containers, sidecars, overhead). */
  get request(): Resource {
    return (this.requests ??= podRequests(this.pod));
  }

  /** The request with unset cpu/memory counted as the scheduler's defaults. */
  get nonZeroRequest(): Resource {
    return (this.nonZero ??= podRequests(this.pod, true));
  }

  /** The host ports the pod asks for. */
  get hostPorts(): HostPort[] {
    return (this.ports ??= podHostPorts(this.pod));
  }

  hasAffinity(): boolean {
    return this.requiredAffinityTerms.length + this.requiredAntiAffinityTerms.length + this.preferredAffinityTerms.length + this.preferredAntiAffinityTerms.length > 0;
  }

  hasRequiredAntiAffinity(): boolean {
    return this.requiredAntiAffinityTerms.length > 0;
  }
}
