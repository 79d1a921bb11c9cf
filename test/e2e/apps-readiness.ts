// Until simulated nodes run pods, the apps tests play the kubelet: every pod
// that is not terminating is reported Running and Ready (optionally only those
// a filter picks), through pods/status like a kubelet would.
import type { ApiClient } from '../helpers/api.js';

interface PodJson {
  metadata: { name: string; namespace: string; deletionTimestamp?: string; labels?: Record<string, string> };
  spec: { nodeName?: string };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

const isReady = (p: PodJson) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

export async function markPodsReady(api: ApiClient, namespace: string, filter: (pod: PodJson) => boolean = () => true): Promise<number> {
  const list = (await api.request('GET', `/api/v1/namespaces/${namespace}/pods`)).body as { items?: PodJson[] };
  let marked = 0;
  for (const pod of list.items ?? []) {
    if (pod.metadata.deletionTimestamp || isReady(pod) || !filter(pod)) continue;
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const status = {
      phase: 'Running',
      conditions: [
        { type: 'Initialized', status: 'True', lastTransitionTime: now },
        { type: 'Ready', status: 'True', lastTransitionTime: now },
        { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
      ],
      startTime: now,
      podIP: '10.42.0.10',
    };
    const res = await api.request('PATCH', `/api/v1/namespaces/${namespace}/pods/${pod.metadata.name}/status`, { status }, { 'Content-Type': 'application/merge-patch+json' });
    if (res.status === 200) marked++;
  }
  return marked;
}

/** Keeps marking pods ready every `intervalMs` until stopped. */
export function autoReady(api: ApiClient, namespace: string, intervalMs = 300, filter?: (pod: PodJson) => boolean): { stop(): Promise<void> } {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await markPodsReady(api, namespace, filter).catch(() => 0);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
    },
  };
}

export { eventually } from '../helpers/eventually.js';
