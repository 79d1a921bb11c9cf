// Controller benchmark (`npm run bench -- controllers`): a Deployment of 3,000
// replicas. Figures, each beside a baseline measured in the same run against the
// same server:
// 1. pods/s the ReplicaSet controller creates (Deployment created → 3,000 pods
//    exist) beside the raw API create rate of this process creating 3,000 pods
//    with 16 requests in flight;
// 2. seconds to a fully available Deployment, this process playing the kubelet
//    once every pod exists (marking each Ready, 16 in flight), beside the same
//    process creating and marking 3,000 pods itself with no controller at all.
// The scheduler is disabled and no node runs, so the figures are the
// controllers' and the API's alone. K8TS_BENCH_REPLICAS shrinks it for a quick try.
import { createLogger } from '../src/cli/log.js';
import { startServer } from '../src/cli/server.js';
import * as resources from '../src/client/resources.js';
import { Client } from '../src/client/rest.js';
import type { KubeObject, ResourceClient } from '../src/client/types.js';
import { tempDir } from '../test/helpers/tmp.js';
import type { BenchRow } from './report.js';

const REPLICAS = Number(process.env.K8TS_BENCH_REPLICAS ?? 3000);
const IN_FLIGHT = 16;

const progress = (step: string) => process.stderr.write(`controllers bench: ${step}\n`);

async function until(what: string, fn: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function inParallel(count: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < count) await fn(next++);
  }));
}

const podTemplate = { metadata: { labels: { app: 'bench' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } };

/** Marks a pod Running and Ready, as a kubelet would. */
function markReady(pods: ResourceClient<KubeObject>, namespace: string, name: string): Promise<unknown> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return pods.patch(namespace, name, 'merge', { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } }, { subresource: 'status' });
}

/** Watches the pods of a namespace and marks each one ready once, as soon as it is seen. */
function playKubelet(pods: ResourceClient<KubeObject>, namespace: string) {
  const watch = pods.watch(namespace);
  const seen = new Set<string>();
  void (async () => {
    for await (const ev of watch) {
      const name = ev.object.metadata?.name;
      if (ev.type === 'ADDED' && name) seen.add(name);
    }
  })();
  return {
    seen,
    stop: () => watch.stop(),
    /** Marks every pod seen so far ready, IN_FLIGHT at a time. */
    markAll: () => {
      const names = [...seen];
      return inParallel(names.length, (i) => markReady(pods, namespace, names[i]).catch(() => undefined));
    },
  };
}

export async function benchControllers(): Promise<BenchRow[]> {
  const server = await startServer(
    { dataDir: tempDir('k8ts-bench-controllers'), httpsListenPort: 0, bindAddress: '127.0.0.1', serviceCidr: '10.43.0.0/16', clusterCidr: '10.42.0.0/16', disableScheduler: true },
    createLogger(0, () => undefined),
  );
  const client = await Client.fromKubeconfig(server.kubeconfigPath);
  const namespaces = client.resource(resources.namespaces);
  const pods = client.resource(resources.pods);
  const deployments = client.resource(resources.deployments);
  try {
    for (const name of ['raw', 'controlled']) await namespaces.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

    progress(`raw API: creating ${REPLICAS} pods, ${IN_FLIGHT} in flight`);
    const rawStart = performance.now();
    await inParallel(REPLICAS, (i) => pods.create('raw', { apiVersion: 'v1', kind: 'Pod', metadata: { name: `raw-${i}`, labels: podTemplate.metadata.labels }, spec: podTemplate.spec }));
    const rawCreateS = (performance.now() - rawStart) / 1000;
    await inParallel(REPLICAS, (i) => markReady(pods, 'raw', `raw-${i}`));
    const rawTotalS = (performance.now() - rawStart) / 1000;

    progress(`controllers: a Deployment of ${REPLICAS} replicas`);
    const kubelet = playKubelet(pods, 'controlled');
    const start = performance.now();
    await deployments.create('controlled', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'bench' },
      spec: { replicas: REPLICAS, selector: { matchLabels: podTemplate.metadata.labels }, template: podTemplate },
    });
    await until('all pods created', async () => kubelet.seen.size >= REPLICAS, 600_000);
    const createdS = (performance.now() - start) / 1000;
    await kubelet.markAll();
    await until('the Deployment available', async () => {
      const d = (await deployments.get('controlled', 'bench')) as { status?: { availableReplicas?: number } };
      return (d.status?.availableReplicas ?? 0) >= REPLICAS;
    }, 600_000);
    const availableS = (performance.now() - start) / 1000;
    kubelet.stop();
    progress(`raw ${(REPLICAS / rawCreateS).toFixed(0)} pods/s; controllers ${(REPLICAS / createdS).toFixed(0)} pods/s; available after ${availableS.toFixed(1)} s`);
    return [
      { backend: 'deployment', metric: `pods created/s (${REPLICAS} replicas) vs raw API creates/s`, value: REPLICAS / createdS, baseline: REPLICAS / rawCreateS, higherIsBetter: true },
      { backend: 'deployment', metric: `s to ${REPLICAS} available vs raw create+ready`, value: availableS, baseline: rawTotalS, higherIsBetter: false },
    ];
  } finally {
    client.close();
    await server.stop();
  }
}
