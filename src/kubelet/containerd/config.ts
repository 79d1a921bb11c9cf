// The config.toml of the agent's containerd (version 2 format, containerd 1.6+):
// its own root, state and socket, the CRI plugin with runc, the snapshotter that
// works here, Debian's CNI plugins, the k8ts pause image and registry settings.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContainerdPaths } from './paths.js';
import { authToml, readRegistries, writeHostsDir } from './registries.js';

export interface ContainerdOptions {
  sandboxImage: string;
  snapshotter: 'overlayfs' | 'native';
  systemdCgroup: boolean;
  /** The host does not let processes lower their OOM score (some VMs and containers): containerd must not try. */
  restrictOomScoreAdj: boolean;
}

/** Whether an overlay mount works on the filesystem under `dir` (not on overlay-on-overlay, some container hosts). */
export function overlayWorks(dir: string): boolean {
  mkdirSync(dir, { recursive: true });
  const base = mkdtempSync(join(dir, '.overlay-check-'));
  const [lower, upper, work, merged] = ['l', 'u', 'w', 'm'].map((d) => join(base, d));
  for (const d of [lower, upper, work, merged]) mkdirSync(d);
  try {
    execFileSync('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, merged], { stdio: 'ignore' });
    execFileSync('umount', [merged], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

/** Whether a child process may lower its oom_score_adj (the CRI gives sandboxes -998). */
export function canLowerOomScore(): boolean {
  try {
    execFileSync('/bin/sh', ['-c', 'echo -998 > /proc/self/oom_score_adj'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The host runs systemd as init and uses it for cgroups (then runc must too, as the kubelet would). */
export function hostUsesSystemdCgroups(): boolean {
  try {
    return readFileSync('/proc/1/comm', 'utf8').trim() === 'systemd' && existsSync('/sys/fs/cgroup/cgroup.controllers');
  } catch {
    return false;
  }
}

export function configToml(paths: ContainerdPaths, options: ContainerdOptions, auth: string): string {
  const cri = 'plugins."io.containerd.grpc.v1.cri"';
  const q = JSON.stringify;
  return `# Written by k8ts at every agent start; edits are overwritten.
version = 2
root = ${q(paths.root)}
state = ${q(paths.state)}

[grpc]
  address = ${q(paths.socket)}

[plugins."io.containerd.internal.v1.opt"]
  path = ${q(join(paths.root, 'opt'))}

[${cri}]
  sandbox_image = ${q(options.sandboxImage)}
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  max_container_log_line_size = 16384
  restrict_oom_score_adj = ${options.restrictOomScoreAdj}

[${cri}.containerd]
  snapshotter = ${q(options.snapshotter)}
  default_runtime_name = "runc"
  disable_snapshot_annotations = true

[${cri}.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[${cri}.containerd.runtimes.runc.options]
  SystemdCgroup = ${options.systemdCgroup}

[${cri}.cni]
  bin_dir = ${q(paths.cniBinDir)}
  conf_dir = ${q(paths.cniConfDir)}

[${cri}.registry]
  config_path = ${q(paths.certsDir)}

${auth}`;
}

/** Writes config.toml and the registry hosts directory; returns the options chosen. */
export function writeContainerdConfig(paths: ContainerdPaths, sandboxImage: string): ContainerdOptions {
  for (const d of [join(paths.configFile, '..'), paths.root, paths.state, paths.cniConfDir, paths.imagesDir, paths.podLogsDir]) mkdirSync(d, { recursive: true });
  const options: ContainerdOptions = {
    sandboxImage,
    snapshotter: overlayWorks(paths.root) ? 'overlayfs' : 'native',
    systemdCgroup: hostUsesSystemdCgroups(),
    restrictOomScoreAdj: !canLowerOomScore(),
  };
  const registries = readRegistries(paths.registriesFile);
  writeHostsDir(paths.certsDir, registries);
  writeFileSync(paths.configFile, configToml(paths, options, authToml(registries)));
  return options;
}
