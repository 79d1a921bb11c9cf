// Client library benchmark against a real k8ts server: what the client layer
// costs over a bare keep-alive HTTPS request, what an informer's sync costs over
// a bare paged list, and what the work queue costs over a plain array.
import { Agent, request } from 'node:https';
import { startTestCluster } from '../test/helpers/cluster.js';
import { Informer } from '../src/client/informer.js';
import { Client } from '../src/client/rest.js';
import { configmaps } from '../src/client/resources.js';
import { WorkQueue } from '../src/client/workqueue.js';
import { loadKubeconfig } from '../src/pki/kubeconfig.js';
import { percentile, type BenchRow } from './report.js';

function progress(step: string): void {
  process.stderr.write(`client bench: ${step} done\n`);
}

/** A bare GET over a keep-alive agent, parsing the JSON body: the baseline of every request. */
function rawGetter(server: string, tls: { ca?: string; cert?: string; key?: string }) {
  const agent = new Agent({ keepAlive: true, ...tls });
  const base = new URL(server);
  const get = (path: string) =>
    new Promise<unknown>((resolve, reject) => {
      const req = request({ host: base.hostname, port: base.port, path, agent, headers: { Accept: 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  return { get, close: () => agent.destroy() };
}

async function latencies(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

async function median(n: number, fn: () => Promise<unknown>): Promise<number> {
  return percentile(await latencies(n, fn), 50);
}

export async function benchClient(): Promise<BenchRow[]> {
  const cluster = await startTestCluster();
  const kc = await loadKubeconfig(cluster.kubeconfig);
  const client = await Client.fromKubeconfig(cluster.kubeconfig);
  const raw = rawGetter(kc.server, { ca: kc.caCertPem, cert: kc.clientCertPem, key: kc.clientKeyPem });
  const rows: BenchRow[] = [];
  try {
    const cms = client.resource(configmaps);
    await cms.create('default', { metadata: { name: 'probe' }, data: { k: 'v' } });
    const path = '/api/v1/namespaces/default/configmaps/probe';
    await latencies(50, () => raw.get(path)); // warm up both
    await latencies(50, () => cms.get('default', 'probe'));
    // Interleaved, so that load from elsewhere on the machine hits both alike.
    const viaClient: number[] = [];
    const viaRaw: number[] = [];
    for (let i = 0; i < 1000; i++) {
      viaClient.push(...(await latencies(1, () => cms.get('default', 'probe'))));
      viaRaw.push(...(await latencies(1, () => raw.get(path))));
    }
    rows.push({ backend: 'client', metric: 'GET p50 (ms)', value: percentile(viaClient, 50), baseline: percentile(viaRaw, 50), higherIsBetter: false });
    progress('GET');

    const objects = 2000;
    await cluster.kubectl(['create', 'namespace', 'bench']);
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < objects) await cms.create('bench', { metadata: { name: `cm-${next++}` }, data: { k: 'v'.repeat(256) } });
      }),
    );
    const rawList = async () => {
      let token = '';
      let count = 0;
      do {
        const page = (await raw.get(`/api/v1/namespaces/bench/configmaps?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ''}`)) as {
          items: unknown[];
          metadata: { continue?: string };
        };
        count += page.items.length;
        token = page.metadata.continue ?? '';
      } while (token);
      return count;
    };
    const informerSync = async () => {
      const informer = new Informer(cms, { namespace: 'bench' });
      informer.start();
      await informer.waitForSync();
      await informer.stop();
    };
    const syncs: number[] = [];
    const lists: number[] = [];
    for (let i = 0; i < 9; i++) {
      syncs.push(...(await latencies(1, informerSync)));
      lists.push(...(await latencies(1, rawList)));
    }
    rows.push({ backend: 'client', metric: `informer sync of ${objects} objects (ms)`, value: percentile(syncs, 50), baseline: percentile(lists, 50), higherIsBetter: false });
    progress('informer sync');
  } finally {
    raw.close();
    client.close();
    await cluster.stop();
  }

  const items = 200_000;
  const queueRun = async () => {
    const q = new WorkQueue<string>();
    for (let i = 0; i < items; i++) q.add(`ns/item-${i % 50_000}`);
    while (q.len() > 0) q.done((await q.get()) as string);
    q.shutDown();
  };
  // The baseline: a Set for dedup and an array read by index, with the same per-item await.
  const arrayRun = async () => {
    const a: string[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < items; i++) {
      const key = `ns/item-${i % 50_000}`;
      if (seen.has(key)) continue;
      seen.add(key);
      a.push(key);
    }
    for (let i = 0; i < a.length; i++) seen.delete(await Promise.resolve(a[i]));
  };
  rows.push({
    backend: 'workqueue',
    metric: `${items} adds of 50k keys, drained (ms)`,
    value: await median(5, queueRun),
    baseline: await median(5, arrayRun),
    higherIsBetter: false,
  });
  progress('workqueue');
  return rows;
}
