// A pod's name and resolver as the kubelet gives them to its sandbox (upstream
// pkg/kubelet/network/dns and GeneratePodHostNameAndDomain): the hostname and
// domain, and the resolv.conf from the pod's dnsPolicy, the node's resolver,
// --cluster-dns / --cluster-domain and the pod's dnsConfig. Pure functions.
import type { IPod } from 'kubernetes-models/v1/Pod';
import { isIP } from 'node:net';
import { formatIpv4, parseCidr } from '../machinery/cidr.js';

/** The kubelet's DNS settings (--cluster-dns, --cluster-domain, --resolv-conf as parsed). */
export interface ClusterDnsSettings {
  /** Cluster DNS server IPs; none makes ClusterFirst pods fall back to the node's resolver. */
  clusterDNS: string[];
  clusterDomain: string;
  /** The node's resolver, from its resolv.conf. */
  host: ResolvConf;
}

/** What a resolv.conf says (and what CRI's DNSConfig carries). */
export interface ResolvConf {
  servers: string[];
  searches: string[];
  options: string[];
}

export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';
/** Upstream's limits: resolvers read at most 3 nameservers, 32 search domains of at most 2048 characters. */
export const MAX_DNS_NAMESERVERS = 3;
export const MAX_DNS_SEARCH_PATHS = 32;
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;
const MAX_HOSTNAME_LENGTH = 63;

/** Parses resolv.conf text: every nameserver, the last search line, every option. */
export function parseResolvConf(text: string): ResolvConf {
  const out: ResolvConf = { servers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...fields] = line.split(/\s+/);
    if (key === 'nameserver' && fields[0]) out.servers.push(fields[0]);
    else if (key === 'search') out.searches = fields.filter((s) => s !== '.').map((s) => s.replace(/\.$/, ''));
    else if (key === 'options') out.options.push(...fields);
  }
  return out;
}

/** resolv.conf as the runtime writes it from the sandbox's DNS config (containerd's layout: search, nameservers, options). */
export function resolvConfText(config: ResolvConf): string {
  const search = config.searches.length > 0 ? `search ${config.searches.join(' ')}\n` : '';
  const options = config.options.length > 0 ? `options ${config.options.join(' ')}\n` : '';
  return search + config.servers.map((s) => `nameserver ${s}\n`).join('') + options;
}

/** The DNS server the cluster runs at (k3s): the 10th address of the service CIDR, 10.43.0.10 for 10.43.0.0/16. */
export function defaultClusterDNS(serviceCidr: string): string {
  return formatIpv4(parseCidr(serviceCidr).base + 10);
}

function unique(items: string[]): string[] {
  return [...new Set(items)];
}

/** A pod's hostname is cut to 63 characters without a trailing '-' or '.' (upstream truncatePodHostnameIfNeeded). */
function truncateHostname(name: string): string {
  if (name.length <= MAX_HOSTNAME_LENGTH) return name;
  return name.slice(0, MAX_HOSTNAME_LENGTH).replace(/[-.]+$/, '');
}

/** The pod's hostname (spec.hostname or its name) and domain (`<subdomain>.<ns>.svc.<cluster domain>` with a subdomain). */
export function podHostnameAndDomain(pod: IPod, clusterDomain: string): { hostname: string; domain: string } {
  const hostname = truncateHostname(pod.spec?.hostname || pod.metadata?.name || '');
  const subdomain = pod.spec?.subdomain;
  const domain = subdomain ? `${subdomain}.${pod.metadata?.namespace ?? 'default'}.svc.${clusterDomain}` : '';
  return { hostname, domain };
}

/** The kernel's nodename field holds 64 characters. */
const MAX_FQDN_LENGTH = 64;

/**
 * The sandbox's hostname: none with hostNetwork (the node's), the FQDN with setHostnameAsFQDN and a
 * subdomain — which fails the sandbox when it does not fit the kernel's nodename.
 */
export function sandboxHostname(pod: IPod, clusterDomain: string): string {
  if (pod.spec?.hostNetwork) return '';
  const { hostname, domain } = podHostnameAndDomain(pod, clusterDomain);
  if (!pod.spec?.setHostnameAsFQDN || !domain) return hostname;
  const fqdn = `${hostname}.${domain}`;
  if (fqdn.length > MAX_FQDN_LENGTH) {
    throw new Error(`failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (${MAX_FQDN_LENGTH} characters is the max, ${fqdn.length} characters requested)`);
  }
  return fqdn;
}

/** How a pod resolves: through the cluster DNS, the node's resolver, or only its own dnsConfig. */
export function podDnsType(pod: IPod): 'Cluster' | 'Host' | 'None' {
  switch (pod.spec?.dnsPolicy ?? 'ClusterFirst') {
    case 'None':
      return 'None';
    case 'ClusterFirstWithHostNet':
      return 'Cluster';
    case 'Default':
      return 'Host';
    default:
      // ClusterFirst: host-network pods use the node's resolver.
      return pod.spec?.hostNetwork ? 'Host' : 'Cluster';
  }
}

/** Options merged by name; the pod's dnsConfig wins, a name without a value stands alone. */
function mergeOptions(existing: string[], extra: { name?: string; value?: string }[]): string[] {
  const byName = new Map<string, string | undefined>();
  for (const o of existing) {
    const i = o.indexOf(':');
    byName.set(i < 0 ? o : o.slice(0, i), i < 0 ? undefined : o.slice(i + 1));
  }
  for (const o of extra) if (o.name) byName.set(o.name, o.value || undefined);
  return [...byName].map(([name, value]) => (value === undefined ? name : `${name}:${value}`));
}

/** Search domains kept within the resolver's limits (upstream formDNSSearchFitsLimits). */
function fitSearches(searches: string[]): string[] {
  const out = searches.slice(0, MAX_DNS_SEARCH_PATHS);
  while (out.length > 0 && out.join(' ').length > MAX_DNS_SEARCH_LIST_CHARS) out.pop();
  return out;
}

/**
 * The sandbox's resolv.conf (upstream GetPodDNS). ClusterFirst: the cluster DNS, the Kubernetes
 * search path followed by the node's search domains, ndots:5 — or, without a cluster DNS, the
 * node's resolver (`missingClusterDNS` is then true: upstream warns with a MissingClusterDNS event).
 * Default: the node's resolver. None: nothing but the pod's dnsConfig, which every policy merges in.
 */
export function podDnsConfig(pod: IPod, dns: ClusterDnsSettings): { config: ResolvConf; missingClusterDNS: boolean } {
  const type = podDnsType(pod);
  let config: ResolvConf = { servers: [...dns.host.servers], searches: [...dns.host.searches], options: [...dns.host.options] };
  let missingClusterDNS = false;
  if (type === 'None') config = { servers: [], searches: [], options: [] };
  else if (type === 'Cluster' && dns.clusterDNS.length > 0) {
    const ns = pod.metadata?.namespace ?? 'default';
    const d = dns.clusterDomain;
    const clusterSearch = d ? [`${ns}.svc.${d}`, `svc.${d}`, d] : [];
    config = { servers: [...dns.clusterDNS], searches: unique([...clusterSearch, ...dns.host.searches]), options: ['ndots:5'] };
  } else if (type === 'Cluster') missingClusterDNS = true;
  const extra = pod.spec?.dnsConfig;
  if (extra) {
    config = {
      servers: unique([...config.servers, ...(extra.nameservers ?? [])]),
      searches: unique([...config.searches, ...(extra.searches ?? [])]),
      options: mergeOptions(config.options, extra.options ?? []),
    };
  }
  return { config: { servers: config.servers.slice(0, MAX_DNS_NAMESERVERS), searches: fitSearches(config.searches), options: config.options }, missingClusterDNS };
}

/** Upstream's MissingClusterDNS message. */
export const MISSING_CLUSTER_DNS_MESSAGE = 'kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. Falling back to "Default" policy.';

/** k3s's defaults: the service CIDR 10.43.0.0/16, so the cluster DNS at 10.43.0.10. */
export const DEFAULT_CLUSTER_DNS = defaultClusterDNS('10.43.0.0/16');

/** The kubelet's DNS settings from its flags and the node's resolv.conf text. */
export function clusterDnsSettings(flags: { clusterDNS?: string[]; clusterDomain?: string }, resolvConf: string): ClusterDnsSettings {
  return { clusterDNS: flags.clusterDNS ?? [DEFAULT_CLUSTER_DNS], clusterDomain: flags.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN, host: parseResolvConf(resolvConf) };
}

/** Nameservers a pod cannot reach through its own network: loopback, multicast, link-local. */
function unreachableFromPods(ip: string): boolean {
  const v6 = ip.toLowerCase();
  if (v6.includes(':')) return v6 === '::1' || v6.startsWith('ff') || /^fe[89ab]/.test(v6);
  const [a, b] = ip.split('.').map(Number);
  return a === 127 || (a >= 224 && a <= 239) || (a === 169 && b === 254);
}

/** k3s's check of a node resolv.conf: some nameserver, and none that only the node itself can reach. */
export function viableResolvConf(text: string): boolean {
  const { servers } = parseResolvConf(text);
  return servers.length > 0 && !servers.some(unreachableFromPods);
}

/** What k3s gives pods when the node has no viable resolv.conf. */
export const STUB_RESOLV_CONF = 'nameserver 8.8.8.8\nnameserver 2001:4860:4860::8888\n';

/** --cluster-dns: comma-separated IPs (k3s), each checked. */
export function parseClusterDNS(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const ips = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const ip of ips) if (isIP(ip) === 0) throw new Error(`invalid --cluster-dns "${ip}": not an IP address`);
  return ips;
}
