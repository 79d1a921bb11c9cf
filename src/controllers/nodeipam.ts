// Node IPAM (upstream's range allocator in kube-controller-manager): gives
// every Node one pod CIDR — a /24 of --cluster-cidr, lowest free first — in
// spec.podCIDR and spec.podCIDRs, once; the kubelet waits for it before its
// node's pods get IPs. Nodes that already have one keep it.
import { formatIpv4, parseCidr, parseIpv4 } from '../machinery/cidr.js';
import type { Logger } from '../cli/log.js';
import { Informer } from '../client/informer.js';
import type { KubeObject, ResourceClient } from '../client/types.js';

export const NODE_CIDR_MASK_SIZE = 24;

/** The /24s of a cluster CIDR, by index. */
export class CidrSet {
  private readonly base: number;
  private readonly maskBits: number;
  readonly size: number;
  private readonly used = new Set<number>();

  constructor(clusterCidr: string, maskBits = NODE_CIDR_MASK_SIZE) {
    const { base, bits } = parseCidr(clusterCidr);
    if (bits > maskBits) throw new Error(`cluster CIDR ${clusterCidr} is smaller than one /${maskBits} node CIDR`);
    this.base = base;
    this.maskBits = maskBits;
    this.size = 2 ** (maskBits - bits);
  }

  /** Marks a CIDR as taken; false when it is not one of this set's. */
  occupy(cidr: string): boolean {
    const [ip, bits] = cidr.split('/');
    if (Number(bits) !== this.maskBits) return false;
    const index = (parseIpv4(ip) - this.base) / 2 ** (32 - this.maskBits);
    if (!Number.isInteger(index) || index < 0 || index >= this.size) return false;
    this.used.add(index);
    return true;
  }

  release(cidr: string): void {
    const [ip] = cidr.split('/');
    this.used.delete((parseIpv4(ip) - this.base) / 2 ** (32 - this.maskBits));
  }

  allocateNext(): string | undefined {
    for (let i = 0; i < this.size; i++) {
      if (this.used.has(i)) continue;
      this.used.add(i);
      return `${formatIpv4(this.base + i * 2 ** (32 - this.maskBits))}/${this.maskBits}`;
    }
    return undefined;
  }
}

function podCIDROf(node: KubeObject): string {
  return ((node.spec ?? {}) as { podCIDR?: string }).podCIDR ?? '';
}

export class NodeIpamController {
  private readonly cidrs: CidrSet;
  private readonly informer: Informer<KubeObject>;
  private readonly pending = new Set<string>();
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly nodes: ResourceClient<KubeObject>,
    clusterCidr: string,
    private readonly log: Logger,
  ) {
    this.cidrs = new CidrSet(clusterCidr);
    this.informer = new Informer(nodes, { log, name: 'node-ipam' });
  }

  async start(): Promise<void> {
    this.informer.addEventHandler({
      onAdd: (node) => this.observe(node),
      onUpdate: (_old, node) => this.observe(node),
      onDelete: (node) => {
        const cidr = podCIDROf(node);
        if (cidr) this.cidrs.release(cidr);
      },
    });
    this.informer.start();
    await this.informer.waitForSync();
    // Every existing allocation is known before the first new one.
    for (const node of this.informer.indexer.list()) this.observe(node);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.informer.stop();
    await this.running;
  }

  private observe(node: KubeObject): void {
    const cidr = podCIDROf(node);
    if (cidr) {
      this.cidrs.occupy(cidr);
      return;
    }
    if (!this.informer.hasSynced()) return;
    const name = node.metadata?.name ?? '';
    if (this.pending.has(name)) return;
    this.pending.add(name);
    // One allocation at a time: the set is the only arbiter of which CIDR is free.
    this.running = this.running.then(() => this.allocate(name)).finally(() => this.pending.delete(name));
  }

  private async allocate(name: string): Promise<void> {
    if (this.stopped) return;
    const current = this.informer.lister.get(undefined, name);
    if (!current || podCIDROf(current)) return;
    const cidr = this.cidrs.allocateNext();
    if (!cidr) {
      this.log.warn('node-ipam', `node ${name}: no pod CIDR left in the cluster CIDR`);
      return;
    }
    try {
      await this.nodes.patch(undefined, name, 'merge', { spec: { podCIDR: cidr, podCIDRs: [cidr] } });
      this.log.debug('node-ipam', `node ${name}: podCIDR ${cidr}`);
    } catch (err) {
      this.cidrs.release(cidr);
      this.log.warn('node-ipam', `node ${name}: setting podCIDR failed: ${(err as Error).message}`);
    }
  }
}
