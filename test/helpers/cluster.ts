import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../../src/cli/server.js';
import { createLogger } from '../../src/cli/log.js';
import { kubectl, type KubectlOptions, type KubectlResult } from './kubectl.js';
import { tempDir } from './tmp.js';
import { acquireHostLock } from './host-lock.js';
import { apiClient, type ApiClient } from './api.js';

export interface TestCluster {
  server: RunningServer;
  dataDir: string;
  kubeconfig: string;
  /** kubectl that fails the test on a non-zero exit. */
  kubectl(args: string[], options?: KubectlOptions): Promise<string>;
  /** kubectl whose exit code the test checks itself. */
  kubectlResult(args: string[], options?: KubectlOptions): Promise<KubectlResult>;
  stop(): Promise<void>;
}

/** A real k8ts server on a temp data dir and a free loopback port. */
export async function startTestCluster(
  options: {
    datastoreEndpoint?: string;
    simulatedNodes?: number;
    kubeletBackoffBaseMs?: number;
    /** 'containerd': this machine is a node with real containers (its own containerd under the data dir). */
    runtime?: 'containerd';
    /** registries.yaml (k3s format) for the node's containerd. */
    registriesYaml?: string;
    nodeName?: string;
    /** --cluster-dns and --cluster-domain (default 10.43.0.10 and cluster.local). */
    clusterDNS?: string[];
    clusterDomain?: string;
    /** How often the containerd node's volumes follow their sources (upstream: a minute). */
    volumeResyncMs?: number;
    /** Container log rotation on the containerd node: size, files kept, how often checked. */
    containerLogMaxSize?: number;
    containerLogMaxFiles?: number;
    containerLogMonitorPeriodMs?: number;
  } = {},
): Promise<TestCluster> {
  const releaseHost = options.runtime === 'containerd' ? await acquireHostLock() : undefined;
  const dataDir = tempDir('k8ts-cluster');
  if (options.registriesYaml) writeFileSync(join(dataDir, 'registries.yaml'), options.registriesYaml);
  const logs: string[] = [];
  let server: RunningServer;
  try {
    server = await startServer(
      {
        dataDir,
        httpsListenPort: 0,
        bindAddress: '127.0.0.1',
        datastoreEndpoint: options.datastoreEndpoint,
        serviceCidr: '10.43.0.0/16',
        clusterCidr: '10.42.0.0/16',
        simulatedNodes: options.simulatedNodes,
        kubeletBackoffBaseMs: options.kubeletBackoffBaseMs,
        kubeletVolumeResyncMs: options.volumeResyncMs,
        runtime: options.runtime,
        nodeName: options.nodeName,
        kubeletPort: 0,
        clusterDNS: options.clusterDNS,
        clusterDomain: options.clusterDomain,
        containerLogMaxSize: options.containerLogMaxSize,
        containerLogMaxFiles: options.containerLogMaxFiles,
        containerLogMonitorPeriodMs: options.containerLogMonitorPeriodMs,
      },
      createLogger(process.env.K8TS_TEST_VERBOSE ? 2 : 0, (line) => logs.push(line)),
    );
  } catch (err) {
    releaseHost?.();
    throw err;
  }
  const kubeconfig = server.kubeconfigPath;
  return {
    server,
    dataDir,
    kubeconfig,
    async kubectl(args, opts) {
      const result = await kubectl(kubeconfig, args, opts);
      if (result.code !== 0) {
        throw new Error(`kubectl ${args.join(' ')} exited ${result.code}: ${result.stderr}${result.stdout}`);
      }
      return result.stdout;
    },
    kubectlResult: (args, opts) => kubectl(kubeconfig, args, opts),
    stop() {
      // Real containers do not outlive the test (their shims and network namespaces go with them).
      if (server.agent) server.agent.removePodsOnStop = true;
      return server.stop().finally(() => releaseHost?.());
    },
  };
}

/** A test cluster and a raw API client with its admin credentials. */
export async function startApiCluster(options?: Parameters<typeof startTestCluster>[0]): Promise<{ cluster: TestCluster; api: ApiClient }> {
  const cluster = await startTestCluster(options);
  return { cluster, api: await apiClient(cluster.kubeconfig) };
}
