// Where the agent's own containerd keeps its files (k3s' layout): config and CNI
// config under <data-dir>/agent/etc, content and snapshots under
// <data-dir>/agent/containerd, and its state and socket on /run (tmpfs, gone at reboot).
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';

export interface ContainerdPaths {
  dataDir: string;
  configFile: string;
  root: string;
  state: string;
  socket: string;
  /** hosts.toml per registry (containerd's registry config_path). */
  certsDir: string;
  cniConfDir: string;
  cniBinDir: string;
  /** Image tarballs imported at start (air-gapped use). */
  imagesDir: string;
  /** Container logs (/var/log/pods layout). */
  podLogsDir: string;
  /** k3s' registries.yaml. */
  registriesFile: string;
}

export const DEFAULT_DATA_DIR = '/var/lib/k8ts';
export const CNI_BIN_DIR = '/usr/lib/cni';

export function containerdPaths(dataDir: string): ContainerdPaths {
  const abs = resolve(dataDir);
  const agent = join(abs, 'agent');
  // One state dir per data dir, so two clusters on one machine never share a socket.
  const state = abs === DEFAULT_DATA_DIR ? '/run/k8ts/containerd' : `/run/k8ts/containerd-${createHash('sha256').update(abs).digest('hex').slice(0, 12)}`;
  return {
    dataDir: abs,
    configFile: join(agent, 'etc', 'containerd', 'config.toml'),
    root: join(agent, 'containerd'),
    state,
    socket: join(state, 'containerd.sock'),
    certsDir: join(agent, 'etc', 'containerd', 'certs.d'),
    cniConfDir: join(agent, 'etc', 'cni', 'net.d'),
    cniBinDir: CNI_BIN_DIR,
    imagesDir: join(agent, 'images'),
    podLogsDir: join(agent, 'pod-logs'),
    registriesFile: join(abs, 'registries.yaml'),
  };
}
