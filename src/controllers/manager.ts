// The controller manager: runs every controller while this process holds the
// `kube-controller-manager` Lease in kube-system, and stops them when it loses it.
// Each term of leadership gets a fresh context (fresh informers), so a manager
// that regains the lease starts from the cluster's current state.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { EventRecorder } from '../client/events.js';
import { SharedInformerFactory } from '../client/informer-factory.js';
import * as resources from '../client/resources.js';
import type { Client } from '../client/rest.js';
import type { Logger } from '../cli/log.js';
import type { CertificateAuthority } from '../pki/index.js';
import type { Controller, ControllerConfig, ControllerContext } from './context.js';
import { LeaseElection } from './controller-utils/leaderelection.js';
import { controllers } from './index.js';

/** Upstream kube-controller-manager's election: the lease and its timings. */
export const CONTROLLER_MANAGER_LEASE = { namespace: 'kube-system', name: 'kube-controller-manager' } as const;
export const LEASE_DURATION_SECONDS = 15;
export const RENEW_DEADLINE_SECONDS = 10;
export const RETRY_PERIOD_SECONDS = 2;

/** Campaigns for the lease until `signal` aborts; calls `lead` for each term, aborting `leading` when the term ends. */
export interface LeaderElection {
  run(signal: AbortSignal, lead: (leading: AbortSignal) => Promise<void>): Promise<void>;
}

export interface ControllerManagerOptions {
  controllers: readonly Controller[];
  election: LeaderElection;
  /** A new context for a term of leadership; its informers live as long as `signal`. */
  newContext(signal: AbortSignal): ControllerContext;
  log: Logger;
}

export class ControllerManager {
  private readonly running = new Set<string>();

  constructor(private readonly options: ControllerManagerOptions) {}

  /** Names of the controllers currently running (this manager is the leader while non-empty). */
  runningControllers(): string[] {
    return [...this.running].sort();
  }

  /** Runs until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    await this.options.election.run(signal, (leading) => this.lead(leading));
  }

  private async lead(leading: AbortSignal): Promise<void> {
    const { log } = this.options;
    log.info('controller-manager', 'became leader; starting controllers');
    // Every controller and its queue listen for the end of the term.
    setMaxListeners(0, leading);
    const ctx = this.options.newContext(leading);
    const started = this.options.controllers.map((c) => this.startOne(c, ctx, leading));
    ctx.informers.start();
    await Promise.all(started);
    await ctx.informers.stop();
    log.info('controller-manager', 'stopped leading; controllers stopped');
  }

  private async startOne(controller: Controller, base: ControllerContext, leading: AbortSignal): Promise<void> {
    const { log } = this.options;
    const ctx: ControllerContext = {
      ...base,
      log: {
        debug: (m) => log.debug(controller.name, m),
        info: (m) => log.info(controller.name, m),
        warn: (m) => log.warn(controller.name, m),
        error: (m) => log.error(controller.name, m),
      },
    };
    this.running.add(controller.name);
    try {
      await controller.start(ctx, leading);
      // A controller whose start returns early keeps its handlers until the term ends.
      if (!leading.aborted) await new Promise<void>((resolve) => leading.addEventListener('abort', () => resolve(), { once: true }));
    } catch (err) {
      if (!leading.aborted) log.error(controller.name, `controller failed: ${(err as Error).stack ?? String(err)}`);
    } finally {
      this.running.delete(controller.name);
    }
  }
}

export interface RunningControllerManager {
  manager: ControllerManager;
  /** Stops the controllers and gives up the lease (or, with releaseLease false, leaves it to expire like a crash). */
  stop(options?: { releaseLease?: boolean }): Promise<void>;
}

/** Starts the controller manager of `k8ts server` as a client of the API (election, informers, events). */
export function startControllerManager(client: Client, log: Logger, options: { identity?: string; controllers?: readonly Controller[]; config?: ControllerConfig; signingCA?: CertificateAuthority } = {}): RunningControllerManager {
  const identity = options.identity ?? `${hostname()}_${randomUUID()}`;
  const election = new LeaseElection({
    leases: client.resource(resources.leases),
    ...CONTROLLER_MANAGER_LEASE,
    identity,
    leaseDurationSeconds: LEASE_DURATION_SECONDS,
    renewDeadlineSeconds: RENEW_DEADLINE_SECONDS,
    retryPeriodSeconds: RETRY_PERIOD_SECONDS,
    log,
  });
  const manager = new ControllerManager({
    controllers: options.controllers ?? controllers,
    election,
    log,
    newContext: () => {
      const informers = new SharedInformerFactory(client, { log });
      return {
        client,
        config: options.config,
        informers,
        rootCAPem: client.config.caPem,
        signingCA: options.signingCA,
        recorder: (component) => new EventRecorder(client, { component, log }),
        log: { debug: (m) => log.debug('controller-manager', m), info: (m) => log.info('controller-manager', m), warn: (m) => log.warn('controller-manager', m), error: (m) => log.error('controller-manager', m) },
      };
    },
  });
  const stopping = new AbortController();
  const running = manager.run(stopping.signal).catch((err: Error) => log.error('controller-manager', `stopped: ${err.stack ?? err.message}`));
  return {
    manager,
    async stop({ releaseLease = true } = {}) {
      election.releaseOnStop = releaseLease;
      stopping.abort();
      await running;
    },
  };
}
