// The scheduler and the controller manager of `k8ts server`, on a thread of their own: they
// reach the API server over its loopback socket as separate processes would (upstream runs them
// as kube-scheduler and kube-controller-manager), so their informers, scheduling cycles and
// reconcile loops use the second core instead of the API server's event loop.
import { parentPort, workerData } from 'node:worker_threads';
import { Client, type ClientConfig } from '../client/rest.js';
import { startControllerManager, type RunningControllerManager } from '../controllers/manager.js';
import type { ControllerConfig } from '../controllers/context.js';
import type { CertificateAuthority } from '../pki/index.js';
import { startScheduler, type RunningScheduler } from '../scheduler/run.js';
import type { Level, Logger } from './log.js';

export interface ControlPlaneWorkerData {
  client: ClientConfig;
  scheduler: boolean;
  /** False after the server stopped the controller manager alone (a restarted thread leaves it stopped). */
  controllerManager: boolean;
  controllerConfig: ControllerConfig;
  signingCA: CertificateAuthority;
  /** Whether debug lines are wanted (each line crosses threads). */
  debug: boolean;
}

export type ControlPlaneRequest =
  | { id: number; op: 'stop-controller-manager'; releaseLease: boolean }
  | { id: number; op: 'stop' }
  | { id: number; op: 'status' };

/** What the parent can ask of the components. */
export interface ControlPlaneStatus {
  /** Controllers running (empty while another server leads). */
  controllers: string[];
  /** Present while this scheduler leads. */
  scheduler?: { nodes: number; stats: { cycles: number; cycleMs: number; bound: number } };
}

export type ControlPlaneMessage = { log: [Level, string, string] } | { id: number; value?: ControlPlaneStatus; error?: string };

function workerLogger(port: NonNullable<typeof parentPort>, debug: boolean): Logger {
  const send = (level: Level, component: string, msg: string) => port.postMessage({ log: [level, component, msg] } satisfies ControlPlaneMessage);
  return {
    debug: (c, m) => debug && send('debug', c, m),
    info: (c, m) => send('info', c, m),
    warn: (c, m) => send('warn', c, m),
    error: (c, m) => send('error', c, m),
  };
}

function run(port: NonNullable<typeof parentPort>, data: ControlPlaneWorkerData): void {
  const log = workerLogger(port, data.debug);
  const clients: Client[] = [];
  const client = (userAgent: string) => {
    const c = new Client({ ...data.client, userAgent });
    clients.push(c);
    return c;
  };
  const scheduler: RunningScheduler | undefined = data.scheduler ? startScheduler({ client: client('k8ts-scheduler'), log }) : undefined;
  const controllerManager: RunningControllerManager | undefined = data.controllerManager
    ? startControllerManager(client('kube-controller-manager'), log, { config: data.controllerConfig, signingCA: data.signingCA })
    : undefined;
  let controllersStopped: Promise<void> | undefined;
  const stopControllers = (releaseLease: boolean) => (controllersStopped ??= controllerManager?.stop({ releaseLease }) ?? Promise.resolve());

  const status = (): ControlPlaneStatus => {
    const current = scheduler?.current();
    return {
      controllers: controllersStopped ? [] : (controllerManager?.manager.runningControllers() ?? []),
      scheduler: current && { nodes: current.cache.nodeCount(), stats: { ...current.stats } },
    };
  };
  const handle = async (req: ControlPlaneRequest): Promise<ControlPlaneStatus | undefined> => {
    switch (req.op) {
      case 'status':
        return status();
      case 'stop-controller-manager':
        await stopControllers(req.releaseLease);
        return undefined;
      case 'stop':
        await Promise.all([stopControllers(true), scheduler?.stop()]);
        for (const c of clients) c.close();
        return undefined;
    }
  };
  port.on('message', (req: ControlPlaneRequest) => {
    handle(req).then(
      (value) => port.postMessage({ id: req.id, value } satisfies ControlPlaneMessage),
      (err: Error) => port.postMessage({ id: req.id, error: err.stack ?? err.message } satisfies ControlPlaneMessage),
    );
  });
}

if (parentPort) run(parentPort, workerData as ControlPlaneWorkerData);
