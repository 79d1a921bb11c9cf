// What every controller receives from the controller manager: the API client,
// shared informers (one list+watch per resource, shared by all controllers),
// an event recorder per component, and a logger tagged with the controller.
import type { KubeObject, ResourceClient, ResourceRef } from '../client/types.js';
import type { Selector } from '../machinery/labels.js';
import type { CertificateAuthority } from '../pki/index.js';

export interface ControllerLog {
  debug(msg: string): void;
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export type EventType = 'Normal' | 'Warning';

/** Records core/v1 Events about an object (upstream record.EventRecorder). */
export interface EventRecorder {
  event(object: KubeObject, type: EventType, reason: string, message: string): void;
}

/** The part of the API client controllers write through. */
export interface ControllerClient {
  resource<T extends KubeObject>(ref: ResourceRef): ResourceClient<T>;
  /** A raw request (discovery, deletecollection, subresources), answered with the parsed JSON. */
  request<R = unknown>(method: string, path: string, options?: { query?: Record<string, string | undefined>; body?: unknown; contentType?: string }): Promise<R>;
}

/** A read-only view of an informer's cache (src/client Lister). */
export interface Lister<T extends KubeObject> {
  list(namespace?: string, labelSelector?: string | Selector): T[];
  get(namespace: string | undefined, name: string): T | undefined;
}

export interface InformerHandlers<T extends KubeObject> {
  onAdd?(object: T, isInInitialList: boolean): void;
  onUpdate?(old: T, object: T): void;
  /** On a delete inferred by a relist, the last state the cache saw. */
  onDelete?(object: T, info: { finalStateUnknown: boolean }): void;
}

export interface ControllerInformer<T extends KubeObject> {
  readonly lister: Lister<T>;
  addEventHandler(handlers: InformerHandlers<T>): unknown;
  hasSynced(): boolean;
  /** A named secondary index of the cache (the informer is shared: check hasIndexer first). */
  addIndexer(name: string, fn: (obj: T) => string[]): void;
  hasIndexer(name: string): boolean;
  byIndex(name: string, value: string): T[];
}

/** One informer per resource, shared by every controller of the manager (src/client SharedInformerFactory). */
export interface ControllerInformers {
  informerFor<T extends KubeObject>(ref: ResourceRef): ControllerInformer<T>;
  /** Starts every informer asked for so far, and later ones as they are asked for. */
  start(): void;
  /** Resolves true once every informer asked for so far has listed. */
  waitForCacheSync(): Promise<boolean>;
  stop(): Promise<void>;
}

/** kube-controller-manager flags the controllers read (upstream defaults when unset). */
export interface ControllerConfig {
  /** --node-monitor-grace-period in ms. */
  nodeMonitorGracePeriodMs?: number;
  /** --node-startup-grace-period in ms. */
  nodeStartupGracePeriodMs?: number;
  /** --node-monitor-period in ms. */
  nodeMonitorPeriodMs?: number;
  /** --terminated-pod-gc-threshold (0 disables). */
  terminatedPodGCThreshold?: number;
  /** --cluster-signing-duration in ms (the longest certificate the built-in signers issue; a year). */
  clusterSigningDurationMs?: number;
}

export interface ControllerContext {
  client: ControllerClient;
  config?: ControllerConfig;
  informers: ControllerInformers;
  recorder(component: string): EventRecorder;
  log: ControllerLog;
  /** The cluster CA certificate (PEM) the root CA publisher hands to every namespace. */
  rootCAPem?: string;
  /** The CA the built-in CSR signers sign with (--cluster-signing-cert-file/--cluster-signing-key-file); none: they do not run. */
  signingCA?: CertificateAuthority;
}

/** A controller: `start` registers its informer handlers and runs its workers until `signal` aborts. */
export interface Controller {
  name: string;
  start(ctx: ControllerContext, signal: AbortSignal): Promise<void> | void;
}
