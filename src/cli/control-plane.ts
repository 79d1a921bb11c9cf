// The server's side of the control-plane thread (control-plane-worker.ts): starts it, relays its
// logs, answers for it, and starts it again if it dies (as a kubelet restarts a static pod).
import { Worker } from 'node:worker_threads';
import type { ControlPlaneMessage, ControlPlaneRequest, ControlPlaneStatus, ControlPlaneWorkerData } from './control-plane-worker.js';
import type { Logger } from './log.js';

export type ControlPlaneOptions = Omit<ControlPlaneWorkerData, 'debug' | 'controllerManager'>;

export interface RunningControlPlane {
  /** The controllers running now (none while another server's controller manager leads). */
  runningControllers(): Promise<string[]>;
  /** The scheduler's figures while it leads (undefined while it waits, or without a scheduler). */
  schedulerStatus(): Promise<ControlPlaneStatus['scheduler']>;
  /** Stops the controller manager alone; releaseLease false leaves its Lease to expire, like a crash. */
  stopControllerManager(options?: { releaseLease?: boolean }): Promise<void>;
  stop(): Promise<void>;
}

const RESTART_DELAY_MS = 1000;

/** A request before the id that pairs it with its answer (Omit applied to each member of the union). */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Request = WithoutId<ControlPlaneRequest>;

export function startControlPlane(options: ControlPlaneOptions, log: Logger): RunningControlPlane {
  let controllerManager = true;
  let stopping = false;
  let nextId = 0;
  const pending = new Map<number, { resolve(v: ControlPlaneStatus | undefined): void; reject(e: Error): void }>();
  let worker: Worker;
  let alive = false;
  let exited: Promise<void>;

  const spawn = () => {
    const data: ControlPlaneWorkerData = { ...options, controllerManager, debug: log.debugEnabled !== false };
    worker = new Worker(new URL('./control-plane-worker.js', import.meta.url), { workerData: data, name: 'k8ts-control-plane' });
    alive = true;
    worker.on('message', (m: ControlPlaneMessage) => {
      if ('log' in m) return log[m.log[0]](m.log[1], m.log[2]);
      const waiter = pending.get(m.id);
      pending.delete(m.id);
      if (m.error !== undefined) waiter?.reject(new Error(m.error));
      else waiter?.resolve(m.value);
    });
    worker.on('error', (err) => log.error('control-plane', `scheduler and controller manager thread failed: ${err.stack ?? err.message}`));
    exited = new Promise((resolve) =>
      worker.once('exit', (code) => {
        alive = false;
        for (const waiter of pending.values()) waiter.reject(new Error(`the control-plane thread exited (code ${code})`));
        pending.clear();
        resolve();
        if (stopping) return;
        log.error('control-plane', `scheduler and controller manager thread exited (code ${code}); starting it again in ${RESTART_DELAY_MS} ms`);
        setTimeout(() => stopping || spawn(), RESTART_DELAY_MS);
      }),
    );
  };
  const request = (req: Request): Promise<ControlPlaneStatus | undefined> =>
    new Promise((resolve, reject) => {
      if (!alive) return reject(new Error('the control-plane thread is not running'));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ ...req, id });
    });

  spawn();
  return {
    runningControllers: async () => (await request({ op: 'status' }))?.controllers ?? [],
    schedulerStatus: async () => (await request({ op: 'status' }))?.scheduler,
    async stopControllerManager({ releaseLease = true } = {}) {
      controllerManager = false;
      await request({ op: 'stop-controller-manager', releaseLease });
    },
    async stop() {
      stopping = true;
      await request({ op: 'stop' }).catch(() => undefined);
      // Whatever the components left open (a timer, a socket) must not keep the thread alive.
      await worker.terminate();
      await exited;
    },
  };
}
