// API server benchmark: creates, lists and watch fan-out through HTTPS with
// k8ts' own client (keep-alive, JSON), each figure beside what the datastore
// does for the same work in the same run (a second SQLite store, no HTTP).
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { clusterPkiPaths } from '../src/pki/index.js';
import { startServer, type RunningServer } from '../src/cli/server.js';
import { createLogger } from '../src/cli/log.js';
import { Client } from '../src/client/rest.js';
import * as resources from '../src/client/resources.js';
import type { KubeObject } from '../src/client/types.js';
import { openStore } from '../src/storage/open.js';
import type { Store } from '../src/storage/store.js';
import { tempDir } from '../test/helpers/tmp.js';
import { percentile, type BenchRow } from './report.js';
import { benchPod as pod, startCreateClient } from './create-client.js';
import { processUsage } from './hollow-agent.js';
import { runConcurrently as run } from './pool.js';

const listSize = 10_000;
const watchers = 1000;
const watchWrites = 50;

function progress(step: string): void {
  process.stderr.write(`apiserver bench: ${step}\n`);
}

async function median(fn: () => Promise<unknown>, repeat = 3): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return percentile(times, 50);
}

function bareNodeRssMiB(): number {
  const out = execFileSync(process.execPath, ['-e', 'console.log(process.memoryUsage().rss)']).toString();
  return Number(out) / 2 ** 20;
}

const rssMiB = (): number => process.memoryUsage().rss / 2 ** 20;

/**
 * `k8ts server` (API server, scheduler, controller manager; no node) as a process of its own, 2 s after it
 * wrote its kubeconfig: the server's memory without this benchmark's code and clients.
 */
async function serverProcessIdleRssMiB(): Promise<number> {
  const dataDir = tempDir('k8ts-bench-api-idle');
  const main = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'cli', 'main.js');
  const child = spawn(process.execPath, [main, 'server', '--data-dir', dataDir, '--https-listen-port', '0', '--bind-address', '127.0.0.1', '--disable-agent'], { stdio: 'ignore' });
  const exited = new Promise((r) => child.once('exit', r));
  try {
    const deadline = Date.now() + 60_000;
    while (!existsSync(join(dataDir, 'kubeconfig.yaml'))) {
      if (Date.now() > deadline) throw new Error('k8ts server did not start within 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 2000));
    return processUsage(child.pid ?? 0).rssMiB;
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

export async function benchApiServer(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const row = (metric: string, value: number, baseline: number, higherIsBetter: boolean) =>
    rows.push({ backend: 'apiserver', metric, value, baseline, higherIsBetter });

  const dataDir = tempDir('k8ts-bench-api');
  const server: RunningServer = await startServer(
    { dataDir, httpsListenPort: 0, bindAddress: '127.0.0.1', serviceCidr: '10.43.0.0/16', clusterCidr: '10.42.0.0/16' },
    createLogger(0, () => {}),
  );
  row('idle RSS of a `k8ts server` process (MiB) vs bare node', await serverProcessIdleRssMiB(), bareNodeRssMiB(), false);
  const raw: Store = await openStore({ dataDir: tempDir('k8ts-bench-raw') });
  try {
    const client = await Client.fromKubeconfig(server.kubeconfigPath, { userAgent: 'k8ts-bench' });
    const podsApi = client.resource(resources.pods);

    let created = 0;
    // The creating clients run on a thread of their own, as kubectl or a controller is another process.
    const creator = startCreateClient(client.config);
    // The floor: what an HTTPS server that only parses and re-encodes the JSON answers from the same kind of client.
    const echo = await bareHttpsEcho(dataDir);
    const echoClient = startCreateClient({ ...client.config, server: `https://127.0.0.1:${echo.port}` });
    try {
      for (const concurrency of [1, 16, 64]) {
        const total = concurrency === 1 ? 500 : 3000;
        const ns = `c${concurrency}`;
        await client.resource(resources.namespaces).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
        const api = await creator.run({ namespace: ns, total, concurrency });
        const body = Buffer.from(JSON.stringify(pod('x')));
        const store = await run(total, concurrency, (i) => raw.create(`/bench/${ns}/p${i}`, body));
        const floor = await echoClient.run({ namespace: ns, total, concurrency });
        row(`creates/s, ${concurrency} clients`, api.rate, store.rate, true);
        row(`create p50 ms, ${concurrency} clients`, percentile(api.latencies, 50), percentile(store.latencies, 50), false);
        row(`create p99 ms, ${concurrency} clients`, percentile(api.latencies, 99), percentile(store.latencies, 99), false);
        row(`bare HTTPS JSON echo/s, ${concurrency} clients (floor of any Node API) vs store`, floor.rate, store.rate, true);
        created += total;
        progress(`creates with ${concurrency} clients`);
      }
    } finally {
      await Promise.all([creator.close(), echoClient.close()]);
      echo.server.close();
    }
    row('RSS after creates (MiB) vs bare node', rssMiB(), bareNodeRssMiB(), false);

    await client.resource(resources.namespaces).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'list' } });
    await run(listSize, 64, (i) => podsApi.create('list', pod(`l${i}`)));
    const body = Buffer.from(JSON.stringify(pod('x')));
    await run(listSize, 64, (i) => raw.create(`/list/l${i}`, body));
    const rawList = await median(() => raw.list('/list/'));
    const jsonList = await median(() => podsApi.list('list'));
    const tableList = await median(() => tableRequest(server.kubeconfigPath, '/api/v1/namespaces/list/pods'));
    row(`LIST ${listSize} pods JSON (ms)`, jsonList, rawList, false);
    row(`LIST ${listSize} pods Table (ms)`, tableList, rawList, false);
    progress('lists');

    const [apiWatch, storeWatch] = [await watchLatencies(client), await rawWatchLatencies(raw)];
    row(`watch p99 ms, ${watchers} watchers`, percentile(apiWatch, 99), percentile(storeWatch, 99), false);
    row(`watch p50 ms, ${watchers} watchers`, percentile(apiWatch, 50), percentile(storeWatch, 50), false);
    row('RSS under watch load (MiB) vs bare node', rssMiB(), bareNodeRssMiB(), false);
    progress(`watch fan-out (${created + listSize} pods stored)`);
  } finally {
    await raw.close();
    await server.stop();
  }
  return rows;
}

/**
 * The least any API server written for Node does per create here: TLS with the cluster's serving
 * certificate, HTTP, a JSON body parsed and an object encoded back; no storage, no admission.
 */
async function bareHttpsEcho(dataDir: string): Promise<{ server: HttpsServer; port: number }> {
  const paths = clusterPkiPaths(dataDir);
  const server = createHttpsServer({ cert: readFileSync(paths.servingCert), key: readFileSync(paths.servingKey), ca: readFileSync(paths.caCert), requestCert: true }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const obj = JSON.parse(Buffer.concat(chunks).toString()) as KubeObject;
      obj.metadata = { ...obj.metadata, uid: randomUUID(), resourceVersion: '1', creationTimestamp: new Date().toISOString() };
      res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify(obj));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** A list as kubectl asks for it: a server-side Table. */
async function tableRequest(kubeconfig: string, path: string): Promise<void> {
  const { apiClient } = await import('../test/helpers/api.js');
  const api = await apiClient(kubeconfig);
  const res = await api.request('GET', path, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
  if (res.status !== 200) throw new Error(`table list: ${res.status}`);
}

/** Delivery latency of writes to `watchers` HTTPS watches of one namespace's ConfigMaps. */
async function watchLatencies(client: Client): Promise<number[]> {
  const cms = client.resource(resources.configmaps);
  await client.resource(resources.namespaces).create(undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'watched' } });
  const { resourceVersion } = await cms.list('watched');
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const streams = Array.from({ length: watchers }, () => cms.watch('watched', { resourceVersion }));
  const consumers = streams.map(async (w) => {
    for await (const event of w) {
      const name = event.object.metadata?.name ?? '';
      const t = sentAt.get(name);
      if (t !== undefined) latencies.push(performance.now() - t);
      if (latencies.length >= watchers * watchWrites) break;
    }
  });
  await new Promise((r) => setTimeout(r, 2000));
  for (let i = 0; i < watchWrites; i++) {
    sentAt.set(`w${i}`, performance.now());
    await cms.create('watched', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `w${i}` } });
    await new Promise((r) => setTimeout(r, 20));
  }
  await Promise.race([Promise.all(consumers), new Promise((r) => setTimeout(r, 20_000))]);
  for (const w of streams) w.stop();
  return latencies;
}

async function rawWatchLatencies(store: Store): Promise<number[]> {
  const base = await store.currentRevision();
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const watches = Array.from({ length: watchers }, () => store.watch('/watched/', { afterRevision: base }));
  const consumers = watches.map(async (w) => {
    let seen = 0;
    for await (const batch of w) {
      for (const event of batch) {
        const t = sentAt.get(event.kv.key);
        if (t !== undefined) latencies.push(performance.now() - t);
        seen++;
      }
      if (seen >= watchWrites) break;
    }
  });
  for (let i = 0; i < watchWrites; i++) {
    sentAt.set(`/watched/w${i}`, performance.now());
    await store.create(`/watched/w${i}`, Buffer.from('{}'));
    await new Promise((r) => setTimeout(r, 20));
  }
  await Promise.race([Promise.all(consumers), new Promise((r) => setTimeout(r, 20_000))]);
  for (const w of watches) w.close();
  return latencies;
}
