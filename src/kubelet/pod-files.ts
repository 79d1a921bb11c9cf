// Files the kubelet keeps for a pod beside its volumes and mounts into its
// containers (upstream makeMounts): the pod's /etc/hosts (`<pod dir>/etc-hosts`)
// and one termination message file per container instance
// (`<pod dir>/containers/<name>/<random id>`, writable by any user). They go
// with the pod directory when the volume manager removes it. A node without a
// root directory (hollow nodes) keeps the same files in memory: mounts with
// their content, which the runtime serves and reads back (no disk write per pod).
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { ETC_HOSTS_PATH, managedHostsFile, mountsHostsFile, nodeHostsFile } from './hosts-file.js';
import type { Mount } from './runtime/types.js';

export interface PodFilesOptions {
  /** The pod's directory on this host; absent when the node keeps the files in memory. */
  podDir?: (uid: string) => string;
  /** The node's own hosts file, for host-network pods. */
  nodeHostsPath?: string;
}

export class PodFiles {
  constructor(private readonly options: PodFilesOptions) {}

  /**
   * The container's /etc/hosts mount, the file (re)written first: the pod's IPs with its hostname and
   * domain, or the node's hosts file for a host-network pod; hostAliases last. None when the container
   * mounts its own /etc/hosts or the pod has no IP yet.
   */
  async hostsMount(pod: IPod, container: IContainer, podIPs: string[], hostname: string, domain: string): Promise<Mount | undefined> {
    if (!mountsHostsFile(container.volumeMounts, podIPs)) return undefined;
    const aliases = pod.spec?.hostAliases;
    const content = pod.spec?.hostNetwork ? nodeHostsFile(await readFile(this.options.nodeHostsPath ?? ETC_HOSTS_PATH, 'utf8').catch(() => ''), aliases) : managedHostsFile(podIPs, hostname, domain, aliases);
    const podDir = this.options.podDir?.(pod.metadata?.uid ?? '');
    if (!podDir) return { containerPath: ETC_HOSTS_PATH, hostPath: '', readonly: false, content };
    const hostPath = join(podDir, 'etc-hosts');
    await mkdir(podDir, { recursive: true });
    await writeFile(hostPath, content, { mode: 0o644 });
    return { containerPath: ETC_HOSTS_PATH, hostPath, readonly: false };
  }

  /** A fresh, empty, world-writable file mounted at the container's terminationMessagePath (none without a path). */
  async terminationMessageMount(pod: IPod, container: IContainer): Promise<Mount | undefined> {
    const containerPath = container.terminationMessagePath;
    if (!containerPath) return undefined;
    const podDir = this.options.podDir?.(pod.metadata?.uid ?? '');
    if (!podDir) return { containerPath, hostPath: '', readonly: false, content: '' };
    const dir = join(podDir, 'containers', container.name);
    await mkdir(dir, { recursive: true });
    const hostPath = join(dir, randomBytes(4).toString('hex'));
    await writeFile(hostPath, '');
    // The container may run as any user; the mode is set apart from the umask.
    await chmod(hostPath, 0o666);
    return { containerPath, hostPath, readonly: false };
  }
}
