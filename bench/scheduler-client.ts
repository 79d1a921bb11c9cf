// The scheduler benchmark's client on a thread of its own, as scheduler_perf's client runs on
// other cores than the API server: it creates the pods, watches them get bound, and plays the
// kubelets' part for preemption victims. Times are epoch milliseconds (threads have their own
// performance.now() origins).
import { parentPort, workerData } from 'node:worker_threads';
import { Client } from '../src/client/rest.js';
import * as resources from '../src/client/resources.js';
import { runConcurrently } from './pool.js';
import { CONCURRENCY, pod, shapes, type PodLike, type Shape } from './scheduler-shapes.js';

export type ClientRequest = { op: 'baseline' | 'init' | 'measure'; shape: string } | { op: 'close' };
export interface ClientAnswer {
  /** Per pod, index order: create latency (baseline), or creation and binding times (measure). */
  latencies?: number[];
  created?: number[];
  bound?: number[];
  ms?: number;
  error?: string;
}

export const epochMs = (): number => performance.timeOrigin + performance.now();

async function serve(port: NonNullable<typeof parentPort>, kubeconfigPath: string): Promise<void> {
  const client = await Client.fromKubeconfig(kubeconfigPath);
  const podsApi = client.resource<PodLike>(resources.pods);
  const bound = new Map<string, number>();
  // Names still awaited by the request in progress, and how to tell it they are all bound.
  let awaited = new Set<string>();
  let allBoundNow = (): void => undefined;
  // One watch of the measured namespace: bindings, and victims to finish (a terminating pod goes at once).
  const watch = podsApi.watch('bench');
  void (async () => {
    for await (const ev of watch) {
      const m = ev.object.metadata;
      if (ev.type === 'MODIFIED' && m?.deletionTimestamp) podsApi.delete('bench', m.name ?? '', { gracePeriodSeconds: 0 }).catch(() => undefined);
      if (!m?.name || !ev.object.spec?.nodeName || bound.has(m.name)) continue;
      bound.set(m.name, epochMs());
      if (awaited.delete(m.name) && awaited.size === 0) allBoundNow();
    }
  })();
  const allBound = (names: string[]) =>
    new Promise<void>((resolve) => {
      awaited = new Set(names.filter((n) => !bound.has(n)));
      allBoundNow = resolve;
      if (awaited.size === 0) resolve();
    });
  const byName = (name: string): Shape => shapes('large').find((s) => s.name === name) as Shape;

  const handle = async (req: ClientRequest): Promise<ClientAnswer> => {
    if (req.op === 'close') {
      watch.stop();
      client.close();
      return {};
    }
    const shape = byName(req.shape);
    if (req.op === 'baseline') {
      const start = epochMs();
      const { latencies } = await runConcurrently(shape.pods, CONCURRENCY, (i) => podsApi.create('baseline', pod(`b-${i}`, { schedulerName: 'nobody' })));
      return { latencies, ms: epochMs() - start };
    }
    const make = req.op === 'init' ? (shape.initPod as (i: number) => PodLike) : (i: number) => shape.pod(i);
    const count = req.op === 'init' ? shape.initPods : shape.pods;
    const created = new Array<number>(count);
    const names = new Array<string>(count);
    await runConcurrently(count, CONCURRENCY, async (i) => {
      const p = make(i);
      names[i] = p.metadata?.name ?? '';
      created[i] = epochMs();
      await podsApi.create('bench', p);
    });
    await allBound(names);
    return { created, bound: names.map((n) => bound.get(n) as number) };
  };
  port.on('message', (req: ClientRequest) => {
    handle(req).then(
      (answer) => port.postMessage(answer),
      (err: Error) => port.postMessage({ error: err.stack ?? err.message } satisfies ClientAnswer),
    );
  });
}

if (parentPort) void serve(parentPort, (workerData as { kubeconfigPath: string }).kubeconfigPath);
