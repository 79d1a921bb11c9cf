// Controller benchmark (`npm run bench -- controllers`), issue 6's shapes against one
// server with the scheduler disabled and no node, this process playing the kubelet
// (marking pods Running and Ready), so the figures are the controllers' and the API's
// alone. Each figure stands beside the same work done through the raw API by this
// process in the same run, with as many requests in flight as a client sends at once
// (DEFAULT_MAX_CONCURRENT_REQUESTS) and the same pod watch open:
// 1. a Deployment of REPLICAS: pods/s the ReplicaSet controller creates beside raw
//    pod creates/s; seconds to fully available beside raw create + ready;
// 2. a rolling update of it (maxSurge 25%, maxUnavailable 25%), pods marked ready as
//    they appear, beside raw create + ready of as many new pods and delete of the old;
//    for 1 and 2 also the CPU the process spent, which other load on a shared machine
//    distorts less than wall-clock rates;
// 3. DEPLOYMENTS Deployments of 30 replicas created at once: pods created/s and pods
//    available/s beside the raw rates of shape 1;
// 4. deleting a namespace holding NAMESPACE_OBJECTS objects (ConfigMaps, Secrets and
//    pods in equal parts) beside deletecollection of each kind in a twin namespace.
// Default sizes keep the run short; K8TS_BENCH_LARGE=1 runs issue 6's sizes (3,000
// replicas, 100 Deployments, 10,000 objects), and K8TS_BENCH_REPLICAS,
// K8TS_BENCH_DEPLOYMENTS and K8TS_BENCH_NAMESPACE_OBJECTS set each one.
import { createLogger } from '../src/cli/log.js';
import { startServer } from '../src/cli/server.js';
import * as resources from '../src/client/resources.js';
import { isNotFound } from '../src/client/errors.js';
import { Client, DEFAULT_MAX_CONCURRENT_REQUESTS, resourcePath } from '../src/client/rest.js';
import type { KubeObject, ResourceClient, ResourceRef } from '../src/client/types.js';
import { tempDir } from '../test/helpers/tmp.js';
import type { BenchRow } from './report.js';

const LARGE = !!process.env.K8TS_BENCH_LARGE;
const size = (name: string, small: number, large: number) => Number(process.env[name] ?? (LARGE ? large : small));
const REPLICAS = size('K8TS_BENCH_REPLICAS', 1000, 3000);
const DEPLOYMENTS = size('K8TS_BENCH_DEPLOYMENTS', 20, 100);
const DEPLOYMENT_REPLICAS = 30;
const NAMESPACE_OBJECTS = size('K8TS_BENCH_NAMESPACE_OBJECTS', 600, 10_000);
const IN_FLIGHT = DEFAULT_MAX_CONCURRENT_REQUESTS;
const TIMEOUT_MS = 900_000;

const progress = (step: string) => process.stderr.write(`controllers bench: ${step}\n`);
const seconds = (since: number) => (performance.now() - since) / 1000;
/** CPU milliseconds this process (server, controllers and the benchmark's own client) spent since `since`. */
const cpuMs = (since: NodeJS.CpuUsage) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
};

async function until(what: string, fn: () => Promise<boolean> | boolean, timeoutMs = TIMEOUT_MS): Promise<void> {
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

const labels = { app: 'bench' };
const podSpec = { containers: [{ name: 'c', image: 'nginx' }] };
const rawPod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels }, spec: podSpec });

function deployment(name: string, replicas: number, selector: Record<string, string> = labels): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: selector },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: { metadata: { labels: selector }, spec: podSpec },
    },
  };
}

interface Pod extends KubeObject {
  status?: { conditions?: { type: string; status: string }[] };
}

interface DeploymentStatus {
  metadata?: { generation?: number };
  spec?: { replicas?: number };
  status?: { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number };
}

/** Fully rolled out and available, as `kubectl rollout status` sees it (old pods gone too). */
function rolledOut(d: DeploymentStatus): boolean {
  const want = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  return (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 1) && s.updatedReplicas === want && s.replicas === want && s.availableReplicas === want;
}

/** Marks a pod Running and Ready, as a kubelet would. */
function markReady(pods: ResourceClient<KubeObject>, namespace: string, name: string): Promise<unknown> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  return pods.patch(namespace, name, 'merge', { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } }, { subresource: 'status' });
}

/**
 * The kubelet this process plays for one namespace: it watches the pods, counts
 * those it has seen, and marks them ready — all at once when asked (markAll), or
 * each as it appears once `eager` (a rollout waits for its new pods to be ready).
 */
class BenchKubelet {
  /** Pods seen so far (ADDED events, including pods deleted since). */
  added = 0;
  eager = false;
  private readonly unready: string[] = [];
  private marking = 0;
  private readonly watch;

  constructor(
    private readonly pods: ResourceClient<KubeObject>,
    private readonly namespace: string,
  ) {
    const watch = (this.watch = pods.watch(namespace));
    void (async () => {
      for await (const ev of watch) {
        const pod = ev.object as Pod;
        if (ev.type !== 'ADDED' || !pod.metadata?.name) continue;
        this.added++;
        if (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) continue;
        this.unready.push(pod.metadata.name);
        this.pump();
      }
    })();
  }

  /** Marks every pod seen and not yet marked, IN_FLIGHT at a time. */
  async markAll(): Promise<void> {
    const names = this.unready.splice(0);
    await inParallel(names.length, (i) => markReady(this.pods, this.namespace, names[i]).catch(() => undefined));
  }

  stop(): void {
    this.watch.stop();
  }

  private pump(): void {
    while (this.eager && this.marking < IN_FLIGHT && this.unready.length > 0) {
      const name = this.unready.shift()!;
      this.marking++;
      void markReady(this.pods, this.namespace, name)
        .catch(() => undefined)
        .finally(() => {
          this.marking--;
          this.pump();
        });
    }
  }
}

export async function benchControllers(): Promise<BenchRow[]> {
  const server = await startServer(
    { dataDir: tempDir('k8ts-bench-controllers'), httpsListenPort: 0, bindAddress: '127.0.0.1', serviceCidr: '10.43.0.0/16', clusterCidr: '10.42.0.0/16', disableScheduler: true },
    createLogger(0, () => undefined),
  );
  const client = await Client.fromKubeconfig(server.kubeconfigPath);
  const namespaces = client.resource(resources.namespaces);
  const pods = client.resource(resources.pods);
  const deployments = client.resource<KubeObject & DeploymentStatus>(resources.deployments);
  const kubelets: BenchKubelet[] = [];
  const kubeletFor = (namespace: string) => {
    const k = new BenchKubelet(pods, namespace);
    kubelets.push(k);
    return k;
  };
  try {
    for (const name of ['raw', 'controlled', 'many']) await namespaces.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });

    // 1. Raw creates, then a Deployment of REPLICAS.
    progress(`raw API: creating ${REPLICAS} pods, ${IN_FLIGHT} in flight`);
    const rawKubelet = kubeletFor('raw');
    const rawStart = performance.now();
    const rawCpu = process.cpuUsage();
    await inParallel(REPLICAS, (i) => pods.create('raw', rawPod(`raw-${i}`)));
    await until('raw pods seen', () => rawKubelet.added >= REPLICAS);
    const rawCreateS = seconds(rawStart);
    const rawCreateCpuMs = cpuMs(rawCpu);
    await rawKubelet.markAll();
    const rawReadyS = seconds(rawStart);

    progress(`controllers: a Deployment of ${REPLICAS} replicas`);
    const kubelet = kubeletFor('controlled');
    const start = performance.now();
    const createCpu = process.cpuUsage();
    await deployments.create('controlled', deployment('bench', REPLICAS));
    await until('all pods created', () => kubelet.added >= REPLICAS);
    const createdS = seconds(start);
    const createdCpuMs = cpuMs(createCpu);
    await kubelet.markAll();
    await until('the Deployment available', async () => rolledOut(await deployments.get('controlled', 'bench')));
    const availableS = seconds(start);
    progress(`raw ${(REPLICAS / rawCreateS).toFixed(0)} pods/s; controllers ${(REPLICAS / createdS).toFixed(0)} pods/s; available after ${availableS.toFixed(1)} s`);

    // 2. A rolling update of that Deployment, beside replacing the raw pods by hand.
    progress(`raw API: replacing ${REPLICAS} pods (create, ready, delete)`);
    rawKubelet.eager = true;
    const rawRollStart = performance.now();
    const rawRollCpu = process.cpuUsage();
    await inParallel(REPLICAS, (i) => pods.create('raw', rawPod(`raw-new-${i}`)));
    await until('new raw pods ready', () => rawKubelet.added >= 2 * REPLICAS);
    await inParallel(REPLICAS, (i) => pods.delete('raw', `raw-${i}`));
    await until('raw pods replaced', async () => (await pods.list('raw')).items.length === REPLICAS);
    const rawRollS = seconds(rawRollStart);
    const rawRollCpuMs = cpuMs(rawRollCpu);

    progress(`controllers: rolling update of ${REPLICAS} replicas, maxSurge 25%`);
    kubelet.eager = true;
    const rollStart = performance.now();
    const rollCpu = process.cpuUsage();
    await deployments.patch('controlled', 'bench', 'strategic', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } });
    await until('the rollout', async () => rolledOut(await deployments.get('controlled', 'bench')));
    const rollS = seconds(rollStart);
    const rollCpuMs = cpuMs(rollCpu);
    progress(`rollout ${rollS.toFixed(1)} s; raw replacement ${rawRollS.toFixed(1)} s`);

    // 3. Many Deployments at once.
    const total = DEPLOYMENTS * DEPLOYMENT_REPLICAS;
    progress(`controllers: ${DEPLOYMENTS} Deployments of ${DEPLOYMENT_REPLICAS} replicas at once`);
    const manyKubelet = kubeletFor('many');
    const manyStart = performance.now();
    await inParallel(DEPLOYMENTS, (i) => deployments.create('many', deployment(`d-${i}`, DEPLOYMENT_REPLICAS, { app: `d-${i}` })));
    await until('all pods created', () => manyKubelet.added >= total);
    const manyCreatedS = seconds(manyStart);
    await manyKubelet.markAll();
    await until('every Deployment available', async () => (await deployments.list('many')).items.every(rolledOut));
    const manyAvailableS = seconds(manyStart);
    progress(`${(total / manyCreatedS).toFixed(0)} pods/s created; all available after ${manyAvailableS.toFixed(1)} s`);
    for (const k of kubelets.splice(0)) k.stop();

    // 4. Deleting a namespace full of objects.
    const { namespaceS, rawDeleteS } = await benchNamespaceDeletion(client);

    return [
      { backend: 'deployment', metric: `pods created/s (${REPLICAS} replicas) vs raw API creates/s`, value: REPLICAS / createdS, baseline: REPLICAS / rawCreateS, higherIsBetter: true },
      { backend: 'deployment', metric: 'CPU ms per pod created, controllers vs raw API', value: createdCpuMs / REPLICAS, baseline: rawCreateCpuMs / REPLICAS, higherIsBetter: false },
      { backend: 'deployment', metric: `s to ${REPLICAS} available vs raw create+ready`, value: availableS, baseline: rawReadyS, higherIsBetter: false },
      { backend: 'rollout', metric: `s to roll ${REPLICAS} replicas (maxSurge 25%) vs raw create+ready+delete`, value: rollS, baseline: rawRollS, higherIsBetter: false },
      { backend: 'rollout', metric: 'CPU s of the rollout vs raw create+ready+delete', value: rollCpuMs / 1000, baseline: rawRollCpuMs / 1000, higherIsBetter: false },
      { backend: 'deployments', metric: `pods created/s (${DEPLOYMENTS}x${DEPLOYMENT_REPLICAS}) vs raw API creates/s`, value: total / manyCreatedS, baseline: REPLICAS / rawCreateS, higherIsBetter: true },
      { backend: 'deployments', metric: `pods available/s (${DEPLOYMENTS}x${DEPLOYMENT_REPLICAS}) vs raw create+ready`, value: total / manyAvailableS, baseline: REPLICAS / rawReadyS, higherIsBetter: true },
      { backend: 'namespace', metric: `s to delete ${NAMESPACE_OBJECTS} objects vs raw deletecollection`, value: namespaceS, baseline: rawDeleteS, higherIsBetter: false },
    ];
  } finally {
    for (const k of kubelets) k.stop();
    client.close();
    await server.stop();
  }
}

/** The label of the objects shape 4 fills namespaces with (the namespace also holds kube-root-ca.crt and the default ServiceAccount). */
const filler = { 'bench-filler': 'true' };
const fillerSelector = 'bench-filler=true';
const namespaceKinds: { ref: ResourceRef; object: (name: string) => KubeObject }[] = [
  { ref: resources.configmaps, object: (name) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: filler }, data: { key: 'value' } }) },
  { ref: resources.secrets, object: (name) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, labels: filler }, stringData: { key: 'value' } }) },
  { ref: resources.pods, object: (name) => ({ ...rawPod(name), metadata: { name, labels: filler } }) },
];

/** Fills two namespaces alike; empties one of the filler with deletecollection per kind, deletes the other. */
async function benchNamespaceDeletion(client: Client): Promise<{ namespaceS: number; rawDeleteS: number }> {
  const namespaces = client.resource(resources.namespaces);
  const perKind = Math.ceil(NAMESPACE_OBJECTS / namespaceKinds.length);
  for (const ns of ['full-raw', 'full']) {
    progress(`filling namespace ${ns} with ${perKind * namespaceKinds.length} objects`);
    await namespaces.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    for (const kind of namespaceKinds) {
      const objects = client.resource(kind.ref);
      await inParallel(perKind, (i) => objects.create(ns, kind.object(`o-${i}`)));
    }
  }
  const empty = async (ns: string) => {
    for (const kind of namespaceKinds) if ((await client.resource(kind.ref).list(ns, { labelSelector: fillerSelector, limit: 1 })).items.length > 0) return false;
    return true;
  };

  progress('raw API: deletecollection of each kind');
  const rawStart = performance.now();
  for (const kind of namespaceKinds) await client.request('DELETE', resourcePath(kind.ref, 'full-raw'), { query: { labelSelector: fillerSelector } });
  await until('the raw namespace empty', () => empty('full-raw'));
  const rawDeleteS = seconds(rawStart);

  progress('controllers: deleting the namespace');
  const start = performance.now();
  await namespaces.delete(undefined, 'full');
  await until('the namespace gone', () =>
    namespaces.get(undefined, 'full').then(
      () => false,
      (err: unknown) => {
        if (isNotFound(err)) return true;
        throw err;
      },
    ),
  );
  const namespaceS = seconds(start);
  progress(`namespace deleted in ${namespaceS.toFixed(1)} s; raw deletecollection ${rawDeleteS.toFixed(1)} s`);
  return { namespaceS, rawDeleteS };
}
