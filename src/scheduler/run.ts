// Runs the scheduler against an API server: informers for pods, nodes,
// namespaces, claims and PDBs feed it; bindings, status and events go back
// through the API. Only the holder of the kube-scheduler Lease schedules.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../cli/log.js';
import { LeaseElection } from '../controllers/controller-utils/leaderelection.js';
import * as resources from '../client/resources.js';
import { Informer } from '../client/informer.js';
import type { Client } from '../client/rest.js';
import type { KubeObject } from '../client/types.js';
import type { Selector } from '../machinery/labels.js';
import { defaultSelector, type SelectingObject, type SelectorSources } from './defaultselector.js';
import { SchedulerEvents } from './events.js';
import { Scheduler, type SchedulerBackend } from './scheduler.js';
import type { Namespace, Node, PersistentVolumeClaim, Pod, PodCondition, PodDisruptionBudget } from './types.js';

export const SCHEDULER_LEASE = { namespace: 'kube-system', name: 'kube-scheduler' } as const;
const COMPONENT = 'default-scheduler';

/** Campaigns for a lease; calls `lead` for each term of leadership (the client's LeaderElector has this shape). */
export interface LeaderElection {
  run(signal: AbortSignal, lead: (leading: AbortSignal) => Promise<void>): Promise<void>;
}

export interface RunSchedulerOptions {
  client: Client;
  log: Logger;
  /** Default: the kube-scheduler Lease in kube-system (15 s lease, 10 s renew deadline, 2 s retry, as upstream). */
  election?: LeaderElection;
  identity?: string;
}

export function schedulerLeaseElection(client: Client, log: Logger, identity = `${hostname()}_${randomUUID()}`): LeaderElection {
  return new LeaseElection({
    leases: client.resource(resources.leases),
    ...SCHEDULER_LEASE,
    identity,
    leaseDurationSeconds: 15,
    renewDeadlineSeconds: 10,
    retryPeriodSeconds: 2,
    log,
  });
}

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The API-facing half of the scheduler. */
export class ApiBackend implements SchedulerBackend {
  private readonly pods;
  private readonly events: SchedulerEvents;

  constructor(
    client: Client,
    private readonly pdbLister: () => readonly PodDisruptionBudget[],
    private readonly claimLister: (ns: string, name: string) => PersistentVolumeClaim | undefined,
    private readonly logger: Logger,
    private readonly selectors?: SelectorSources,
  ) {
    this.pods = client.resource<Pod & KubeObject>(resources.pods);
    this.events = new SchedulerEvents(client.resource(resources.events), COMPONENT, (e) => this.log(`recording event: ${String(e)}`));
  }

  async bind(pod: Pod, nodeName: string): Promise<void> {
    const m = pod.metadata;
    await this.pods.createSubresource(m.namespace, m.name ?? '', 'binding', {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: m.name, namespace: m.namespace, uid: m.uid },
      target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
    });
  }

  async updatePodStatus(pod: Pod, condition: PodCondition, nominatedNodeName: string | undefined): Promise<void> {
    const status: Record<string, unknown> = { conditions: [condition] };
    if (nominatedNodeName !== undefined) status.nominatedNodeName = nominatedNodeName || null;
    await this.pods.patch(pod.metadata.namespace, pod.metadata.name ?? '', 'strategic', { status }, { subresource: 'status' });
  }

  async preemptVictim(victim: Pod, preemptor: Pod, nodeName: string): Promise<void> {
    const m = victim.metadata;
    const condition = {
      type: 'DisruptionTarget',
      status: 'True',
      reason: 'PreemptionByScheduler',
      message: `${preemptor.spec.schedulerName || COMPONENT}: preempting to accommodate a higher priority pod`,
      lastTransitionTime: timestamp(),
    };
    try {
      await this.pods.patch(m.namespace, m.name ?? '', 'strategic', { status: { conditions: [condition] } }, { subresource: 'status' });
      await this.pods.delete(m.namespace, m.name ?? '', { preconditions: { uid: m.uid } });
    } catch (err) {
      if ((err as { code?: number }).code !== 404) throw err;
    }
    this.events.record(victim, 'Normal', 'Preempted', 'Preempting', `Preempted by pod ${preemptor.metadata.uid ?? ''} on node ${nodeName}`);
  }

  event(pod: Pod, type: 'Normal' | 'Warning', reason: string, action: string, message: string): void {
    this.events.record(pod, type, reason, action, message);
  }

  podDisruptionBudgets(): readonly PodDisruptionBudget[] {
    return this.pdbLister();
  }

  claim(namespace: string, name: string): PersistentVolumeClaim | undefined {
    return this.claimLister(namespace, name);
  }

  defaultSelector(pod: Pod): Selector | undefined {
    return this.selectors ? defaultSelector(this.selectors, pod) : undefined;
  }

  log(message: string): void {
    this.logger.info('scheduler', message);
  }
}

/** One term of leadership: fresh informers and a fresh scheduler, stopped when `signal` aborts. */
export async function runSchedulerTerm(client: Client, log: Logger, signal: AbortSignal, onStarted?: (s: Scheduler) => void): Promise<void> {
  const informer = <T extends KubeObject>(ref: typeof resources.pods): Informer<T> => new Informer<T>(client.resource<T>(ref), { log });
  const podInf = informer<Pod & KubeObject>(resources.pods);
  const nodeInf = informer<Node & KubeObject>(resources.nodes);
  const nsInf = informer<Namespace & KubeObject>(resources.namespaces);
  const pvcInf = informer<PersistentVolumeClaim & KubeObject>(resources.persistentvolumeclaims);
  const pdbInf = informer<PodDisruptionBudget & KubeObject>(resources.poddisruptionbudgets);
  const owners = [resources.services, resources.replicationcontrollers, resources.replicasets, resources.statefulsets].map((r) => informer<SelectingObject & KubeObject>(r));
  const [svcInf, rcInf, rsInf, ssInf] = owners;
  const selectors: SelectorSources = {
    services: (ns) => svcInf.lister.list(ns),
    replicationControllers: (ns) => rcInf.lister.list(ns),
    replicaSets: (ns) => rsInf.lister.list(ns),
    statefulSets: (ns) => ssInf.lister.list(ns),
  };
  const backend = new ApiBackend(client, () => pdbInf.lister.list(), (ns, name) => pvcInf.lister.get(ns, name), log, selectors);
  const scheduler = new Scheduler(backend);
  nodeInf.addEventHandler({
    onAdd: (n) => scheduler.onNodeAdd(n),
    onUpdate: (o, n) => scheduler.onNodeUpdate(o, n),
    onDelete: (n) => scheduler.onNodeDelete(n),
  });
  nsInf.addEventHandler({
    onAdd: (ns) => scheduler.onNamespace(ns.metadata.name ?? '', ns.metadata.labels),
    onUpdate: (_o, ns) => scheduler.onNamespace(ns.metadata.name ?? '', ns.metadata.labels),
    onDelete: (ns) => scheduler.onNamespace(ns.metadata.name ?? '', undefined, true),
  });
  podInf.addEventHandler({
    onAdd: (p) => scheduler.onPodAdd(p),
    onUpdate: (o, p) => scheduler.onPodUpdate(o, p),
    onDelete: (p) => scheduler.onPodDelete(p),
  });
  for (const inf of [pvcInf, pdbInf] as Informer<KubeObject>[]) {
    inf.addEventHandler({ onAdd: () => scheduler.onStorageChange(), onUpdate: () => scheduler.onStorageChange() });
  }
  const all = [nodeInf, nsInf, pvcInf, pdbInf, ...owners, podInf] as Informer<KubeObject>[];
  for (const inf of all) inf.start();
  try {
    const synced = await Promise.all(all.map((i) => i.waitForSync()));
    if (signal.aborted || !synced.every(Boolean)) return;
    scheduler.start();
    onStarted?.(scheduler);
    log.info('scheduler', 'started scheduling');
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    await scheduler.stop();
    await Promise.all(all.map((i) => i.stop()));
  }
}

export interface RunningScheduler {
  /** The scheduler of the current term, once it leads. */
  current(): Scheduler | undefined;
  stop(): Promise<void>;
}

/** Starts the scheduler in the background; it schedules while it holds the lease. */
export function startScheduler(options: RunSchedulerOptions): RunningScheduler {
  const { client, log } = options;
  const election = options.election ?? schedulerLeaseElection(client, log, options.identity);
  const abort = new AbortController();
  let current: Scheduler | undefined;
  const term = async (leading: AbortSignal): Promise<void> => {
    try {
      await runSchedulerTerm(client, log, leading, (s) => (current = s));
    } finally {
      current = undefined;
    }
  };
  const done = election.run(abort.signal, term).catch((err: unknown) => log.error('scheduler', `stopped: ${String(err)}`));
  return {
    current: () => current,
    async stop() {
      abort.abort();
      await done;
    },
  };
}
