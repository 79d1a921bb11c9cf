// metrics.k8s.io/v1beta1, served by the API server itself (upstream runs
// metrics-server behind the aggregator): NodeMetrics and PodMetrics built from
// the kubelets' /stats/summary, for `kubectl top node|pod [--containers]`.
import type { ApiObject, KindStrategy } from '../../api/kind.js';
import { parseSelector, type Selector } from '../../machinery/labels.js';
import { badRequest, methodNotSupported, notFound } from '../../machinery/status.js';
import type { HandlerInput } from '../handlers.js';
import { sendJson } from '../http.js';
import { kubeletLocation } from '../streaming/kubelet-client.js';

export const METRICS_GROUP = 'metrics.k8s.io';
const VERSION = 'v1beta1';
const API_VERSION = `${METRICS_GROUP}/${VERSION}`;
/** The window upstream's metrics-server reports over its default resolution. */
const WINDOW = '10s';

export const nodeMetricsStrategy: KindStrategy = {
  names: { group: METRICS_GROUP, version: VERSION, kind: 'NodeMetrics', plural: 'nodes', singular: '', namespaced: false },
  verbs: ['get', 'list'],
};

export const podMetricsStrategy: KindStrategy = {
  names: { group: METRICS_GROUP, version: VERSION, kind: 'PodMetrics', plural: 'pods', singular: '', namespaced: true },
  verbs: ['get', 'list'],
};

export const metricsKinds: readonly KindStrategy[] = [nodeMetricsStrategy, podMetricsStrategy];

interface Usage {
  usageNanoCores?: number;
}
interface Summary {
  node: { nodeName: string; cpu: Usage & { time: string }; memory: { workingSetBytes?: number } };
  pods: { podRef: { name: string; namespace: string }; containers: { name: string; cpu: Usage & { time: string }; memory: { workingSetBytes?: number } }[] }[];
}

function quantities(cpu: Usage, memory: { workingSetBytes?: number }): { cpu: string; memory: string } {
  return { cpu: `${Math.round(cpu.usageNanoCores ?? 0)}n`, memory: `${Math.round((memory.workingSetBytes ?? 0) / 1024)}Ki` };
}

/** Every reachable node's summary (a node that does not answer within a few seconds is left out, as metrics-server does). */
async function summaries(input: HandlerInput, nodes: ApiObject[]): Promise<Summary[]> {
  const kubelet = input.kubelet;
  if (!kubelet) return [];
  const results = await Promise.all(
    nodes.map(async (node) => {
      try {
        const loc = kubeletLocation(node, kubelet.preferredAddressTypes);
        const res = await kubelet.request(loc, 'GET', '/stats/summary', {}, undefined, AbortSignal.timeout(5000));
        const chunks: Buffer[] = [];
        for await (const c of res) chunks.push(c as Buffer);
        return res.statusCode === 200 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Summary) : undefined;
      } catch {
        return undefined;
      }
    }),
  );
  return results.filter((s): s is Summary => s !== undefined);
}

function labelSelector(url: URL): Selector | undefined {
  const text = url.searchParams.get('labelSelector');
  if (!text) return undefined;
  try {
    return parseSelector(text);
  } catch (err) {
    throw badRequest((err as Error).message);
  }
}

export async function serveMetrics(input: HandlerInput): Promise<void> {
  const { info, resource, url } = input;
  if (info.subresource || (info.verb !== 'get' && info.verb !== 'list')) throw methodNotSupported(resource.groupResource, info.verb);
  const selector = labelSelector(url);
  const matches = (obj: ApiObject) => !selector || selector.matches((obj.metadata?.labels ?? {}) as Record<string, string>);
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (resource.names.plural === 'nodes') {
    const { items } = await input.resources.get('', 'nodes').list('', { selection: {} });
    const wanted = items.filter((n) => (info.name ? n.metadata?.name === info.name : matches(n)));
    const byName = new Map((await summaries(input, wanted)).map((s) => [s.node.nodeName, s]));
    const metrics = wanted
      .filter((n) => byName.has(n.metadata?.name ?? ''))
      .map((n) => {
        const s = byName.get(n.metadata?.name ?? '')!;
        return {
          metadata: { name: n.metadata?.name, creationTimestamp: now, labels: n.metadata?.labels ?? {} },
          timestamp: s.node.cpu.time || now,
          window: WINDOW,
          usage: quantities(s.node.cpu, s.node.memory),
        };
      });
    return answer(input, metrics, 'NodeMetrics', info.name ? notFound({ group: METRICS_GROUP, resource: 'nodes' }, info.name) : undefined);
  }
  const { items: pods } = await input.resources.get('', 'pods').list(info.namespace, { selection: {} });
  const wanted = pods.filter((p) => (info.name ? p.metadata?.name === info.name : matches(p)) && (p.spec as { nodeName?: string } | undefined)?.nodeName);
  const nodeNames = new Set(wanted.map((p) => (p.spec as { nodeName: string }).nodeName));
  const { items: nodes } = await input.resources.get('', 'nodes').list('', { selection: {} });
  const stats = new Map<string, Summary['pods'][number]>();
  for (const s of await summaries(input, nodes.filter((n) => nodeNames.has(n.metadata?.name ?? '')))) {
    for (const p of s.pods) stats.set(`${p.podRef.namespace}/${p.podRef.name}`, p);
  }
  const metrics = wanted
    .filter((p) => stats.has(`${p.metadata?.namespace}/${p.metadata?.name}`))
    .map((p) => {
      const s = stats.get(`${p.metadata?.namespace}/${p.metadata?.name}`)!;
      return {
        metadata: { name: p.metadata?.name, namespace: p.metadata?.namespace, creationTimestamp: now, labels: p.metadata?.labels ?? {} },
        timestamp: s.containers[0]?.cpu.time || now,
        window: WINDOW,
        containers: s.containers.map((c) => ({ name: c.name, usage: quantities(c.cpu, c.memory) })),
      };
    });
  return answer(input, metrics, 'PodMetrics', info.name ? notFound({ group: METRICS_GROUP, resource: 'pods' }, info.name) : undefined);
}

function answer(input: HandlerInput, items: object[], kind: string, missing: Error | undefined): void {
  if (input.info.name) {
    if (items.length === 0) throw missing;
    return sendJson(input.res, 200, { kind, apiVersion: API_VERSION, ...items[0] });
  }
  sendJson(input.res, 200, { kind: `${kind}List`, apiVersion: API_VERSION, metadata: {}, items });
}
