// `k8ts server`: the control plane on one machine.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapCluster } from '../apiserver/bootstrap.js';
import { namespaceHooks } from '../apiserver/namespace-lifecycle.js';
import { ApiServer } from '../apiserver/server.js';
import { ensureClusterPki, ensureServiceAccountKey, hostAddresses, issueClientCertificate, ServiceAccountTokens, writeAdminKubeconfig, type ClusterPki } from '../pki/index.js';
import { Compactor } from '../storage/compactor.js';
import { openStore } from '../storage/open.js';
import { Client } from '../client/rest.js';
import type { Store } from '../storage/store.js';
import { firstServiceIP } from '../machinery/cidr.js';
import { NodeIpamController } from '../controllers/nodeipam.js';
import { nodes as nodesResource } from '../client/resources.js';
import type { RunningAgents, RunningContainerdAgent } from '../kubelet/start.js';
import { DEFAULT_KUBELET_PORT } from '../kubelet/ports.js';
import { defaultClusterDNS } from '../kubelet/dns.js';
import { startControlPlane, type RunningControlPlane } from './control-plane.js';
import type { Logger } from './log.js';

export interface ServerFlags {
  dataDir: string;
  httpsListenPort: number;
  bindAddress: string;
  datastoreEndpoint?: string;
  writeKubeconfig?: string;
  serviceCidr: string;
  /** "30000-32767" unless set. */
  serviceNodePortRange?: string;
  clusterCidr: string;
  /** k3s --disable-scheduler: do not run the scheduler in this process. */
  disableScheduler?: boolean;
  /** Hollow nodes (simulated runtime) run in this process. */
  simulatedNodes?: number;
  /** The agent's node name (hollow nodes: the prefix of their names). */
  nodeName?: string;
  nodeLabels?: string[];
  nodeTaints?: string[];
  /** No node agent in this process. */
  disableAgent?: boolean;
  /** CrashLoopBackOff base in ms (tests shorten upstream's 10 s). */
  kubeletBackoffBaseMs?: number;
  /** How often volumes follow their ConfigMaps, Secrets and pod fields, in ms (upstream: a minute; tests shorten it). */
  kubeletVolumeResyncMs?: number;
  /** "containerd": this machine runs pods as a node of its own (its own containerd). */
  runtime?: 'containerd' | 'simulated';
  /** kube-controller-manager --node-monitor-grace-period, in ms. */
  nodeMonitorGracePeriodMs?: number;
  /** kube-controller-manager --terminated-pod-gc-threshold. */
  terminatedPodGCThreshold?: number;
  /** The kubelet API's port (10250; 0 picks a free one). */
  kubeletPort?: number;
  /** --kubelet-certificate-authority: a CA file the kubelets' serving certificates must chain to (default: the cluster CA, which signs them). */
  kubeletCertificateAuthority?: string;
  /** kube-controller-manager --cluster-signing-duration, in ms (default a year). */
  clusterSigningDurationMs?: number;
  containerLogMaxSize?: number;
  containerLogMaxFiles?: number;
  /** --cluster-dns: default the 10th address of the service CIDR (k3s). */
  clusterDNS?: string[];
  /** --cluster-domain: default cluster.local. */
  clusterDomain?: string;
  /** --resolv-conf: the node's resolver for pods, default /etc/resolv.conf. */
  resolvConf?: string;
  /** --allowed-unsafe-sysctls: sysctls (or `prefix.*` patterns) outside the safe set pods may set. */
  allowedUnsafeSysctls?: string[];
  /** How often container logs are checked for rotation (tests shorten upstream's 10 s). */
  containerLogMonitorPeriodMs?: number;
}

export interface RunningServer {
  port: number;
  kubeconfigPath: string;
  /** The datastore (tests compact it to force 410 Gone). */
  store: Store;
  /** The scheduler (unless disabled) and the controller manager, on their own thread. */
  controlPlane: RunningControlPlane;
  /** This machine's node agent, with --runtime containerd. */
  agent?: RunningContainerdAgent;
  stop(): Promise<void>;
}

export async function startServer(flags: ServerFlags, log: Logger): Promise<RunningServer> {
  mkdirSync(flags.dataDir, { recursive: true, mode: 0o700 });
  const store = await openStore({ dataDir: flags.dataDir, datastoreEndpoint: flags.datastoreEndpoint });
  const serviceIP = firstServiceIP(flags.serviceCidr);
  const pki = await ensureClusterPki(flags.dataDir, { serviceIPs: [serviceIP] });
  const advertiseIP = hostAddresses().find((a) => !a.includes(':')) ?? '127.0.0.1';
  const loopback = { socketPath: loopbackSocketPath(flags.dataDir), token: randomBytes(32).toString('base64url') };
  const apiserver = new ApiServer({
    loopback,
    store,
    tls: { cert: pki.servingCertPem, key: pki.servingKeyPem, ca: pki.caCertPem },
    advertiseAddress: `${advertiseIP}:${flags.httpsListenPort}`,
    log: (m) => log.debug('apiserver', m),
    hooks: () => ({ '/namespaces': namespaceHooks }),
    serviceRanges: { serviceCidr: flags.serviceCidr, nodePortRange: flags.serviceNodePortRange ?? '30000-32767' },
    serviceAccountTokens: new ServiceAccountTokens(await ensureServiceAccountKey(flags.dataDir)),
    // Every kubelet serves with a certificate the cluster CA signed (agents get theirs through a CSR).
    kubeletClient: { ...(await kubeletClientCredentials(pki)), servingCa: flags.kubeletCertificateAuthority ? readFileSync(flags.kubeletCertificateAuthority, 'utf8') : pki.caCertPem },
  });
  const port = await apiserver.listen(flags.httpsListenPort, flags.bindAddress);
  await bootstrapCluster(apiserver.resources, { kubernetesServiceIP: serviceIP, apiServerIP: advertiseIP, apiServerPort: port });
  const compactor = new Compactor(store, { intervalMs: 5 * 60_000 });
  compactor.start();
  const serverURL = `https://127.0.0.1:${port}`;
  const [kubeconfigPath] = await writeAdminKubeconfig(pki, serverURL, { extraPath: flags.writeKubeconfig });
  log.info('server', `API server listening on ${serverURL}; kubeconfig written to ${kubeconfigPath}`);
  // caPem: what the controllers publish as kube-root-ca.crt (the loopback connection itself has no TLS).
  const loopbackConfig = { server: serverURL, caPem: pki.caCertPem, socketPath: loopback.socketPath, token: loopback.token };
  const controlPlane = startControlPlane(
    {
      client: loopbackConfig,
      scheduler: !flags.disableScheduler,
      controllerConfig: { nodeMonitorGracePeriodMs: flags.nodeMonitorGracePeriodMs, terminatedPodGCThreshold: flags.terminatedPodGCThreshold, clusterSigningDurationMs: flags.clusterSigningDurationMs },
      signingCA: pki.ca,
    },
    log,
  );
  // Node IPAM runs here until the controller manager takes it over.
  const ipamClient = new Client({ ...loopbackConfig, userAgent: 'k8ts-node-ipam' });
  const nodeIpam = new NodeIpamController(ipamClient.resource(nodesResource), flags.clusterCidr, log);
  await nodeIpam.start();
  const dns = { clusterDNS: flags.clusterDNS ?? [defaultClusterDNS(flags.serviceCidr)], clusterDomain: flags.clusterDomain, resolvConf: flags.resolvConf, allowedUnsafeSysctls: flags.allowedUnsafeSysctls };
  let agents: RunningAgents | undefined;
  // The kubelet's code loads only when this process runs a node (an API-only server stays lean).
  const kubelet = () => import('../kubelet/start.js');
  const kubeletPort = flags.kubeletPort ?? DEFAULT_KUBELET_PORT;
  if (!flags.disableAgent && (flags.simulatedNodes ?? 0) > 0) {
    agents = await (await kubelet()).startSimulatedNodes(
      {
        kubeconfigPath,
        simulatedNodes: flags.simulatedNodes ?? 0,
        nodeName: flags.nodeName,
        nodeLabels: flags.nodeLabels,
        nodeTaints: flags.nodeTaints,
        backoffBaseMs: flags.kubeletBackoffBaseMs,
        kubelet: { ca: pki.ca, port: kubeletPort },
        containerLogMaxSize: flags.containerLogMaxSize,
        containerLogMaxFiles: flags.containerLogMaxFiles,
        ...dns,
      },
      log,
    );
  }
  let agent: RunningContainerdAgent | undefined;
  if (!flags.disableAgent && flags.runtime === 'containerd') {
    agent = await (await kubelet()).startContainerdAgent(
      {
        kubeconfigPath,
        dataDir: flags.dataDir,
        nodeName: flags.simulatedNodes ? undefined : flags.nodeName,
        nodeLabels: flags.nodeLabels,
        nodeTaints: flags.nodeTaints,
        controlPlane: true,
        backoffBaseMs: flags.kubeletBackoffBaseMs,
        volumeResyncMs: flags.kubeletVolumeResyncMs,
        kubelet: { ca: pki.ca, port: kubeletPort },
        ...dns,
        containerLogMaxSize: flags.containerLogMaxSize,
        containerLogMaxFiles: flags.containerLogMaxFiles,
        containerLogMonitorPeriodMs: flags.containerLogMonitorPeriodMs,
      },
      log,
    );
  }
  const running: RunningServer = {
    port,
    kubeconfigPath,
    store,
    controlPlane,
    agent,
    async stop() {
      await controlPlane.stop();
      await agents?.stop();
      // The agent in place now (a test may have restarted it).
      await running.agent?.stop();
      await nodeIpam.stop();
      ipamClient.close();
      compactor.stop();
      await apiserver.close();
      await store.close();
    },
  };
  return running;
}

/**
 * The loopback socket lives in the data dir; a data dir too deep for a unix socket's path
 * (108 bytes) puts it in the temp dir instead.
 */
function loopbackSocketPath(dataDir: string): string {
  const inDataDir = join(dataDir, 'apiserver.sock');
  return Buffer.byteLength(inDataDir) < 100 ? inDataDir : join(tmpdir(), `k8ts-apiserver-${randomBytes(6).toString('hex')}.sock`);
}

/** The API server's client certificate toward kubelets (upstream's apiserver-kubelet-client). */
async function kubeletClientCredentials(pki: ClusterPki): Promise<{ cert: string; key: string }> {
  const pair = await issueClientCertificate(pki.ca, { commonName: 'kube-apiserver-kubelet-client', organizations: ['system:masters'] });
  return { cert: pair.certPem, key: pair.keyPem };
}
