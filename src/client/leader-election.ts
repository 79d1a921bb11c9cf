// Leader election on a coordination.k8s.io/v1 Lease, as client-go's
// leaderelection package does it: candidates try to acquire the Lease every
// retryPeriod; the holder renews it, and steps down when it cannot renew within
// renewDeadline; a standby takes over once the record has not changed for
// leaseDuration (timed by its own clock, never the leader's); a holder that
// stops gracefully releases the Lease so a standby takes over at once.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../cli/log.js';
import { microTimeNow } from '../machinery/time.js';
import { isAlreadyExists, isNotFound } from './errors.js';
import { leases } from './resources.js';
import type { KubeObject, ResourceClient, ResourceRef } from './types.js';

export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  /** MicroTime, e.g. 2006-01-02T15:04:05.000000Z */
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeaderCallbacks {
  /** Called when this candidate becomes leader; `leading` aborts when the term ends. */
  onStartedLeading?(leading: AbortSignal): void | Promise<void>;
  /** Called after a term ended (and onStartedLeading's promise settled). */
  onStoppedLeading?(): void;
  /** Called when the observed leader changes (including to this candidate). */
  onNewLeader?(identity: string): void;
}

export interface LeaderElectionOptions {
  /** The API client (anything with resource(ref)). */
  client: { resource<T extends KubeObject>(ref: ResourceRef): ResourceClient<T> };
  name: string;
  namespace?: string;
  identity?: string;
  leaseDurationSeconds?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  /** Release the Lease when run() is aborted while leading (default true). */
  releaseOnCancel?: boolean;
  callbacks?: LeaderCallbacks;
  log?: Logger;
}

/** client-go's default identity: the host name and a random suffix. */
export function defaultIdentity(): string {
  return `${hostname()}_${randomUUID()}`;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

export class LeaderElector {
  readonly identity: string;
  private readonly namespace: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  /** The last record seen and when (by our clock) it last changed. */
  private observed: { holder: string; renewTime: string; transitions: number; resourceVersion: string } | undefined;
  private observedAt = 0;
  private leading = false;
  private reportedLeader = '';
  private readonly leases: ResourceClient<Lease>;

  constructor(private readonly options: LeaderElectionOptions) {
    this.leases = options.client.resource<Lease>(leases);
    this.identity = options.identity ?? defaultIdentity();
    this.namespace = options.namespace ?? 'kube-system';
    this.leaseDurationMs = (options.leaseDurationSeconds ?? 15) * 1000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (this.renewDeadlineMs >= this.leaseDurationMs) throw new Error('leaseDuration must be greater than renewDeadline');
    if (this.retryPeriodMs * 1.2 >= this.renewDeadlineMs) throw new Error('renewDeadline must be greater than retryPeriod*1.2');
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** The identity holding the Lease as last observed ('' when nobody). */
  getLeader(): string {
    return this.observed?.holder ?? '';
  }

  /**
   * Campaigns until `signal` aborts: each time the Lease is won, `lead` (and
   * callbacks.onStartedLeading) run with a signal that aborts when the term ends.
   */
  async run(signal: AbortSignal, lead?: (leading: AbortSignal) => Promise<void>): Promise<void> {
    while (!signal.aborted) {
      if (!(await this.acquire(signal))) return;
      await this.term(signal, lead);
    }
  }

  /** Tries every retryPeriod until the Lease is ours; false if aborted first. */
  private async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew()) return true;
      await sleep(this.retryPeriodMs * (1 + Math.random() * 0.2), signal);
    }
    return false;
  }

  private async term(signal: AbortSignal, lead?: (leading: AbortSignal) => Promise<void>): Promise<void> {
    const leading = new AbortController();
    const stop = () => leading.abort();
    signal.addEventListener('abort', stop, { once: true });
    this.leading = true;
    this.options.log?.info('leader-election', `${this.identity} acquired lease ${this.namespace}/${this.options.name}`);
    const work = Promise.allSettled([
      Promise.resolve().then(() => this.options.callbacks?.onStartedLeading?.(leading.signal)),
      lead ? lead(leading.signal) : undefined,
    ]);
    await this.renewLoop(leading.signal);
    leading.abort();
    signal.removeEventListener('abort', stop);
    await work;
    this.leading = false;
    if (signal.aborted && this.options.releaseOnCancel !== false) await this.release();
    else this.options.log?.info('leader-election', `${this.identity} lost lease ${this.namespace}/${this.options.name}`);
    this.options.callbacks?.onStoppedLeading?.();
  }

  /** Renews every retryPeriod; returns when aborted or when a renewal did not succeed within renewDeadline. */
  private async renewLoop(leading: AbortSignal): Promise<void> {
    while (!leading.aborted) {
      await sleep(this.retryPeriodMs, leading);
      if (leading.aborted) return;
      const deadline = Date.now() + this.renewDeadlineMs;
      let renewed = false;
      while (!leading.aborted && Date.now() < deadline) {
        renewed = await this.withDeadline(this.tryAcquireOrRenew(), deadline);
        if (renewed) break;
        await sleep(this.retryPeriodMs, leading);
      }
      if (!renewed && !leading.aborted) return;
    }
  }

  private async withDeadline(attempt: Promise<boolean>, deadline: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()))));
    try {
      return await Promise.race([attempt, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** One attempt; true when this candidate holds the Lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = microTimeNow();
    const durationSeconds = Math.max(1, Math.ceil(this.leaseDurationMs / 1000));
    let current: Lease;
    try {
      current = await this.leases.get(this.namespace, this.options.name);
    } catch (err) {
      if (!isNotFound(err)) return this.failed(err);
      try {
        const created = await this.leases.create(this.namespace, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.options.name, namespace: this.namespace },
          spec: { holderIdentity: this.identity, leaseDurationSeconds: durationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 },
        });
        this.observe(created);
        return true;
      } catch (createErr) {
        return isAlreadyExists(createErr) ? false : this.failed(createErr);
      }
    }
    this.observe(current);
    const spec = current.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const heldByOther = holder !== '' && holder !== this.identity;
    if (heldByOther && Date.now() < this.observedAt + (spec.leaseDurationSeconds ?? durationSeconds) * 1000) return false;
    const takingOver = holder !== this.identity;
    const next: Lease = {
      ...current,
      spec: {
        ...spec,
        holderIdentity: this.identity,
        leaseDurationSeconds: durationSeconds,
        acquireTime: takingOver ? now : (spec.acquireTime ?? now),
        renewTime: now,
        leaseTransitions: (spec.leaseTransitions ?? 0) + (takingOver ? 1 : 0),
      },
    };
    try {
      this.observe(await this.leases.update(next));
      return true;
    } catch (err) {
      return this.failed(err);
    }
  }

  /** Gives the Lease up (holderIdentity cleared) so a standby can take it at once. */
  private async release(): Promise<void> {
    try {
      const current = await this.leases.get(this.namespace, this.options.name);
      if (current.spec?.holderIdentity !== this.identity) return;
      const now = microTimeNow();
      await this.leases.update({
        ...current,
        spec: { ...current.spec, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now },
      });
      this.options.log?.info('leader-election', `${this.identity} released lease ${this.namespace}/${this.options.name}`);
    } catch (err) {
      this.failed(err);
    }
  }

  private observe(lease: Lease): void {
    const spec = lease.spec ?? {};
    const record = {
      holder: spec.holderIdentity ?? '',
      renewTime: spec.renewTime ?? '',
      transitions: spec.leaseTransitions ?? 0,
      resourceVersion: lease.metadata?.resourceVersion ?? '',
    };
    const o = this.observed;
    if (!o || o.holder !== record.holder || o.renewTime !== record.renewTime || o.transitions !== record.transitions) {
      this.observedAt = Date.now();
    }
    this.observed = record;
    if (record.holder && record.holder !== this.reportedLeader) {
      this.reportedLeader = record.holder;
      this.options.callbacks?.onNewLeader?.(record.holder);
    }
  }

  private failed(err: unknown): false {
    this.options.log?.debug('leader-election', `${this.identity}: ${(err as Error).message}`);
    return false;
  }
}
