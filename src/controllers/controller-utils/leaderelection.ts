// Leader election on a coordination.k8s.io Lease (client-go's leaderelection
// with a LeaseLock): acquire when the holder has not renewed for the lease
// duration, renew every retry period, and give up leading when renewals fail
// for the renew deadline. Expiry is judged by the local clock from when this
// process last saw the record change, so clock skew between servers is harmless.
import type { KubeObject, ResourceClient } from '../../client/types.js';
import type { Logger } from '../../cli/log.js';
import { microTimeNow } from '../../machinery/time.js';
import type { LeaderElection } from '../manager.js';
import { isAlreadyExists, isNotFound, sleep } from './run.js';

export interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

export interface LeaseElectionOptions {
  leases: ResourceClient<Lease>;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationSeconds: number;
  renewDeadlineSeconds: number;
  retryPeriodSeconds: number;
  log: Logger;
}

export class LeaseElection implements LeaderElection {
  private observed: { record: string; at: number } | undefined;
  /** Give the lease up when stopped (ReleaseOnCancel); false leaves it to expire, as a crash would. */
  releaseOnStop = true;

  constructor(private readonly o: LeaseElectionOptions) {}

  async run(signal: AbortSignal, lead: (leading: AbortSignal) => Promise<void>): Promise<void> {
    while (!signal.aborted) {
      if (!(await this.acquire(signal))) return;
      // Stopped while the lease was being taken: the abort event has fired already.
      if (signal.aborted) {
        if (this.releaseOnStop) await this.release();
        return;
      }
      const term = new AbortController();
      const stop = () => term.abort();
      signal.addEventListener('abort', stop, { once: true });
      const leading = lead(term.signal);
      await this.renewUntilLost(term.signal);
      term.abort();
      signal.removeEventListener('abort', stop);
      await leading;
      if (signal.aborted && this.releaseOnStop) await this.release();
    }
  }

  /** Retries until this process holds the lease; false when stopped first. */
  private async acquire(signal: AbortSignal): Promise<boolean> {
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew().catch(() => false)) {
        this.o.log.info('leader-election', `successfully acquired lease ${this.o.namespace}/${this.o.name}`);
        return true;
      }
      await sleep(this.o.retryPeriodSeconds * 1000 * (1 + Math.random() * 0.2), signal);
    }
    return false;
  }

  private async renewUntilLost(term: AbortSignal): Promise<void> {
    let lastRenew = Date.now();
    while (!term.aborted) {
      await sleep(this.o.retryPeriodSeconds * 1000, term);
      if (term.aborted) return;
      if (await this.tryAcquireOrRenew().catch(() => false)) {
        lastRenew = Date.now();
      } else if (Date.now() - lastRenew > this.o.renewDeadlineSeconds * 1000) {
        this.o.log.warn('leader-election', `failed to renew lease ${this.o.namespace}/${this.o.name}: leadership lost`);
        return;
      }
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { leases, namespace, name, identity } = this.o;
    const now = microTimeNow();
    let lease: Lease;
    try {
      lease = await leases.get(namespace, name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      const spec = { holderIdentity: identity, leaseDurationSeconds: this.o.leaseDurationSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 };
      try {
        await leases.create(namespace, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec });
        return true;
      } catch (e) {
        if (isAlreadyExists(e)) return false;
        throw e;
      }
    }
    const spec = lease.spec ?? {};
    const record = `${spec.holderIdentity}|${spec.renewTime}`;
    if (this.observed?.record !== record) this.observed = { record, at: Date.now() };
    const holder = spec.holderIdentity ?? '';
    const expired = this.observed.at + (spec.leaseDurationSeconds ?? this.o.leaseDurationSeconds) * 1000 <= Date.now();
    if (holder && holder !== identity && !expired) return false;
    const next: Lease = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: this.o.leaseDurationSeconds,
        renewTime: now,
        ...(holder === identity ? {} : { acquireTime: now, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 }),
      },
    };
    const written = await leases.update(next);
    this.observed = { record: `${written.spec?.holderIdentity}|${written.spec?.renewTime}`, at: Date.now() };
    return true;
  }

  /** Gives the lease up on a clean stop so a standby need not wait for it to expire. */
  private async release(): Promise<void> {
    const { leases, namespace, name, identity } = this.o;
    try {
      const lease = await leases.get(namespace, name);
      if (lease.spec?.holderIdentity !== identity) return;
      await leases.update({ ...lease, spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTimeNow() } });
    } catch {
      // The lease expires by itself.
    }
  }
}
