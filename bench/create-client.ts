// A benchmark client on a thread of its own (as kubectl or a controller is another process):
// it creates pods `concurrency` at a time and reports the rate and each create's latency.
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { Client, type ClientConfig } from '../src/client/rest.js';
import * as resources from '../src/client/resources.js';
import type { KubeObject } from '../src/client/types.js';
import { runConcurrently } from './pool.js';

export interface CreateRun {
  namespace: string;
  total: number;
  concurrency: number;
  /** Pods named `${prefix}${i}` (default p), i from `from` (default 0). */
  prefix?: string;
  from?: number;
  /** The pod to create (default benchPod, which nobody schedules). */
  template?: KubeObject;
}

export interface CreateResult {
  rate: number;
  latencies: number[];
  error?: string;
}

/** A pod nobody schedules, so only the API server works. */
export function benchPod(name: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'bench' } },
    spec: { schedulerName: 'bench-nobody', containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m' } } }] },
  };
}

/** The parent's handle on a client thread. */
export function startCreateClient(config: ClientConfig): { run(r: CreateRun): Promise<CreateResult>; close(): Promise<number> } {
  const worker = new Worker(new URL('./create-client.js', import.meta.url), { workerData: config });
  return {
    run: (r) =>
      new Promise((resolve, reject) => {
        worker.once('message', (res: CreateResult) => (res.error ? reject(new Error(res.error)) : resolve(res)));
        worker.postMessage(r);
      }),
    close: () => worker.terminate(),
  };
}

if (parentPort) {
  const port = parentPort;
  const pods = new Client({ ...(workerData as ClientConfig), userAgent: 'k8ts-bench' }).resource(resources.pods);
  port.on('message', (r: CreateRun) => {
    const prefix = r.prefix ?? 'p';
    const name = (i: number) => `${prefix}${(r.from ?? 0) + i}`;
    const make = (i: number) => (r.template ? { ...r.template, metadata: { ...r.template.metadata, name: name(i) } } : benchPod(name(i)));
    runConcurrently(r.total, r.concurrency, (i) => pods.create(r.namespace, make(i))).then(
      (res) => port.postMessage(res),
      (err: Error) => port.postMessage({ rate: 0, latencies: [], error: err.stack ?? err.message }),
    );
  });
}
