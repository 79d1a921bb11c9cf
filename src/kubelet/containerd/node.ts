// A real node: the agent's containerd (config written, process supervised), the
// pause image built and imported, air-gapped image tarballs imported, and the
// node's description (addresses, capacity, runtime version) for registration.
import { randomUUID } from 'node:crypto';
import { readFileSync, statfsSync } from 'node:fs';
import { cpus, hostname, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { kubernetesVersion } from '../../apiserver/version.js';
import type { Logger } from '../../cli/log.js';
import { PAUSE_IMAGE, pauseImage } from '../images/busybox.js';
import { archivesIn, importImageArchive, importImageBuffer } from '../images/import.js';
import { ociArchive } from '../images/oci.js';
import type { HostedNode } from '../host.js';
import { defaultNodeIP } from '../node-ip.js';
import { goArch, type NodeConfig } from '../node-status.js';
import { CriProbeHandler } from '../runtime/cri/probe.js';
import { CriRuntime } from '../runtime/cri/runtime.js';
import { writeContainerdConfig } from './config.js';
import { containerdPaths, type ContainerdPaths } from './paths.js';
import { ContainerdSupervisor } from './supervisor.js';

export interface ContainerdNodeOptions {
  dataDir: string;
  nodeName?: string;
  labels?: Record<string, string>;
  taints?: NodeConfig['taints'];
  controlPlane?: boolean;
  /** The InternalIP the node advertises (--node-ip); default: this machine's first non-loopback IPv4. */
  nodeIP?: string;
  log: Logger;
}

export interface ContainerdNode {
  hosted: HostedNode;
  runtime: CriRuntime;
  supervisor: ContainerdSupervisor;
  paths: ContainerdPaths;
  /** Stops and removes every pod sandbox (and so its containers). */
  removeAllPods(): Promise<void>;
  stop(): Promise<void>;
}


function readOr(path: string, fallback: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return fallback;
  }
}

function osImage(): string {
  const m = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readOr('/etc/os-release', ''));
  return m?.[1] ?? 'Linux';
}

function capacity(dataDir: string): Record<string, string> {
  let storage = '0';
  try {
    const s = statfsSync(dataDir);
    storage = `${Math.floor((s.blocks * s.bsize) / 1024)}Ki`;
  } catch {
    // Unknown: reported as zero.
  }
  return { cpu: String(cpus().length), memory: `${Math.floor(totalmem() / 1024)}Ki`, pods: '110', 'ephemeral-storage': storage };
}

export function realNodeConfig(options: ContainerdNodeOptions, runtimeVersion: string): NodeConfig {
  const nodeName = (options.nodeName ?? hostname()).toLowerCase();
  const nodeIP = options.nodeIP ?? defaultNodeIP();
  const cap = capacity(options.dataDir);
  return {
    nodeName,
    labels: options.labels ?? {},
    taints: options.taints ?? [],
    controlPlane: options.controlPlane ?? false,
    addresses: [
      { type: 'InternalIP', address: nodeIP },
      { type: 'Hostname', address: nodeName },
    ],
    capacity: cap,
    allocatable: cap,
    nodeInfo: {
      machineID: readOr('/etc/machine-id', randomUUID().replace(/-/g, '')),
      systemUUID: readOr('/sys/class/dmi/id/product_uuid', randomUUID()),
      bootID: readOr('/proc/sys/kernel/random/boot_id', randomUUID()),
      kernelVersion: release(),
      osImage: osImage(),
      containerRuntimeVersion: runtimeVersion,
      kubeletVersion: kubernetesVersion.gitVersion,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: goArch(),
    },
    kubeletPort: 10250,
  };
}

/** Starts containerd for the node and prepares its images; the kubelet host then runs the node. */
export async function startContainerdNode(options: ContainerdNodeOptions): Promise<ContainerdNode> {
  const { log } = options;
  const paths = containerdPaths(options.dataDir);
  const chosen = writeContainerdConfig(paths, PAUSE_IMAGE);
  log.info('containerd', `starting containerd (snapshotter ${chosen.snapshotter}, socket ${paths.socket})`);
  const supervisor = new ContainerdSupervisor(paths, log);
  await supervisor.start();
  const runtime = new CriRuntime({ socket: paths.socket, podLogRoot: paths.podLogsDir, cniConfDir: paths.cniConfDir, log });
  try {
    await runtime.waitReady(60_000);
    const target = { socket: paths.socket, snapshotter: chosen.snapshotter };
    if (!(await runtime.imageStatus(PAUSE_IMAGE))) {
      await importImageBuffer(target, ociArchive(pauseImage(), [PAUSE_IMAGE]), join(paths.root, 'k8ts-pause.tar'));
    }
    for (const file of archivesIn(paths.imagesDir)) {
      const names = await importImageArchive(target, file).catch((err: Error) => {
        log.warn('containerd', err.message);
        return [];
      });
      log.info('containerd', `imported ${file}: ${names.join(', ')}`);
    }
    const version = await runtime.version();
    const config = realNodeConfig(options, `${version.runtimeName}://${version.runtimeVersion}`);
    return {
      // Volumes live on this host: <data-dir>/agent/kubelet/pods/<uid>/volumes/... (upstream /var/lib/kubelet).
      hosted: { config, runtime, probes: new CriProbeHandler(runtime), rootDir: join(paths.dataDir, 'agent', 'kubelet') },
      runtime,
      supervisor,
      paths,
      async removeAllPods() {
        // A sync that was in flight when the kubelet stopped may still create a sandbox, or be tearing one
        // down at the same moment (two CNI DELs of one sandbox race: "failed to delete eth0: no such device"):
        // repeat until none is left, and fail only if some sandbox outlives every round.
        let lastError: unknown;
        for (let round = 0; round < 20; round++) {
          const sandboxes = await runtime.listPodSandbox();
          if (sandboxes.length === 0 && round > 0) return;
          for (const s of sandboxes) {
            try {
              await runtime.stopPodSandbox(s.id);
              await runtime.removePodSandbox(s.id);
            } catch (err) {
              lastError = err;
            }
          }
          await new Promise((r) => setTimeout(r, 250));
        }
        if ((await runtime.listPodSandbox()).length > 0) throw lastError ?? new Error('pod sandboxes remain after 20 rounds of removal');
      },
      async stop() {
        runtime.close();
        await supervisor.stop();
      },
    };
  } catch (err) {
    runtime.close();
    await supervisor.stop();
    throw err;
  }
}
