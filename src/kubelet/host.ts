// Runs the node agents of one process — one real node, or a thousand hollow
// ones — over shared parts: one API client (one HTTPS connection pool), one pod
// informer and one node informer whose events go to the agent of the node they
// name, one Service informer for the pods' service links, one status writer, one event recorder and one timer for all heartbeats.
import { readFileSync } from 'node:fs';
import type { INode } from 'kubernetes-models/v1/Node';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IService } from 'kubernetes-models/v1/Service';
import type { Logger } from '../cli/log.js';
import { dropManagedFields, Informer } from '../client/informer.js';
import * as resources from '../client/resources.js';
import type { Client } from '../client/rest.js';
import type { KubeObject } from '../client/types.js';
import { clusterDnsSettings, STUB_RESOLV_CONF, viableResolvConf } from './dns.js';
import { EventRecorder } from './events.js';
import { NodeAgent, type KubeletApi, type KubeletShared } from './kubelet.js';
import type { NodeConfig } from './node-status.js';
import type { ProbeHandler } from './prober.js';
import type { ImageService, RuntimeService } from './runtime/types.js';
import { PodStatusManager } from './status-manager.js';
import { traceEventLoopDelay } from './startup-trace.js';
import { sysctlAdmission } from './sysctl.js';
import { Ticker } from './ticker.js';

export interface HostedNode {
  config: NodeConfig;
  runtime: RuntimeService & ImageService;
  probes: ProbeHandler;
  /** The kubelet's root directory for this node's volumes; absent on hollow nodes (nothing on the host). */
  rootDir?: string;
}

export interface KubeletHostOptions {
  client: Client;
  log: Logger;
  nodes: HostedNode[];
  /** CrashLoopBackOff base, 10 s as upstream unless a test shortens it. */
  backoffBaseMs?: number;
  retryMs?: number;
  /** How often volumes follow their sources (upstream: one minute). */
  volumeResyncMs?: number;
  /** Concurrent pod status writes. */
  statusConcurrency?: number;
  /** --cluster-dns (default 10.43.0.10, as k3s), --cluster-domain (cluster.local), --resolv-conf (default: as k3s picks it). */
  clusterDNS?: string[];
  clusterDomain?: string;
  resolvConf?: string;
  /** --allowed-unsafe-sysctls: unsafe sysctls (or prefixes ending in *) pods may set besides the safe ones. */
  allowedUnsafeSysctls?: string[];
}

/** Where k3s looks for the node's resolver when --resolv-conf is not given (systemd-resolved's real one second). */
const RESOLV_CONF_CANDIDATES = ['/etc/resolv.conf', '/run/systemd/resolve/resolv.conf'];

/**
 * The node's resolver configuration, as k3s picks it: --resolv-conf as given; else the first
 * candidate whose nameservers pods can reach (not loopback, multicast or link-local); else a stub.
 */
function nodeResolvConf(path: string | undefined, log: Logger): string {
  const read = (p: string) => {
    try {
      return readFileSync(p, 'utf8');
    } catch (err) {
      if (path) log.warn('kubelet', `cannot read ${p}: ${(err as Error).message}`);
      return undefined;
    }
  };
  if (path) return read(path) ?? '';
  for (const candidate of RESOLV_CONF_CANDIDATES) {
    const text = read(candidate);
    if (text !== undefined && viableResolvConf(text)) return text;
  }
  log.warn('kubelet', `no usable resolv.conf (${RESOLV_CONF_CANDIDATES.join(', ')}): pods resolve through 8.8.8.8 and 2001:4860:4860::8888`);
  return STUB_RESOLV_CONF;
}

function nodeNameOf(pod: KubeObject): string {
  return ((pod.spec ?? {}) as { nodeName?: string }).nodeName ?? '';
}

export class KubeletHost {
  readonly agents = new Map<string, NodeAgent>();
  readonly statuses: PodStatusManager;
  private readonly ticker = new Ticker();
  private readonly api: KubeletApi;
  private readonly podInformer: Informer<KubeObject>;
  private readonly nodeInformer: Informer<KubeObject>;
  /** Every Service, for the pods' service links (upstream's kubelet service lister). */
  private readonly serviceInformer: Informer<KubeObject>;
  private stopLoopTrace: () => void = () => undefined;

  constructor(private readonly options: KubeletHostOptions) {
    const { client } = options;
    this.api = {
      pods: client.resource(resources.pods),
      nodes: client.resource(resources.nodes),
      leases: client.resource(resources.leases),
      configmaps: client.resource(resources.configmaps),
      secrets: client.resource(resources.secrets),
      persistentvolumeclaims: client.resource(resources.persistentvolumeclaims),
      persistentvolumes: client.resource(resources.persistentvolumes),
      serviceaccounts: client.resource(resources.serviceaccounts),
    };
    this.statuses = new PodStatusManager(this.api.pods, options.statusConcurrency ?? 16, undefined, options.log);
    const shared: KubeletShared = {
      api: this.api,
      // Status writes go before events when both wait.
      events: new EventRecorder(client.resource(resources.events), 'kubelet', 8, () => this.statuses.pending > 0),
      setPodStatus: (pod, status) => this.statuses.set(pod as unknown as KubeObject, status),
      forgetPodStatus: (uid) => this.statuses.forget(uid),
      isOwnPodStatusWrite: (pod) => this.statuses.isOwnWrite(pod.metadata?.uid ?? '', pod.metadata?.resourceVersion),
      ticker: this.ticker,
      log: options.log,
      backoffBaseMs: options.backoffBaseMs ?? 10_000,
      retryMs: options.retryMs ?? 5_000,
      volumeResyncMs: options.volumeResyncMs,
      dns: clusterDnsSettings(options, nodeResolvConf(options.resolvConf, options.log)),
      admitSysctls: sysctlAdmission(options.allowedUnsafeSysctls),
      listServices: () => (this.serviceInformer.hasSynced() ? (this.serviceInformer.indexer.list() as unknown as IService[]) : undefined),
    };
    for (const node of options.nodes) {
      this.agents.set(node.config.nodeName, new NodeAgent({ ...node, shared }));
    }
    const single = options.nodes.length === 1 ? options.nodes[0].config.nodeName : undefined;
    this.podInformer = new Informer(this.api.pods, { fieldSelector: single ? `spec.nodeName=${single}` : 'spec.nodeName!=', log: options.log, name: 'kubelet-pods', transform: dropManagedFields });
    this.nodeInformer = new Informer(this.api.nodes, { ...(single ? { fieldSelector: `metadata.name=${single}` } : {}), log: options.log, name: 'kubelet-nodes', transform: dropManagedFields });
    this.serviceInformer = new Informer(client.resource(resources.services), { log: options.log, name: 'kubelet-services', transform: dropManagedFields });
  }

  async start(): Promise<void> {
    this.stopLoopTrace = traceEventLoopDelay(this.options.log);
    const agentFor = (obj: KubeObject) => this.agents.get(nodeNameOf(obj));
    this.podInformer.addEventHandler({
      onAdd: (pod) => agentFor(pod)?.podChanged(pod as unknown as IPod),
      onUpdate: (_old, pod) => agentFor(pod)?.podChanged(pod as unknown as IPod),
      onDelete: (pod) => agentFor(pod)?.podDeleted(pod as unknown as IPod),
    });
    const nodeChanged = (node: KubeObject) => this.agents.get(node.metadata?.name ?? '')?.nodeChanged(node as unknown as INode);
    this.nodeInformer.addEventHandler({ onAdd: nodeChanged, onUpdate: (_old, node) => nodeChanged(node) });
    // Register in batches so a thousand nodes do not open a thousand requests at once.
    const agents = [...this.agents.values()];
    for (let i = 0; i < agents.length; i += 50) await Promise.all(agents.slice(i, i + 50).map((a) => a.start()));
    this.nodeInformer.start();
    // Containers get the service links: know the Services before the first pod starts.
    this.serviceInformer.start();
    await this.serviceInformer.waitForSync();
    this.podInformer.start();
    await this.podInformer.waitForSync();
    const known = new Set(this.podInformer.indexer.list().map((p) => p.metadata?.uid ?? ''));
    for (const a of agents) await a.removeOrphans(known);
    this.options.log.info('kubelet', `${agents.length} node agent(s) running`);
  }

  /** Stops the agents; their runtimes keep what runs (an agent restart recovers it). */
  async stop(): Promise<void> {
    for (const a of this.agents.values()) a.stop();
    this.ticker.stop();
    this.stopLoopTrace();
    this.statuses.close();
    await Promise.all([this.podInformer.stop(), this.nodeInformer.stop(), this.serviceInformer.stop()]);
  }
}
