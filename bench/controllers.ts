// Controller benchmark (`npm run bench -- controllers`): issue 6's shapes on NODES
// hollow nodes (a `k8ts agent` child process) with the real scheduler, so every pod
// is scheduled, run and marked Ready by the real kubelet code. Each figure stands
// beside the same work done through the raw API in the same run (its pods created
// from a client thread, as the controller manager has a thread of its own), with as
// many requests in flight as a client sends at once (DEFAULT_MAX_CONCURRENT_REQUESTS)
// and the same pod watch open:
// 1. a Deployment of REPLICAS: pods/s the ReplicaSet controller creates beside raw
//    pod creates/s; seconds to fully available beside raw create + Ready;
// 2. a rolling update of it (maxSurge 25%, maxUnavailable 25%) beside the same rolling
//    replacement done through the raw API under the same rule (new pods created as the
//    old ones' Ready count allows; rawRollingReplacement), and beside the raw create rate
//    without any rule; for 1 and 2 also the CPU this process (API server, controllers,
//    scheduler) spent, which other load on a shared machine distorts less than wall-clock rates;
// 3. DEPLOYMENTS Deployments of 30 replicas created at once: pods created/s and pods
//    available/s beside the raw rates of shape 1;
// 4. deleting a namespace holding NAMESPACE_OBJECTS objects (ConfigMaps, Secrets and
//    running pods in equal parts) beside deletecollection of each kind in a twin
//    namespace (the namespaces of 1-3 are deleted first, to make room on the nodes).
// Besides the table it prints, per shape, the wall time and the controllers' pods/s
// as a share of the raw create rate, against issue 6's aim of 80%.
// Default sizes keep the run short; K8TS_BENCH_LARGE=1 runs issue 6's sizes (3,000
// replicas, 100 Deployments, 10,000 objects), and K8TS_BENCH_REPLICAS,
// K8TS_BENCH_DEPLOYMENTS, K8TS_BENCH_NAMESPACE_OBJECTS and K8TS_BENCH_NODES set each one.
import { createLogger } from '../src/cli/log.js';
import { startServer } from '../src/cli/server.js';
import * as resources from '../src/client/resources.js';
import { isNotFound } from '../src/client/errors.js';
import { Client, DEFAULT_MAX_CONCURRENT_REQUESTS, resourcePath } from '../src/client/rest.js';
import type { KubeObject, ResourceClient, ResourceRef } from '../src/client/types.js';
import { tempDir } from '../test/helpers/tmp.js';
import { processUsage, startHollowAgent, type HollowAgent } from './hollow-agent.js';
import type { BenchRow } from './report.js';
import { startCreateClient } from './create-client.js';
import { runConcurrently } from './pool.js';

const LARGE = !!process.env.K8TS_BENCH_LARGE;
const size = (name: string, small: number, large: number) => Number(process.env[name] ?? (LARGE ? large : small));
const NODES = size('K8TS_BENCH_NODES', 100, 100);
const REPLICAS = size('K8TS_BENCH_REPLICAS', 1000, 3000);
const DEPLOYMENTS = size('K8TS_BENCH_DEPLOYMENTS', 20, 100);
const DEPLOYMENT_REPLICAS = 30;
const NAMESPACE_OBJECTS = size('K8TS_BENCH_NAMESPACE_OBJECTS', 600, 10_000);
const IN_FLIGHT = DEFAULT_MAX_CONCURRENT_REQUESTS;
const TIMEOUT_MS = 900_000;
/** Issue 6: the controllers create pods at no less than this share of the raw API's rate. */
const AIM = 0.8;

const progress = (step: string) => process.stderr.write(`controllers bench: ${step}\n`);
const seconds = (since: number) => (performance.now() - since) / 1000;
/** CPU milliseconds this process (server, controllers, scheduler and the benchmark's own client) spent since `since`. */
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

const isReady = (pod: Pod) => !!pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

/** What a watch of one namespace's pods has seen: how many were added, and which are Ready now. */
class PodWatch {
  /** Pods seen so far (ADDED events, including pods deleted since). */
  added = 0;
  readonly ready = new Set<string>();
  private readonly watch;

  constructor(pods: ResourceClient<KubeObject>, namespace: string) {
    const watch = (this.watch = pods.watch(namespace));
    void (async () => {
      for await (const ev of watch) {
        const name = ev.object.metadata?.name;
        if (!name) continue;
        if (ev.type === 'ADDED') this.added++;
        if (ev.type !== 'DELETED' && isReady(ev.object as Pod)) this.ready.add(name);
        else this.ready.delete(name);
      }
    })();
  }

  /** Ready pods whose names start with `prefix`. */
  readyWithPrefix(prefix: string): number {
    let n = 0;
    for (const name of this.ready) if (name.startsWith(prefix)) n++;
    return n;
  }

  stop(): void {
    this.watch.stop();
  }
}

/**
 * Replaces the raw namespace's pods raw-0.. with raw-new-0.. through the raw API under the rule a
 * Deployment's rolling update keeps (maxSurge and maxUnavailable 25%): never more than REPLICAS plus
 * the surge, never fewer than REPLICAS minus the unavailable allowance Ready (the old pods are Ready).
 * Creates and deletes go out as soon as the rule allows, with no slow start and no status round trips:
 * what a client rolling pods by hand at best does. Returns the seconds until the last new pod was created.
 */
async function rawRollingReplacement(watch: PodWatch, pods: ResourceClient<KubeObject>, creator: ReturnType<typeof startCreateClient>): Promise<number> {
  const surge = Math.ceil(REPLICAS * 0.25);
  const minReady = REPLICAS - Math.floor(REPLICAS * 0.25);
  const start = performance.now();
  let created = 0;
  let deleted = 0;
  let createdS = 0;
  for (;;) {
    const newReady = watch.readyWithPrefix('raw-new-');
    const oldLeft = REPLICAS - deleted;
    if (newReady >= REPLICAS && oldLeft === 0) return createdS;
    const toCreate = Math.min(REPLICAS - created, REPLICAS + surge - (created + oldLeft));
    const toDelete = Math.min(oldLeft, oldLeft + newReady - minReady);
    const work: Promise<unknown>[] = [];
    if (toCreate > 0) {
      work.push(creator.run({ namespace: 'raw', from: created, total: toCreate, concurrency: IN_FLIGHT, prefix: 'raw-new-', template: rawPod('') }));
      created += toCreate;
    }
    if (toDelete > 0) {
      const first = deleted;
      work.push(runConcurrently(toDelete, IN_FLIGHT, (i) => pods.delete('raw', `raw-${first + i}`)));
      deleted += toDelete;
    }
    if (work.length > 0) await Promise.all(work);
    else await new Promise((r) => setTimeout(r, 10));
    if (created === REPLICAS && !createdS) createdS = seconds(start);
  }
}

/** One shape's headline: wall time, and pods/s the controllers created beside the raw API's create rate. */
interface ShapeSummary {
  shape: string;
  wallS: number;
  controllerRate: number;
  rawRate: number;
  /** What the rates count, when not pods created. */
  unit?: string;
}

function summaryLine(s: ShapeSummary): string {
  const ratio = s.controllerRate / s.rawRate;
  const unit = s.unit ?? 'pods created/s';
  return `${s.shape}: ${s.wallS.toFixed(1)} s; ${unit} ${s.controllerRate.toFixed(0)} vs raw API ${s.rawRate.toFixed(0)} = ${(ratio * 100).toFixed(0)}% (aim ${AIM * 100}%: ${ratio >= AIM ? 'met' : 'not met'})`;
}

async function namespaceGone(namespaces: ResourceClient<KubeObject>, name: string): Promise<boolean> {
  return namespaces.get(undefined, name).then(
    () => false,
    (err: unknown) => {
      if (isNotFound(err)) return true;
      throw err;
    },
  );
}

export async function benchControllers(): Promise<BenchRow[]> {
  const server = await startServer(
    // The hollow nodes share two cores with the server: a long grace period keeps a late heartbeat from tainting them.
    { dataDir: tempDir('k8ts-bench-controllers'), httpsListenPort: 0, bindAddress: '127.0.0.1', serviceCidr: '10.43.0.0/16', clusterCidr: '10.42.0.0/16', nodeMonitorGracePeriodMs: 300_000 },
    createLogger(0, () => undefined),
  );
  const client = await Client.fromKubeconfig(server.kubeconfigPath);
  const namespaces = client.resource(resources.namespaces);
  const pods = client.resource(resources.pods);
  const deployments = client.resource<KubeObject & DeploymentStatus>(resources.deployments);
  const watches: PodWatch[] = [];
  const watchPods = (namespace: string) => {
    const w = new PodWatch(pods, namespace);
    watches.push(w);
    return w;
  };
  let agent: HollowAgent | undefined;
  // The raw API's pods come from a thread of their own, as the controllers' do (the controller manager has its thread).
  const rawClient = startCreateClient(client.config);
  try {
    agent = await startHollowAgent(client, server.kubeconfigPath, { count: NODES, prefix: 'bench', timeoutMs: 300_000, progress });
    progress(`${NODES} hollow nodes Ready`);
    for (const name of ['raw', 'controlled', 'many']) await namespaces.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    const agentCpu0 = processUsage(agent.pid).cpuSeconds;
    const runStart = performance.now();

    // 1. Raw creates, then a Deployment of REPLICAS.
    progress(`raw API: creating ${REPLICAS} pods, ${IN_FLIGHT} in flight`);
    const raw = watchPods('raw');
    const rawStart = performance.now();
    const rawCpu = process.cpuUsage();
    await rawClient.run({ namespace: 'raw', total: REPLICAS, concurrency: IN_FLIGHT, prefix: 'raw-', template: rawPod('') });
    await until('raw pods seen', () => raw.added >= REPLICAS);
    const rawCreateS = seconds(rawStart);
    const rawCreateCpuMs = cpuMs(rawCpu);
    await until('raw pods Ready', () => raw.ready.size >= REPLICAS);
    const rawReadyS = seconds(rawStart);
    const rawRate = REPLICAS / rawCreateS;

    progress(`controllers: a Deployment of ${REPLICAS} replicas`);
    const controlled = watchPods('controlled');
    const start = performance.now();
    const createCpu = process.cpuUsage();
    await deployments.create('controlled', deployment('bench', REPLICAS));
    await until('all pods created', () => controlled.added >= REPLICAS);
    const createdS = seconds(start);
    const createdCpuMs = cpuMs(createCpu);
    await until('the Deployment available', async () => rolledOut(await deployments.get('controlled', 'bench')));
    const availableS = seconds(start);
    const shapes: ShapeSummary[] = [{ shape: `Deployment of ${REPLICAS}`, wallS: availableS, controllerRate: REPLICAS / createdS, rawRate }];
    progress(summaryLine(shapes[0]));

    // 2. A rolling update of that Deployment, beside the same rolling replacement done through the raw API.
    progress(`raw API: rolling replacement of ${REPLICAS} pods (maxSurge and maxUnavailable 25%)`);
    const rawRollStart = performance.now();
    const rawRollCpu = process.cpuUsage();
    const rawRollCreatedS = await rawRollingReplacement(raw, pods, rawClient);
    await until('raw pods replaced', async () => (await pods.list('raw')).items.length === REPLICAS);
    const rawRollS = seconds(rawRollStart);
    const rawRollCpuMs = cpuMs(rawRollCpu);
    const rawRollRate = REPLICAS / rawRollCreatedS;

    progress(`controllers: rolling update of ${REPLICAS} replicas, maxSurge 25%`);
    const rollStart = performance.now();
    const rollCpu = process.cpuUsage();
    await deployments.patch('controlled', 'bench', 'strategic', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2' }] } } } });
    await until('all new pods created', () => controlled.added >= 2 * REPLICAS);
    const rollCreatedS = seconds(rollStart);
    await until('the rollout', async () => rolledOut(await deployments.get('controlled', 'bench')));
    const rollS = seconds(rollStart);
    const rollCpuMs = cpuMs(rollCpu);
    shapes.push({ shape: `rolling update of ${REPLICAS} (maxSurge 25%)`, wallS: rollS, controllerRate: REPLICAS / rollCreatedS, rawRate: rawRollRate });
    progress(`${summaryLine(shapes[1])}; raw rolling replacement ${rawRollS.toFixed(1)} s; raw create rate without the rule ${rawRate.toFixed(0)}/s`);

    // 3. Many Deployments at once.
    const total = DEPLOYMENTS * DEPLOYMENT_REPLICAS;
    progress(`controllers: ${DEPLOYMENTS} Deployments of ${DEPLOYMENT_REPLICAS} replicas at once`);
    const many = watchPods('many');
    const manyStart = performance.now();
    await runConcurrently(DEPLOYMENTS, IN_FLIGHT, (i) => deployments.create('many', deployment(`d-${i}`, DEPLOYMENT_REPLICAS, { app: `d-${i}` })));
    await until('all pods created', () => many.added >= total);
    const manyCreatedS = seconds(manyStart);
    await until('every Deployment available', async () => (await deployments.list('many')).items.every(rolledOut));
    const manyAvailableS = seconds(manyStart);
    shapes.push({ shape: `${DEPLOYMENTS} Deployments of ${DEPLOYMENT_REPLICAS} at once`, wallS: manyAvailableS, controllerRate: total / manyCreatedS, rawRate });
    progress(summaryLine(shapes[2]));
    for (const w of watches.splice(0)) w.stop();

    // 4. Deleting a namespace full of objects, once the pods of 1-3 are gone.
    const cleanStart = performance.now();
    for (const name of ['raw', 'controlled', 'many']) await namespaces.delete(undefined, name);
    for (const name of ['raw', 'controlled', 'many']) await until(`namespace ${name} gone`, () => namespaceGone(namespaces, name));
    progress(`namespaces of shapes 1-3 deleted in ${seconds(cleanStart).toFixed(1)} s`);
    const { namespaceS, rawDeleteS, objects } = await benchNamespaceDeletion(client);
    shapes.push({ shape: `namespace of ${objects} objects`, wallS: namespaceS, controllerRate: objects / namespaceS, rawRate: objects / rawDeleteS, unit: 'objects deleted/s' });
    progress(summaryLine(shapes[3]));

    const agentCpuS = processUsage(agent.pid).cpuSeconds - agentCpu0;
    const runS = seconds(runStart);
    console.log(`\n# controllers on ${NODES} hollow nodes, per shape (ratio: the controllers' rate as a share of the raw API's)`);
    for (const s of shapes) console.log(summaryLine(s));
    console.log(`hollow node agent: ${agentCpuS.toFixed(1)} CPU s over ${runS.toFixed(0)} s (${((agentCpuS / runS) * 100).toFixed(0)}% of a core)\n`);

    return [
      { backend: 'deployment', metric: `pods created/s (${REPLICAS} replicas) vs raw API creates/s`, value: REPLICAS / createdS, baseline: rawRate, higherIsBetter: true },
      { backend: 'deployment', metric: 'CPU ms per pod created, controllers vs raw API', value: createdCpuMs / REPLICAS, baseline: rawCreateCpuMs / REPLICAS, higherIsBetter: false },
      { backend: 'deployment', metric: `s to ${REPLICAS} available vs raw create+Ready`, value: availableS, baseline: rawReadyS, higherIsBetter: false },
      { backend: 'rollout', metric: `new pods created/s (maxSurge 25%) vs raw rolling replacement creates/s`, value: REPLICAS / rollCreatedS, baseline: rawRollRate, higherIsBetter: true },
      { backend: 'rollout', metric: `new pods created/s (maxSurge 25%) vs raw API creates/s (no rule)`, value: REPLICAS / rollCreatedS, baseline: rawRate, higherIsBetter: true },
      { backend: 'rollout', metric: `s to roll ${REPLICAS} replicas vs raw rolling replacement`, value: rollS, baseline: rawRollS, higherIsBetter: false },
      { backend: 'rollout', metric: 'CPU s of the rollout vs raw rolling replacement', value: rollCpuMs / 1000, baseline: rawRollCpuMs / 1000, higherIsBetter: false },
      { backend: 'deployments', metric: `pods created/s (${DEPLOYMENTS}x${DEPLOYMENT_REPLICAS}) vs raw API creates/s`, value: total / manyCreatedS, baseline: rawRate, higherIsBetter: true },
      { backend: 'deployments', metric: `pods available/s (${DEPLOYMENTS}x${DEPLOYMENT_REPLICAS}) vs raw create+Ready`, value: total / manyAvailableS, baseline: REPLICAS / rawReadyS, higherIsBetter: true },
      { backend: 'namespace', metric: `s to delete ${objects} objects vs raw deletecollection`, value: namespaceS, baseline: rawDeleteS, higherIsBetter: false },
    ];
  } finally {
    for (const w of watches) w.stop();
    await agent?.stop();
    await rawClient.close();
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

/**
 * Fills two namespaces alike and waits for their pods to be Ready on the nodes; empties one of
 * the filler with deletecollection per kind, deletes the other.
 */
async function benchNamespaceDeletion(client: Client): Promise<{ namespaceS: number; rawDeleteS: number; objects: number }> {
  const namespaces = client.resource(resources.namespaces);
  const perKind = Math.ceil(NAMESPACE_OBJECTS / namespaceKinds.length);
  for (const ns of ['full-raw', 'full']) {
    progress(`filling namespace ${ns} with ${perKind * namespaceKinds.length} objects`);
    await namespaces.create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const pods = new PodWatch(client.resource(resources.pods), ns);
    try {
      for (const kind of namespaceKinds) {
        const objects = client.resource(kind.ref);
        await runConcurrently(perKind, IN_FLIGHT, (i) => objects.create(ns, kind.object(`o-${i}`)));
      }
      await until(`the pods of ${ns} Ready`, () => pods.ready.size >= perKind);
    } finally {
      pods.stop();
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
  await until('the namespace gone', () => namespaceGone(namespaces, 'full'));
  const namespaceS = seconds(start);
  progress(`namespace deleted in ${namespaceS.toFixed(1)} s; raw deletecollection ${rawDeleteS.toFixed(1)} s`);
  return { namespaceS, rawDeleteS, objects: perKind * namespaceKinds.length };
}
