// The /etc/hosts the kubelet writes for a pod and mounts into each of its
// containers (upstream kubelet_pods.go: managed hosts file, hostAliases). The
// format is upstream's exactly: conformance tests read it. Pure functions.
import type { IHostAlias } from 'kubernetes-models/v1/HostAlias';

export const ETC_HOSTS_PATH = '/etc/hosts';
export const MANAGED_HOSTS_HEADER = '# Kubernetes-managed hosts file.\n';
/** Host-network pods' header: deliberately not containing the line above (they are not "kubelet-managed"). */
export const MANAGED_HOSTS_HEADER_HOST_NETWORK = '# Kubernetes-managed hosts file (host network).\n';

function hostAliasLines(aliases: IHostAlias[] | undefined): string {
  if (!aliases?.length) return '';
  return `\n# Entries added by HostAliases.\n${aliases.map((a) => `${a.ip}\t${(a.hostnames ?? []).join('\t')}\n`).join('')}`;
}

/** A pod network's hosts file: localhost, the IPv6 names, each pod IP with the hostname (FQDN first with a subdomain), then hostAliases. */
export function managedHostsFile(podIPs: string[], hostname: string, domain: string, aliases?: IHostAlias[]): string {
  const lines = [
    MANAGED_HOSTS_HEADER,
    '127.0.0.1\tlocalhost\n',
    '::1\tlocalhost ip6-localhost ip6-loopback\n',
    'fe00::0\tip6-localnet\n',
    'fe00::0\tip6-mcastprefix\n',
    'fe00::1\tip6-allnodes\n',
    'fe00::2\tip6-allrouters\n',
    ...podIPs.map((ip) => (domain ? `${ip}\t${hostname}.${domain}\t${hostname}\n` : `${ip}\t${hostname}\n`)),
  ];
  return lines.join('') + hostAliasLines(aliases);
}

/** A host-network pod's hosts file: the node's own, then hostAliases. */
export function nodeHostsFile(nodeHosts: string, aliases?: IHostAlias[]): string {
  return MANAGED_HOSTS_HEADER_HOST_NETWORK + nodeHosts + hostAliasLines(aliases);
}

/** Whether a container gets the kubelet's hosts file: the pod has an IP and the container does not mount its own /etc/hosts. */
export function mountsHostsFile(containerMounts: { mountPath: string }[] | undefined, podIPs: string[]): boolean {
  return podIPs.length > 0 && !(containerMounts ?? []).some((m) => m.mountPath === ETC_HOSTS_PATH);
}
