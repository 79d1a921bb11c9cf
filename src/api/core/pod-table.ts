// `kubectl get pods` (upstream printPod): READY, STATUS and RESTARTS as kubectl
// derives them from the pod's phase, conditions and container statuses.
import type { TableCell, TableColumn } from '../kind.js';
import { ageCell, ageColumn, column, nameColumn, timestampSince } from './printers.js';
import { isMap, mapOf, mapsOf, numberOf, stringOf, type JsonMap } from './util.js';
import { isRestartableInitContainer } from './container.js';

export const podColumns: TableColumn[] = [
  nameColumn,
  column('Ready', 'The aggregate readiness state of this pod for accepting traffic.'),
  column('Status', 'The aggregate status of the containers in this pod.'),
  column('Restarts', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
  ageColumn,
  column('IP', 'podIP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
  column('Node', 'NodeName indicates in which node this pod is scheduled. If empty, this pod is a candidate for scheduling by the scheduler defined in schedulerName. Once this field is set, the kubelet for this node becomes responsible for the lifecycle of this pod. This field should not be used to express a desire for the pod to be scheduled on a specific node. https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename', 1),
  column('Nominated Node', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.', 1),
  column('Readiness Gates', 'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates', 1),
];

/** Tracks the restart count and the latest restart across container statuses. */
class Restarts {
  count = 0;
  last = 0;

  add(status: JsonMap): void {
    this.count += numberOf(status.restartCount) ?? 0;
    const finished = stringOf(mapOf(mapOf(status.lastState).terminated).finishedAt);
    const at = finished ? Date.parse(finished) : NaN;
    if (!Number.isNaN(at) && at > this.last) this.last = at;
  }

  cell(now: number): string {
    if (this.count === 0 || this.last === 0) return String(this.count);
    return `${this.count} (${timestampSince(new Date(this.last).toISOString(), now)} ago)`;
  }
}

function conditionIs(status: JsonMap, type: string): boolean {
  return mapsOf(status.conditions).some((c) => c.type === type && c.status === 'True');
}

function terminatedReason(terminated: JsonMap, prefix: string): string {
  const reason = stringOf(terminated.reason);
  if (reason) return prefix + reason;
  const signal = numberOf(terminated.signal) ?? 0;
  return signal !== 0 ? `${prefix}Signal:${signal}` : `${prefix}ExitCode:${numberOf(terminated.exitCode) ?? 0}`;
}

interface PodSummary {
  ready: number;
  total: number;
  reason: string;
  restarts: string;
}

/** The init-container phase: whether it is still initializing, and how it reads. */
function initStatus(spec: JsonMap, status: JsonMap, sum: { ready: number; reason: string }, all: Restarts, sidecars: Restarts): boolean {
  const initContainers = new Map(mapsOf(spec.initContainers).map((c) => [stringOf(c.name), c]));
  const statuses = mapsOf(status.initContainerStatuses);
  for (let i = 0; i < statuses.length; i++) {
    const cs = statuses[i];
    const sidecar = isRestartableInitContainer(initContainers.get(stringOf(cs.name)));
    all.add(cs);
    if (sidecar) sidecars.add(cs);
    const state = mapOf(cs.state);
    const terminated = isMap(state.terminated) ? state.terminated : undefined;
    const waiting = isMap(state.waiting) ? state.waiting : undefined;
    if (terminated && (numberOf(terminated.exitCode) ?? 0) === 0) continue;
    if (sidecar && cs.started === true) {
      if (cs.ready === true) sum.ready++;
      continue;
    }
    if (terminated) sum.reason = terminatedReason(terminated, 'Init:');
    else if (waiting && stringOf(waiting.reason) && waiting.reason !== 'PodInitializing') sum.reason = 'Init:' + stringOf(waiting.reason);
    else sum.reason = `Init:${i}/${initContainers.size}`;
    return true;
  }
  return false;
}

function containerStatus(status: JsonMap, sum: { ready: number; reason: string }, restarts: Restarts): void {
  let hasRunning = false;
  const statuses = mapsOf(status.containerStatuses);
  for (let i = statuses.length - 1; i >= 0; i--) {
    const cs = statuses[i];
    restarts.add(cs);
    const state = mapOf(cs.state);
    const waiting = mapOf(state.waiting);
    const terminated = isMap(state.terminated) ? state.terminated : undefined;
    if (stringOf(waiting.reason)) sum.reason = stringOf(waiting.reason);
    else if (terminated) sum.reason = terminatedReason(terminated, '');
    else if (cs.ready === true && isMap(state.running)) {
      hasRunning = true;
      sum.ready++;
    }
  }
  if (sum.reason === 'Completed' && hasRunning) sum.reason = conditionIs(status, 'Ready') ? 'Running' : 'NotReady';
}

/** READY, STATUS and RESTARTS of a pod, as kubectl shows them. */
export function summarizePod(pod: JsonMap, now: number = Date.now()): PodSummary {
  const spec = mapOf(pod.spec);
  const status = mapOf(pod.status);
  const phase = stringOf(status.phase);
  const sum = { ready: 0, reason: stringOf(status.reason) || phase };
  if (mapsOf(status.conditions).some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) sum.reason = 'SchedulingGated';
  const total = mapsOf(spec.containers).length + mapsOf(spec.initContainers).filter(isRestartableInitContainer).length;
  let restarts = new Restarts();
  const sidecarRestarts = new Restarts();
  const initializing = initStatus(spec, status, sum, restarts, sidecarRestarts);
  if (!initializing || conditionIs(status, 'Initialized')) {
    restarts = sidecarRestarts;
    containerStatus(status, sum, restarts);
  }
  const deleting = Boolean(mapOf(pod.metadata).deletionTimestamp);
  if (deleting && status.reason === 'NodeLost') sum.reason = 'Unknown';
  else if (deleting && phase !== 'Succeeded' && phase !== 'Failed') sum.reason = 'Terminating';
  return { ready: sum.ready, total, reason: sum.reason, restarts: restarts.cell(now) };
}

function readinessGates(spec: JsonMap, status: JsonMap): string {
  const gates = mapsOf(spec.readinessGates);
  if (gates.length === 0) return '<none>';
  const conditions = mapsOf(status.conditions);
  const met = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return `${met}/${gates.length}`;
}

export function podIPOf(status: JsonMap): string {
  const first = mapsOf(status.podIPs)[0];
  return stringOf(first?.ip) || stringOf(status.podIP);
}

export function podCells(pod: JsonMap, now: number = Date.now()): TableCell[] {
  const spec = mapOf(pod.spec);
  const status = mapOf(pod.status);
  const sum = summarizePod(pod, now);
  return [
    stringOf(mapOf(pod.metadata).name),
    `${sum.ready}/${sum.total}`,
    sum.reason,
    sum.restarts,
    ageCell(pod, now),
    podIPOf(status) || '<none>',
    stringOf(spec.nodeName) || '<none>',
    stringOf(status.nominatedNodeName) || '<none>',
    readinessGates(spec, status),
  ];
}
