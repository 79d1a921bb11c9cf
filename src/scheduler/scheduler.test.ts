// The scheduler's cycle against an in-memory backend that records its writes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Scheduler, type SchedulerBackend } from './scheduler.js';
import { makeNode, makePod } from './testing.js';
import type { Pod, PodCondition, PodDisruptionBudget } from './types.js';

class Recorder implements SchedulerBackend {
  bound = new Map<string, string>();
  events: { pod: string; reason: string; message: string }[] = [];
  statuses: { pod: string; condition: PodCondition; nominated?: string }[] = [];
  preempted: string[] = [];
  pdbs: PodDisruptionBudget[] = [];

  bind(pod: Pod, nodeName: string): Promise<void> {
    this.bound.set(pod.metadata.name ?? '', nodeName);
    return Promise.resolve();
  }
  updatePodStatus(pod: Pod, condition: PodCondition, nominated: string | undefined): Promise<void> {
    this.statuses.push({ pod: pod.metadata.name ?? '', condition, nominated });
    return Promise.resolve();
  }
  preemptVictim(victim: Pod): Promise<void> {
    this.preempted.push(victim.metadata.name ?? '');
    return Promise.resolve();
  }
  event(pod: Pod, _type: string, reason: string, _action: string, message: string): void {
    this.events.push({ pod: pod.metadata.name ?? '', reason, message });
  }
  podDisruptionBudgets(): PodDisruptionBudget[] {
    return this.pdbs;
  }
  claim(): undefined {
    return undefined;
  }
}

/** Pops and schedules every pod currently in activeQ. */
async function drain(s: Scheduler): Promise<void> {
  while (s.queue.counts().active > 0) {
    const q = await s.queue.pop();
    if (q) s.scheduleOne(q);
  }
  await s.idle();
}

test('Scheduler: binds to a feasible node and records Scheduled', async () => {
  const backend = new Recorder();
  const s = new Scheduler(backend);
  s.onNodeAdd(makeNode('n1', { cpu: '1' }));
  s.onNodeAdd(makeNode('n2', { cpu: '4' }));
  s.onPodAdd(makePod('p', { cpu: '2' }));
  await drain(s);
  assert.equal(backend.bound.get('p'), 'n2');
  assert.deepEqual(backend.events, [{ pod: 'p', reason: 'Scheduled', message: 'Successfully assigned default/p to n2' }]);
});

test("Scheduler: the upstream FailedScheduling message and PodScheduled=False Unschedulable", async () => {
  const backend = new Recorder();
  const s = new Scheduler(backend);
  s.onNodeAdd(makeNode('small', { cpu: '1' }));
  s.onNodeAdd(makeNode('other', { labels: { disk: 'hdd' } }));
  s.onNodeAdd(makeNode('cp', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }], labels: { disk: 'ssd' } }));
  const pod = makePod('p', {
    cpu: '2',
    spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'NotIn', values: ['hdd'] }] }] } } } },
  });
  s.onPodAdd(pod);
  await drain(s);
  const expected =
    "0/3 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.";
  assert.deepEqual(backend.events, [{ pod: 'p', reason: 'FailedScheduling', message: expected }]);
  assert.equal(backend.statuses[0].condition.reason, 'Unschedulable');
  assert.equal(backend.statuses[0].condition.status, 'False');
  assert.equal(backend.statuses[0].condition.message, expected);
  assert.deepEqual(s.queue.counts(), { active: 0, backoff: 0, unschedulable: 1 });
});

test('Scheduler: an unschedulable pod is retried when a node is added', async () => {
  const backend = new Recorder();
  const s = new Scheduler(backend);
  s.onNodeAdd(makeNode('small', { cpu: '1' }));
  s.onPodAdd(makePod('p', { cpu: '2' }));
  await drain(s);
  assert.equal(backend.bound.size, 0);
  s.onNodeAdd(makeNode('big', { cpu: '8' }));
  // moved to backoff (attempted a moment ago); flush as if the second had passed
  const counts = s.queue.counts();
  assert.equal(counts.active + counts.backoff, 1);
  (s.queue as unknown as { now: () => number }).now = () => Date.now() + 2_000;
  s.queue.flushBackoffCompleted();
  await drain(s);
  assert.equal(backend.bound.get('p'), 'big');
});

test('Scheduler: two pods never take the last slot of one node (assumed pods count)', async () => {
  const backend = new Recorder();
  const s = new Scheduler(backend);
  s.onNodeAdd(makeNode('n', { cpu: '1' }));
  s.onPodAdd(makePod('a', { cpu: '600m' }));
  s.onPodAdd(makePod('b', { cpu: '600m' }));
  await drain(s);
  assert.equal(backend.bound.size, 1);
  assert.match(backend.events.find((e) => e.reason === 'FailedScheduling')?.message ?? '', /^0\/1 nodes are available: 1 Insufficient cpu\./);
});

test('Scheduler: pods for another scheduler are left alone', async () => {
  const backend = new Recorder();
  const s = new Scheduler(backend);
  s.onNodeAdd(makeNode('n'));
  s.onPodAdd(makePod('p', { spec: { schedulerName: 'my-scheduler' } }));
  assert.equal(s.queue.counts().active, 0);
});

test('Scheduler: higher priority pods are scheduled first', async () => {
  const backend = new Recorder();
  const s = new Scheduler(backend);
  s.onNodeAdd(makeNode('n', { cpu: '1' }));
  s.onPodAdd(makePod('low', { cpu: '1', priority: 1 }));
  s.onPodAdd(makePod('high', { cpu: '1', priority: 100 }));
  await drain(s);
  assert.equal(backend.bound.get('high'), 'n');
  assert.equal(backend.bound.has('low'), false);
});

test('Preemption: a high priority pod evicts the fewest lower-priority pods and is nominated', async () => {
  const backend = new Recorder();
  const s = new Scheduler(backend);
  s.onNodeAdd(makeNode('n1', { cpu: '2' }));
  s.onNodeAdd(makeNode('n2', { cpu: '2' }));
  // n1: two small low pods; n2: one big low pod. Freeing 1 cpu needs one pod on either node;
  // n1's victims have the lower priority.
  s.onPodAdd(makePod('a', { cpu: '1', nodeName: 'n1', priority: 1 }));
  s.onPodAdd(makePod('b', { cpu: '1', nodeName: 'n1', priority: 1 }));
  s.onPodAdd(makePod('c', { cpu: '2', nodeName: 'n2', priority: 5 }));
  s.onPodAdd(makePod('high', { cpu: '1', priority: 10 }));
  await drain(s);
  assert.equal(backend.preempted.length, 1);
  assert.ok(['a', 'b'].includes(backend.preempted[0]));
  const st = backend.statuses.find((x) => x.pod === 'high');
  assert.equal(st?.nominated, 'n1');
  assert.equal(backend.events[0].message, '0/2 nodes are available: 2 Insufficient cpu.');
});

test('Preemption: PodDisruptionBudgets steer the choice of victims', async () => {
  const backend = new Recorder();
  backend.pdbs = [{ metadata: { namespace: 'default', name: 'pdb' }, spec: { selector: { matchLabels: { app: 'protected' } } }, status: { disruptionsAllowed: 0 } }];
  const s = new Scheduler(backend);
  s.onNodeAdd(makeNode('n1', { cpu: '1' }));
  s.onNodeAdd(makeNode('n2', { cpu: '1' }));
  s.onPodAdd(makePod('protected', { cpu: '1', nodeName: 'n1', priority: 1, labels: { app: 'protected' } }));
  s.onPodAdd(makePod('free', { cpu: '1', nodeName: 'n2', priority: 1 }));
  s.onPodAdd(makePod('high', { cpu: '1', priority: 10 }));
  await drain(s);
  assert.deepEqual(backend.preempted, ['free']);
});

test('Preemption: preemptionPolicy Never and equal priority do not preempt', async () => {
  const backend = new Recorder();
  const s = new Scheduler(backend);
  s.onNodeAdd(makeNode('n', { cpu: '1' }));
  s.onPodAdd(makePod('low', { cpu: '1', nodeName: 'n', priority: 1 }));
  s.onPodAdd(makePod('never', { cpu: '1', priority: 10, spec: { preemptionPolicy: 'Never' } }));
  s.onPodAdd(makePod('same', { cpu: '1', priority: 1 }));
  await drain(s);
  assert.deepEqual(backend.preempted, []);
  const messages = new Map(backend.events.map((e) => [e.pod, e.message]));
  assert.equal(messages.get('never'), '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.');
  assert.equal(messages.get('same'), '0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.');
});

test('Preemption: removing a pod that the incoming pod is anti-affine to makes room', async () => {
  const backend = new Recorder();
  const s = new Scheduler(backend);
  s.onNodeAdd(makeNode('n'));
  s.onPodAdd(makePod('blocker', { nodeName: 'n', priority: 1, labels: { app: 'noisy' } }));
  s.onPodAdd(makePod('other', { nodeName: 'n', priority: 1, labels: { app: 'quiet' } }));
  const anti = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'noisy' } }, topologyKey: 'kubernetes.io/hostname' }] } };
  s.onPodAdd(makePod('high', { priority: 10, spec: { affinity: anti } }));
  await drain(s);
  assert.deepEqual(backend.preempted, ['blocker']);
  assert.equal(backend.events[0].message, "0/1 nodes are available: 1 node(s) didn't match pod anti-affinity rules.");
});

test('pickCandidate: fewest PDB violations, then lowest top victim priority, then fewest victims', async () => {
  const { pickCandidate } = await import('./preemption.js');
  const { PodInfo } = await import('./podinfo.js');
  const v = (name: string, priority: number) => new PodInfo(makePod(name, { priority }));
  const a = { node: 'a', victims: [v('a1', 5)], numPDBViolations: 1 };
  const b = { node: 'b', victims: [v('b1', 9)], numPDBViolations: 0 };
  const c = { node: 'c', victims: [v('c1', 3), v('c2', 3)], numPDBViolations: 0 };
  const d = { node: 'd', victims: [v('d1', 3)], numPDBViolations: 0 };
  assert.equal(pickCandidate([a, b]).node, 'b');
  assert.equal(pickCandidate([b, c]).node, 'c');
  assert.equal(pickCandidate([c, d]).node, 'd');
});

test('default spreading: replicas of one controller spread over nodes even when resources tie', async () => {
  const { defaultSelector } = await import('./defaultselector.js');
  const backend = new Recorder();
  const rs = { spec: { selector: { matchLabels: { app: 'web' } } } };
  Object.assign(backend, {
    defaultSelector: (pod: Pod) => defaultSelector({ services: () => [], replicationControllers: () => [], replicaSets: () => [rs], statefulSets: () => [] }, pod),
  });
  const s = new Scheduler(backend);
  for (const n of ['a', 'b', 'c']) s.onNodeAdd(makeNode(n, { cpu: '1000', memory: '4Ti' }));
  for (let i = 0; i < 6; i++) {
    s.onPodAdd(makePod(`web-${i}`, { labels: { app: 'web' } }));
    await drain(s); // each bound pod stays assumed in the cache, so the next one sees it
  }
  const perNode = new Map<string, number>();
  for (const n of backend.bound.values()) perNode.set(n, (perNode.get(n) ?? 0) + 1);
  assert.deepEqual([...perNode.values()].sort(), [2, 2, 2]);
});
