// A pod's status computed from what the runtime reports (upstream
// generateAPIPodStatus / getPhase / convertToAPIContainerStatuses and the
// pod condition generators). Pure: the pod worker feeds it, the status manager writes it.
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IContainerStatus } from 'kubernetes-models/v1/ContainerStatus';
import type { IPod } from 'kubernetes-models/v1/Pod';
import type { IPodCondition } from 'kubernetes-models/v1/PodCondition';
import type { IPodStatus } from 'kubernetes-models/v1/PodStatus';
import { computePodQOS } from '../api/core/resources.js';
import { ANNOTATION_RESTART_COUNT, type ContainerStatus as RuntimeContainerStatus } from './runtime/types.js';
import { firstBytes, MAX_POD_TERMINATION_MESSAGE_LENGTH } from './termination-message.js';

export type PodPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export interface WaitingReason {
  reason: string;
  message?: string;
}

export interface PodStatusInput {
  pod: IPod;
  /** The pod's sandbox, when one exists. */
  sandbox?: { ready: boolean; ip: string };
  /** Every runtime container of the pod, all attempts. */
  containers: RuntimeContainerStatus[];
  /** Why a container that should run does not (CrashLoopBackOff, CreateContainerConfigError...), by container name. */
  waiting: Map<string, WaitingReason>;
  /** Readiness and startup probe results by container ID; absent means no result yet. */
  ready: Map<string, boolean>;
  started: Map<string, boolean>;
  hostIPs: string[];
  /** The runtime's name, the scheme of containerIDs ("containerd"). */
  runtimeName: string;
  now: Date;
}

function iso(nanos: bigint): string {
  return new Date(Number(nanos / 1_000_000n)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function isRestartableInit(c: IContainer): boolean {
  return c.restartPolicy === 'Always';
}

/** The runtime containers of one container name, newest first. */
export function attemptsOf(containers: RuntimeContainerStatus[], name: string): RuntimeContainerStatus[] {
  return containers.filter((c) => c.metadata.name === name).sort((a, b) => (a.createdAt === b.createdAt ? b.metadata.attempt - a.metadata.attempt : a.createdAt > b.createdAt ? -1 : 1));
}

/** Each container's share of the pod's termination messages (upstream's status manager cuts each to it). */
function messageShare(pod: IPod): number {
  const containers = (pod.spec?.containers ?? []).length + (pod.spec?.initContainers ?? []).length;
  return containers > 0 ? Math.floor(MAX_POD_TERMINATION_MESSAGE_LENGTH / containers) : MAX_POD_TERMINATION_MESSAGE_LENGTH;
}

function terminatedOf(c: RuntimeContainerStatus, input: PodStatusInput): NonNullable<IContainerStatus['state']>['terminated'] {
  const runtimeName = input.runtimeName;
  return {
    exitCode: c.exitCode,
    reason: c.reason || (c.exitCode === 0 ? 'Completed' : 'Error'),
    ...(c.message ? { message: firstBytes(c.message, messageShare(input.pod)) } : {}),
    startedAt: c.startedAt ? iso(c.startedAt) : undefined,
    finishedAt: iso(c.finishedAt),
    containerID: `${runtimeName}://${c.id}`,
  } as NonNullable<IContainerStatus['state']>['terminated'];
}

/** Upstream ShouldContainerBeRestarted for a container whose latest attempt exited with `exitCode`. */
function restartsAfterExit(spec: IContainer, pod: IPod, exitCode: number): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  if (isRestartableInit(spec)) return true;
  const policy = pod.spec?.restartPolicy ?? 'Always';
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

function restartCountOf(c: RuntimeContainerStatus): number {
  return Number(c.annotations[ANNOTATION_RESTART_COUNT] ?? c.metadata.attempt) || 0;
}

/** One container's API status. */
function containerStatus(spec: IContainer, input: PodStatusInput, defaultWaiting: string, previous: IContainerStatus | undefined): IContainerStatus {
  const attempts = attemptsOf(input.containers, spec.name);
  const [current, prior] = attempts;
  const override = input.waiting.get(spec.name);
  const status: IContainerStatus = {
    name: spec.name,
    state: {},
    lastState: {},
    ready: false,
    restartCount: 0,
    image: spec.image ?? '',
    imageID: '',
    started: false,
  };
  if (!current) {
    status.state = { waiting: override ? { reason: override.reason, ...(override.message ? { message: override.message } : {}) } : { reason: defaultWaiting } };
    // Keep what the API already showed: a container whose record is gone (the runtime restarted) keeps its last state.
    if (previous) {
      status.restartCount = previous.restartCount;
      status.lastState = previous.lastState ?? {};
    }
    return status;
  }
  status.image = current.image.image;
  status.imageID = current.imageRef;
  status.containerID = `${input.runtimeName}://${current.id}`;
  status.restartCount = restartCountOf(current);
  if (prior && prior.state === 'CONTAINER_EXITED') status.lastState = { terminated: terminatedOf(prior, input) };
  switch (current.state) {
    case 'CONTAINER_RUNNING': {
      status.state = { running: { startedAt: iso(current.startedAt) } };
      const started = spec.startupProbe ? input.started.get(current.id) === true : true;
      status.started = started;
      status.ready = started && (spec.readinessProbe ? input.ready.get(current.id) === true : true);
      break;
    }
    case 'CONTAINER_EXITED':
      // Only a container that will run again waits (back-off, a failed start); one that will not stays terminated,
      // as one that failed to start with restartPolicy Never: StartError, exit code 128.
      if (override && restartsAfterExit(spec, input.pod, current.exitCode)) {
        status.state = { waiting: { reason: override.reason, ...(override.message ? { message: override.message } : {}) } };
        status.lastState = { terminated: terminatedOf(current, input) };
      } else {
        status.state = { terminated: terminatedOf(current, input) };
      }
      break;
    default:
      status.state = { waiting: override ? { reason: override.reason, ...(override.message ? { message: override.message } : {}) } : { reason: 'ContainerCreating' } };
  }
  return status;
}

function exitedWithError(s: IContainerStatus): boolean {
  const t = s.state?.terminated ?? s.lastState?.terminated;
  return t !== undefined && t.exitCode !== 0;
}

/** getPhase: the pod's phase from its container statuses. */
export function podPhase(pod: IPod, init: IContainerStatus[], app: IContainerStatus[]): PodPhase {
  const restartPolicy = pod.spec?.restartPolicy ?? 'Always';
  const initSpecs = pod.spec?.initContainers ?? [];
  let pendingInit = 0;
  let failedInit = 0;
  for (const spec of initSpecs) {
    const s = init.find((x) => x.name === spec.name);
    if (isRestartableInit(spec)) {
      if (!s?.started) pendingInit++;
      continue;
    }
    if (!s) {
      pendingInit++;
    } else if (s.state?.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInit++;
    } else if (s.state?.waiting && exitedWithError(s)) {
      failedInit++;
    } else {
      pendingInit++;
    }
  }
  let unknown = 0;
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const spec of pod.spec?.containers ?? []) {
    const s = app.find((x) => x.name === spec.name);
    if (!s) unknown++;
    else if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else unknown++;
  }
  if (failedInit > 0 && restartPolicy === 'Never') return 'Failed';
  if (pendingInit > 0 || failedInit > 0) {
    // Restartable init containers running with all app containers started is Running.
    return 'Pending';
  }
  if (waiting > 0 || unknown > 0) return 'Pending';
  if (running > 0) return 'Running';
  const total = (pod.spec?.containers ?? []).length;
  if (stopped === total) {
    if (restartPolicy === 'Always') return 'Running';
    if (succeeded === stopped) return 'Succeeded';
    return restartPolicy === 'Never' ? 'Failed' : 'Running';
  }
  return 'Pending';
}

function condition(type: string, status: boolean, reason?: string, message?: string): IPodCondition {
  return { type, status: status ? 'True' : 'False', ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
}

function listMessage(kind: string, names: string[]): string {
  return `containers with ${kind} status: [${names.join(' ')}]`;
}

function initializedCondition(pod: IPod, init: IContainerStatus[], app: IContainerStatus[], phase: PodPhase): IPodCondition {
  const incomplete: string[] = [];
  for (const spec of pod.spec?.initContainers ?? []) {
    const s = init.find((x) => x.name === spec.name);
    if (isRestartableInit(spec) ? !s?.started : !(s?.state?.terminated && s.state.terminated.exitCode === 0)) incomplete.push(spec.name);
  }
  if (phase === 'Succeeded') return condition('Initialized', true, 'PodCompleted');
  if (incomplete.length === 0 || app.some((s) => s.state?.running || s.state?.terminated || s.lastState?.terminated)) return condition('Initialized', true);
  return condition('Initialized', false, 'ContainersNotInitialized', listMessage('incomplete', incomplete));
}

function containersReadyCondition(pod: IPod, init: IContainerStatus[], app: IContainerStatus[], phase: PodPhase): IPodCondition {
  if (phase === 'Succeeded') return condition('ContainersReady', false, 'PodCompleted');
  if (phase === 'Failed') return condition('ContainersReady', false, 'PodFailed');
  const unready: string[] = [];
  for (const spec of pod.spec?.initContainers ?? []) {
    if (isRestartableInit(spec) && !init.find((x) => x.name === spec.name)?.ready) unready.push(spec.name);
  }
  for (const spec of pod.spec?.containers ?? []) {
    if (!app.find((x) => x.name === spec.name)?.ready) unready.push(spec.name);
  }
  if (unready.length === 0) return condition('ContainersReady', true);
  return condition('ContainersReady', false, 'ContainersNotReady', listMessage('unready', unready));
}

function readyCondition(pod: IPod, containersReady: IPodCondition, existing: IPodCondition[]): IPodCondition {
  if (containersReady.status !== 'True') return { ...containersReady, type: 'Ready' };
  const unmet: string[] = [];
  for (const gate of pod.spec?.readinessGates ?? []) {
    const c = existing.find((x) => x.type === gate.conditionType);
    if (!c) unmet.push(`corresponding condition of pod readiness gate "${gate.conditionType}" does not exist.`);
    else if (c.status !== 'True') unmet.push(`the status of pod readiness gate "${gate.conditionType}" is not "True", but ${c.status}`);
  }
  if (unmet.length > 0) return condition('Ready', false, 'ReadinessGatesNotReady', unmet.join(', '));
  return condition('Ready', true);
}

const KUBELET_CONDITIONS = new Set(['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);

/** Keeps lastTransitionTime when a condition's status did not change. */
/**
 * The conditions to compute from: the kubelet's own as it last wrote them, and every other
 * condition (DisruptionTarget from an eviction, readiness gates) as the API has it now.
 */
export function conditionsToCarry(own: IPodCondition[] | undefined, fromApi: IPodCondition[] | undefined): IPodCondition[] {
  return [...(own ?? []).filter((c) => KUBELET_CONDITIONS.has(c.type)), ...(fromApi ?? []).filter((c) => !KUBELET_CONDITIONS.has(c.type))];
}

function withTransitionTimes(conditions: IPodCondition[], old: IPodCondition[], now: string): IPodCondition[] {
  return conditions.map((c) => {
    const prev = old.find((o) => o.type === c.type);
    return { ...c, lastProbeTime: null as unknown as undefined, lastTransitionTime: prev && prev.status === c.status && prev.lastTransitionTime ? prev.lastTransitionTime : now };
  });
}

/** The pod's status as the kubelet reports it. */
export function computePodStatus(input: PodStatusInput): IPodStatus {
  const { pod } = input;
  const old = pod.status ?? {};
  const hasInit = (pod.spec?.initContainers ?? []).length > 0;
  const defaultWaiting = hasInit ? 'PodInitializing' : 'ContainerCreating';
  const init = (pod.spec?.initContainers ?? []).map((c) => {
    const s = containerStatus(c, input, defaultWaiting, old.initContainerStatuses?.find((x) => x.name === c.name));
    // A regular init container is ready once it completed, never while it runs.
    if (!isRestartableInit(c)) s.ready = s.state?.terminated?.exitCode === 0;
    return s;
  });
  const app = (pod.spec?.containers ?? []).map((c) => containerStatus(c, input, defaultWaiting, old.containerStatuses?.find((s) => s.name === c.name)));
  const ephemeral = (pod.spec?.ephemeralContainers ?? []).map((c) => ({ ...containerStatus(c as IContainer, input, 'ContainerCreating', old.ephemeralContainerStatuses?.find((s) => s.name === c.name)), ready: false }));
  const phase = podPhase(pod, init, app);
  const now = input.now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const existing = old.conditions ?? [];
  const containersReady = containersReadyCondition(pod, init, app, phase);
  const sandboxReady = input.sandbox?.ready === true;
  const conditions = withTransitionTimes(
    [
      condition('PodReadyToStartContainers', sandboxReady),
      initializedCondition(pod, init, app, phase),
      readyCondition(pod, containersReady, existing),
      containersReady,
      condition('PodScheduled', true),
    ],
    existing,
    now,
  );
  // Conditions others own (readiness gates, DisruptionTarget...) stay.
  const foreign = existing.filter((c) => !KUBELET_CONDITIONS.has(c.type));
  const podIP = input.sandbox?.ready ? input.sandbox.ip : (old.podIP ?? '');
  const status: IPodStatus = {
    phase,
    conditions: [...conditions, ...foreign],
    hostIP: input.hostIPs[0],
    hostIPs: input.hostIPs.map((ip) => ({ ip })),
    ...(podIP ? { podIP, podIPs: [{ ip: podIP }] } : {}),
    startTime: old.startTime ?? now,
    ...(hasInit ? { initContainerStatuses: init } : {}),
    containerStatuses: app,
    ...(ephemeral.length > 0 ? { ephemeralContainerStatuses: ephemeral } : {}),
    qosClass: old.qosClass ?? computePodQOS(pod.spec),
  };
  return status;
}
