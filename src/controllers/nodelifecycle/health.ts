// The pure part of the node lifecycle controller (upstream nodelifecycle
// tryUpdateNodeHealth and the taint passes): when a node's kubelet has gone
// silent, and which taints its conditions call for.
import type { Node } from '../controller-utils/types.js';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';
export const TAINT_MEMORY_PRESSURE = 'node.kubernetes.io/memory-pressure';
export const TAINT_DISK_PRESSURE = 'node.kubernetes.io/disk-pressure';
export const TAINT_PID_PRESSURE = 'node.kubernetes.io/pid-pressure';
export const TAINT_NETWORK_UNAVAILABLE = 'node.kubernetes.io/network-unavailable';

/** Defaults of kube-controller-manager 1.33. */
export const NODE_MONITOR_GRACE_PERIOD_MS = 50_000;
export const NODE_STARTUP_GRACE_PERIOD_MS = 60_000;
export const NODE_MONITOR_PERIOD_MS = 5_000;

type NodeCondition = NonNullable<NonNullable<Node['status']>['conditions']>[number];
export type Taint = NonNullable<NonNullable<Node['spec']>['taints']>[number];

/** What the controller remembers of a node between passes (upstream nodeHealthData). */
export interface NodeHealth {
  /** When the controller last saw the kubelet alive (local clock, ms). */
  probeTimestamp: number;
  readyHeartbeat?: string;
  leaseRenewTime?: string;
}

export function condition(node: Node, type: string): NodeCondition | undefined {
  return node.status?.conditions?.find((c) => c.type === type);
}

/** The conditions the kubelet owns, set to Unknown when it stops posting. */
const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];

export interface HealthResult {
  health: NodeHealth;
  /** The node's new conditions when they must be set to Unknown. */
  unknownConditions?: NodeCondition[];
}

/**
 * tryUpdateNodeHealth: a heartbeat is a newer Ready lastHeartbeatTime or a newer
 * Lease renewTime; with none for the grace period (the startup grace period for
 * a node that never posted Ready), every kubelet condition becomes Unknown.
 */
export function checkNodeHealth(
  node: Node,
  previous: NodeHealth | undefined,
  leaseRenewTime: string | undefined,
  now: number,
  gracePeriodMs = NODE_MONITOR_GRACE_PERIOD_MS,
  startupGracePeriodMs = NODE_STARTUP_GRACE_PERIOD_MS,
): HealthResult {
  const ready = condition(node, 'Ready');
  const health: NodeHealth = previous
    ? { ...previous }
    : { probeTimestamp: now, readyHeartbeat: ready?.lastHeartbeatTime ?? undefined, leaseRenewTime };
  if (previous) {
    const heartbeat = ready?.lastHeartbeatTime ?? undefined;
    if (heartbeat !== previous.readyHeartbeat) {
      health.readyHeartbeat = heartbeat;
      health.probeTimestamp = now;
    }
    if (leaseRenewTime && (!previous.leaseRenewTime || Date.parse(leaseRenewTime) > Date.parse(previous.leaseRenewTime))) {
      health.leaseRenewTime = leaseRenewTime;
      health.probeTimestamp = now;
    }
  }
  const grace = ready ? gracePeriodMs : startupGracePeriodMs;
  if (now <= health.probeTimestamp + grace) return { health };
  const transition = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z');
  const conditions = [...(node.status?.conditions ?? [])];
  let changed = false;
  for (const type of KUBELET_CONDITIONS) {
    const i = conditions.findIndex((c) => c.type === type);
    if (i < 0) {
      const created = node.metadata?.creationTimestamp ?? transition;
      conditions.push({ type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.', lastHeartbeatTime: created, lastTransitionTime: transition });
      changed = true;
    } else if (conditions[i].status !== 'Unknown') {
      conditions[i] = { ...conditions[i], status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: transition };
      changed = true;
    }
  }
  return changed ? { health, unknownConditions: conditions } : { health };
}

function taint(key: string, effect: 'NoSchedule' | 'NoExecute', timeAdded?: string): Taint {
  return timeAdded ? { key, effect, timeAdded } : { key, effect };
}

/** doNoScheduleTaintingPass: the NoSchedule taints a node's conditions and spec call for. */
export function noScheduleTaints(node: Node): Taint[] {
  const wanted: Taint[] = [];
  const ready = condition(node, 'Ready')?.status;
  if (ready === 'False') wanted.push(taint(TAINT_NOT_READY, 'NoSchedule'));
  if (ready === 'Unknown') wanted.push(taint(TAINT_UNREACHABLE, 'NoSchedule'));
  if (condition(node, 'MemoryPressure')?.status === 'True') wanted.push(taint(TAINT_MEMORY_PRESSURE, 'NoSchedule'));
  if (condition(node, 'DiskPressure')?.status === 'True') wanted.push(taint(TAINT_DISK_PRESSURE, 'NoSchedule'));
  if (condition(node, 'PIDPressure')?.status === 'True') wanted.push(taint(TAINT_PID_PRESSURE, 'NoSchedule'));
  if (condition(node, 'NetworkUnavailable')?.status === 'True') wanted.push(taint(TAINT_NETWORK_UNAVAILABLE, 'NoSchedule'));
  if (node.spec?.unschedulable) wanted.push(taint(TAINT_UNSCHEDULABLE, 'NoSchedule'));
  return wanted;
}

const NO_SCHEDULE_KEYS = [TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_MEMORY_PRESSURE, TAINT_DISK_PRESSURE, TAINT_PID_PRESSURE, TAINT_NETWORK_UNAVAILABLE, TAINT_UNSCHEDULABLE];

/** processTaintBaseEviction: the NoExecute taint for a NotReady (False) or unreachable (Unknown) node. */
export function noExecuteTaints(node: Node, now: string): Taint[] {
  const ready = condition(node, 'Ready')?.status;
  const existing = (key: string) => node.spec?.taints?.find((t) => t.key === key && t.effect === 'NoExecute');
  if (ready === 'False') return [existing(TAINT_NOT_READY) ?? taint(TAINT_NOT_READY, 'NoExecute', now)];
  if (ready === 'Unknown') return [existing(TAINT_UNREACHABLE) ?? taint(TAINT_UNREACHABLE, 'NoExecute', now)];
  return [];
}

/** The node's taints with the controller's own replaced by `noSchedule` and `noExecute`; undefined when unchanged. */
export function reconcileTaints(node: Node, noSchedule: Taint[], noExecute: Taint[]): Taint[] | undefined {
  const current = node.spec?.taints ?? [];
  const ours = (t: Taint) =>
    (t.effect === 'NoSchedule' && NO_SCHEDULE_KEYS.includes(t.key)) || (t.effect === 'NoExecute' && (t.key === TAINT_NOT_READY || t.key === TAINT_UNREACHABLE));
  const kept = current.filter((t) => !ours(t));
  const mine = (list: Taint[]) => list.map((t) => current.find((c) => c.key === t.key && c.effect === t.effect) ?? t);
  const next = [...kept, ...mine(noSchedule), ...mine(noExecute)];
  const key = (list: Taint[]) => JSON.stringify(list.map((t) => `${t.key}:${t.effect}`).sort());
  return key(next) === key(current) ? undefined : next;
}

// ---- Zone disruption (upstream ComputeZoneState and handleDisruption) ----

export type ZoneState = 'Normal' | 'PartialDisruption' | 'FullDisruption';

/** --unhealthy-zone-threshold and --large-cluster-size-threshold defaults. */
export const UNHEALTHY_ZONE_THRESHOLD = 0.55;
export const LARGE_CLUSTER_SIZE_THRESHOLD = 50;

/** A node's zone key: region and zone labels (nodes without them share the empty zone). */
export function zoneOf(node: Node): string {
  const labels = node.metadata?.labels ?? {};
  return `${labels['topology.kubernetes.io/region'] ?? ''}:\x00:${labels['topology.kubernetes.io/zone'] ?? ''}`;
}

/** ComputeZoneState: every node not ready is a full disruption; more than two and 55% a partial one. */
export function zoneState(nodes: Node[]): ZoneState {
  const notReady = nodes.filter((n) => condition(n, 'Ready')?.status !== 'True').length;
  if (notReady > 0 && notReady === nodes.length) return 'FullDisruption';
  if (notReady > 2 && notReady / nodes.length >= UNHEALTHY_ZONE_THRESHOLD) return 'PartialDisruption';
  return 'Normal';
}

/** --node-eviction-rate and --secondary-node-eviction-rate defaults (nodes per second and zone). */
export const NODE_EVICTION_RATE = 0.1;
export const SECONDARY_NODE_EVICTION_RATE = 0.01;

export interface DisruptionView {
  /** Every zone fully disrupted: the control plane, not the nodes, is probably cut off; evict nothing. */
  allDisrupted: boolean;
  /** Nodes per second of a zone that may get new NoExecute taints (0: none). */
  taintRate(zone: string): number;
}

/**
 * handleDisruption: zones taint at --node-eviction-rate; a zone in partial
 * disruption at the secondary rate, which is 0 up to 50 nodes; when every
 * zone is fully disrupted, NoExecute taints are taken off every node.
 */
export function disruptionView(nodes: Node[]): DisruptionView {
  const zones = new Map<string, Node[]>();
  for (const n of nodes) {
    const z = zoneOf(n);
    zones.set(z, [...(zones.get(z) ?? []), n]);
  }
  const states = new Map([...zones].map(([z, list]) => [z, zoneState(list)]));
  const allDisrupted = states.size > 0 && [...states.values()].every((s) => s === 'FullDisruption');
  const secondary = nodes.length <= LARGE_CLUSTER_SIZE_THRESHOLD ? 0 : SECONDARY_NODE_EVICTION_RATE;
  return {
    allDisrupted,
    taintRate: (zone) => (allDisrupted ? 0 : states.get(zone) === 'PartialDisruption' ? secondary : NODE_EVICTION_RATE),
  };
}
