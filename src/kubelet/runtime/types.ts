// The container runtime as the kubelet sees it: the shape of the CRI
// (k8s.io/cri-api runtime/v1 RuntimeService and ImageService), in TypeScript.
// The kubelet's logic only talks to these interfaces, so the simulated runtime
// and a containerd (CRI over gRPC) implementation are interchangeable.
import type { Duplex, Readable, Writable } from 'node:stream';

/** CRI PodSandboxMetadata. */
export interface PodSandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt: number;
}

export interface PortMapping {
  protocol: 'TCP' | 'UDP' | 'SCTP';
  containerPort: number;
  hostPort?: number;
  hostIp?: string;
}

/** CRI PodSandboxConfig (the fields the kubelet fills). */
export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname: string;
  logDirectory: string;
  dnsConfig?: { servers: string[]; searches: string[]; options: string[] };
  portMappings: PortMapping[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  hostNetwork?: boolean;
  /** CRI LinuxPodSandboxConfig: cgroup parent, sandbox security context, sysctls. */
  linux?: LinuxPodSandboxConfig;
}

/** CRI LinuxContainerResources (cgroup settings). */
export interface LinuxContainerResources {
  cpuPeriod?: number;
  cpuQuota?: number;
  cpuShares?: number;
  memoryLimitInBytes?: number;
  oomScoreAdj?: number;
}

/** CRI LinuxContainerSecurityContext (the fields the kubelet fills). */
export interface LinuxContainerSecurityContext {
  capabilities?: { addCapabilities: string[]; dropCapabilities: string[] };
  privileged?: boolean;
  /** Whether the container shares the node's network (hostNetwork) or PID namespace, or (TARGET) the PID namespace of container targetId. */
  namespaceOptions?: { network: 'POD' | 'NODE'; pid: 'POD' | 'CONTAINER' | 'NODE' | 'TARGET'; ipc: 'POD' | 'NODE'; targetId?: string };
  runAsUser?: number;
  runAsUsername?: string;
  runAsGroup?: number;
  readonlyRootfs?: boolean;
  supplementalGroups?: number[];
  noNewPrivs?: boolean;
  /** Paths the runtime masks and makes read-only (its defaults unless privileged or procMount Unmasked). */
  maskedPaths?: string[];
  readonlyPaths?: string[];
}

export interface LinuxContainerConfig {
  resources?: LinuxContainerResources;
  securityContext?: LinuxContainerSecurityContext;
}

export interface LinuxPodSandboxConfig {
  cgroupParent?: string;
  securityContext?: {
    namespaceOptions?: LinuxContainerSecurityContext['namespaceOptions'];
    runAsUser?: number;
    runAsGroup?: number;
    supplementalGroups?: number[];
    privileged?: boolean;
    readonlyRootfs?: boolean;
  };
  sysctls?: Record<string, string>;
}

/** CRI AuthConfig: registry credentials for one pull (from the pod's imagePullSecrets). */
export interface AuthConfig {
  username?: string;
  password?: string;
  auth?: string;
  serverAddress?: string;
  identityToken?: string;
  registryToken?: string;
}

export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';

/** CRI PodSandbox, as ListPodSandbox returns it. Times are Unix nanoseconds as in the CRI. */
export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadata;
  state: PodSandboxState;
  createdAt: bigint;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  runtimeHandler?: string;
}

/** CRI PodSandboxStatus. */
export interface PodSandboxStatus extends PodSandbox {
  network: { ip: string; additionalIps: string[] };
}

export interface PodSandboxFilter {
  id?: string;
  state?: PodSandboxState;
  labelSelector?: Record<string, string>;
}

export interface ContainerMetadata {
  name: string;
  attempt: number;
}

export interface KeyValue {
  key: string;
  value: string;
}

/** CRI ContainerConfig (the fields the kubelet fills). */
export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: { image: string };
  command: string[];
  args: string[];
  workingDir: string;
  envs: KeyValue[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Relative to the sandbox's logDirectory. */
  logPath: string;
  tty?: boolean;
  stdin?: boolean;
  /** The container's stdin closes when the first attached client closes its own. */
  stdinOnce?: boolean;
  /** Volumes prepared by the kubelet, bind-mounted into the container (CRI Mount). */
  mounts?: Mount[];
  /** CRI LinuxContainerConfig: cgroup resources and the security context. */
  linux?: LinuxContainerConfig;
}

/** CRI Mount: a host path the kubelet prepared, seen by the container at containerPath. */
export interface Mount {
  containerPath: string;
  hostPath: string;
  readonly: boolean;
  propagation?: 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';
  /**
   * Not in the CRI: a file the kubelet keeps in memory instead of on the host (hollow nodes write
   * nothing per pod), hostPath empty. The runtime shows it at containerPath with this content, the
   * container may write it, and readMountedFile reads it back. Nodes without a kubelet root directory use these.
   */
  content?: string;
}

export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';

/** CRI Container, as ListContainers returns it. */
export interface Container {
  id: string;
  podSandboxId: string;
  metadata: ContainerMetadata;
  image: { image: string };
  imageRef: string;
  state: ContainerState;
  createdAt: bigint;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** CRI ContainerStatus. startedAt/finishedAt are 0n when not reached. */
export interface ContainerStatus extends Container {
  startedAt: bigint;
  finishedAt: bigint;
  exitCode: number;
  reason: string;
  message: string;
  logPath: string;
  /** The mounts the container was created with (the kubelet finds its termination message file among them). */
  mounts?: Mount[];
}

export interface ContainerFilter {
  id?: string;
  state?: ContainerState;
  podSandboxId?: string;
  labelSelector?: Record<string, string>;
}

export interface ExecSyncResponse {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** CRI VersionResponse. */
export interface VersionInfo {
  version: string;
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
}

/** CRI RuntimeCondition, from StatusResponse. */
export interface RuntimeCondition {
  type: 'RuntimeReady' | 'NetworkReady';
  status: boolean;
  reason: string;
  message: string;
}

/** Reading a container's log (the CRI leaves this to the kubelet reading logPath; runtimes here serve it). */
export interface LogOptions {
  tailLines?: number;
  sinceTime?: Date;
  timestamps?: boolean;
  limitBytes?: number;
  /** Keep streaming what the container writes until it exits or the signal aborts. */
  follow?: boolean;
}

/**
 * What a runtime tells the kubelet without being asked (CRI GetContainerEvents):
 * a container started, stopped, or was created or deleted.
 */
export interface ContainerEvent {
  containerId: string;
  podSandboxId: string;
  type: 'CONTAINER_CREATED_EVENT' | 'CONTAINER_STARTED_EVENT' | 'CONTAINER_STOPPED_EVENT' | 'CONTAINER_DELETED_EVENT';
  createdAt: bigint;
  /** The sandbox's metadata (CRI sends the sandbox status along): names the pod. */
  podSandboxMetadata?: PodSandboxMetadata;
}

/**
 * One exec or attach session, already connected to the client (CRI Exec/Attach; the kubelet's
 * streaming server owns the wire protocol, the runtime only moves bytes).
 */
export interface StreamSession {
  /** Present when the client sends stdin; ends when the client closes it. */
  stdin?: Readable;
  stdout?: Writable;
  /** Absent with a tty, which merges stderr into stdout. */
  stderr?: Writable;
  tty: boolean;
  /** Terminal size changes from the client (tty only). */
  onResize?(listener: (size: { width: number; height: number }) => void): void;
  /** Aborted when the client goes away: the runtime ends the session and frees what it held. */
  signal: AbortSignal;
}

/** CRI ContainerStats: one running container's cgroup figures, as the runtime measured them. */
export interface ContainerUsage {
  containerId: string;
  name: string;
  labels: Record<string, string>;
  /** When the figures were taken, in nanoseconds since the epoch. */
  timestamp: bigint;
  usageCoreNanoSeconds: number;
  /** Absent when the runtime keeps no earlier sample to compute a rate from. */
  usageNanoCores?: number;
  workingSetBytes: number;
  usageBytes: number;
  rssBytes: number;
}

/** CRI RuntimeService. */
export interface RuntimeService {
  version(): Promise<VersionInfo>;
  status(): Promise<RuntimeCondition[]>;
  /** CRI UpdateRuntimeConfig: the node's pod CIDR, once the control plane has allocated it. */
  updateRuntimeConfig(config: { podCIDR: string }): Promise<void>;

  runPodSandbox(config: PodSandboxConfig, runtimeHandler?: string): Promise<string>;
  stopPodSandbox(podSandboxId: string): Promise<void>;
  removePodSandbox(podSandboxId: string): Promise<void>;
  podSandboxStatus(podSandboxId: string): Promise<PodSandboxStatus>;
  listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]>;

  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  /** Sends the stop signal, then kills after timeoutSeconds. */
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void>;
  removeContainer(containerId: string): Promise<void>;
  containerStatus(containerId: string): Promise<ContainerStatus>;
  listContainers(filter?: ContainerFilter): Promise<Container[]>;
  execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResponse>;
  readLogs(containerId: string, options?: LogOptions): Promise<string>;
  /**
   * Optional: a runtime that keeps its containers' logs itself (the simulated one) streams them
   * here. Without it the kubelet reads the CRI log file at ContainerStatus.logPath.
   */
  streamLogs?(containerId: string, options: LogOptions, signal: AbortSignal): Readable;
  /** CRI ReopenContainerLog: the runtime writes to a fresh file at logPath (after the kubelet rotated the old one). */
  reopenContainerLog?(containerId: string): Promise<void>;
  /**
   * Optional: the last `maxBytes` of an in-memory mounted file (Mount.content) as the container left
   * it. Rejects with code ENOENT when the file or the container is gone.
   */
  readMountedFile?(containerId: string, containerPath: string, maxBytes: number): Promise<string>;
  /** Optional: CRI ListContainerStats, real usage of the running containers (a runtime without it gets simulated figures). */
  listContainerStats?(): Promise<ContainerUsage[]>;
  /** CRI Exec: runs cmd in the container with the session's streams; resolves with its exit code. */
  exec(containerId: string, cmd: string[], session: StreamSession): Promise<{ exitCode: number }>;
  /** CRI Attach: connects the session to the container's main process until it exits or the client leaves. */
  attach(containerId: string, session: StreamSession): Promise<void>;
  /** CRI PortForward: a byte stream to `port` inside the sandbox's network namespace. */
  portForward(podSandboxId: string, port: number, signal: AbortSignal): Promise<Duplex>;

  /** Subscribes to container events; returns the unsubscribe function. */
  onContainerEvent(listener: (event: ContainerEvent) => void): () => void;
}

/** CRI Image. */
export interface Image {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: bigint;
}

/** CRI ImageService. */
export interface ImageService {
  /** Pulls with `auth` when given (a credential of the pod's imagePullSecrets matching the registry). */
  pullImage(image: string, sandboxConfig?: PodSandboxConfig, auth?: AuthConfig): Promise<string>;
  imageStatus(image: string): Promise<Image | undefined>;
  listImages(): Promise<Image[]>;
  removeImage(image: string): Promise<void>;
}

/** A runtime error with a CRI-like reason the kubelet maps to container waiting reasons. */
export class RuntimeError extends Error {
  constructor(
    readonly reason: 'ErrImagePull' | 'ImageInspectError' | 'CreateContainerError' | 'RunContainerError' | 'NotFound',
    message: string,
  ) {
    super(message);
  }
}

/** Labels the kubelet sets on sandboxes and containers to find them again after a restart (upstream's names). */
export const LABEL_POD_NAME = 'io.kubernetes.pod.name';
export const LABEL_POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const LABEL_POD_UID = 'io.kubernetes.pod.uid';
export const LABEL_CONTAINER_NAME = 'io.kubernetes.container.name';
export const ANNOTATION_RESTART_COUNT = 'io.kubernetes.container.restartCount';
export const ANNOTATION_TERMINATION_GRACE = 'io.kubernetes.pod.terminationGracePeriod';
