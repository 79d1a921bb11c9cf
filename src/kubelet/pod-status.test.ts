import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IPod } from 'kubernetes-models/v1/Pod';
import { computePodStatus, type PodStatusInput, type WaitingReason } from './pod-status.js';
import { ANNOTATION_RESTART_COUNT, type ContainerStatus } from './runtime/types.js';

const T0 = 1_700_000_000_000n * 1_000_000n;
let seq = 0;

function ctr(name: string, state: ContainerStatus['state'], opts: { exitCode?: number; attempt?: number } = {}): ContainerStatus {
  seq++;
  const attempt = opts.attempt ?? 0;
  return {
    id: `id${seq}`,
    podSandboxId: 'sb',
    metadata: { name, attempt },
    image: { image: 'docker.io/library/busybox:latest' },
    imageRef: 'docker.io/library/busybox@sha256:abc',
    state,
    createdAt: T0 + BigInt(seq) * 1_000_000n,
    labels: {},
    annotations: { [ANNOTATION_RESTART_COUNT]: String(attempt) },
    startedAt: T0 + BigInt(seq) * 1_000_000n,
    finishedAt: state === 'CONTAINER_EXITED' ? T0 + BigInt(seq + 1) * 1_000_000n : 0n,
    exitCode: opts.exitCode ?? 0,
    reason: '',
    message: '',
    logPath: '',
  };
}

function pod(spec: Partial<NonNullable<IPod['spec']>>): IPod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', uid: 'u' }, spec: { containers: [{ name: 'app', image: 'busybox' }], ...spec } as IPod['spec'], status: { phase: 'Pending', qosClass: 'BestEffort' } } as IPod;
}

function input(p: IPod, containers: ContainerStatus[], waiting: Record<string, WaitingReason> = {}, ready: Record<string, boolean> = {}): PodStatusInput {
  return { pod: p, sandbox: { ready: true, ip: '10.42.0.7' }, containers, waiting: new Map(Object.entries(waiting)), ready: new Map(Object.entries(ready)), started: new Map(), hostIPs: ['172.18.0.2'], runtimeName: 'k8ts-simulated', now: new Date('2026-01-01T00:00:00Z') };
}

function cond(status: ReturnType<typeof computePodStatus>, type: string) {
  const c = status.conditions!.find((x) => x.type === type)!;
  return [c.status, c.reason ?? '', c.message ?? ''];
}

test('a container not yet created waits in ContainerCreating; the pod is Pending', () => {
  const s = computePodStatus(input(pod({}), []));
  assert.equal(s.phase, 'Pending');
  assert.deepEqual(s.containerStatuses![0].state, { waiting: { reason: 'ContainerCreating' } });
  assert.deepEqual(cond(s, 'Ready'), ['False', 'ContainersNotReady', 'containers with unready status: [app]']);
  assert.deepEqual(s.conditions!.map((c) => c.type), ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
  assert.equal(s.podIP, '10.42.0.7');
  assert.equal(s.hostIP, '172.18.0.2');
});

test('running and ready: Running with all conditions True', () => {
  const s = computePodStatus(input(pod({}), [ctr('app', 'CONTAINER_RUNNING')]));
  assert.equal(s.phase, 'Running');
  const cs = s.containerStatuses![0];
  assert.equal(cs.ready, true);
  assert.equal(cs.started, true);
  assert.match(cs.containerID!, /^k8ts-simulated:\/\/id/);
  assert.equal(cs.imageID, 'docker.io/library/busybox@sha256:abc');
  assert.ok(s.conditions!.every((c) => c.status === 'True'));
});

test('Container Runtime, Restart Policy, Pod Phases', () => {
  const exited0 = () => [ctr('app', 'CONTAINER_EXITED', { exitCode: 0 })];
  const exited1 = () => [ctr('app', 'CONTAINER_EXITED', { exitCode: 1 })];
  assert.equal(computePodStatus(input(pod({ restartPolicy: 'Never' }), exited0())).phase, 'Succeeded');
  assert.equal(computePodStatus(input(pod({ restartPolicy: 'Never' }), exited1())).phase, 'Failed');
  assert.equal(computePodStatus(input(pod({ restartPolicy: 'OnFailure' }), exited0())).phase, 'Succeeded');
  assert.equal(computePodStatus(input(pod({ restartPolicy: 'OnFailure' }), exited1())).phase, 'Running');
  assert.equal(computePodStatus(input(pod({ restartPolicy: 'Always' }), exited0())).phase, 'Running');
  const done = computePodStatus(input(pod({ restartPolicy: 'Never' }), exited0()));
  assert.deepEqual(cond(done, 'Ready'), ['False', 'PodCompleted', '']);
  assert.equal(done.containerStatuses![0].state!.terminated!.reason, 'Completed');
  const failed = computePodStatus(input(pod({ restartPolicy: 'Never' }), exited1()));
  assert.equal(failed.containerStatuses![0].state!.terminated!.reason, 'Error');
  assert.deepEqual(cond(failed, 'ContainersReady'), ['False', 'PodFailed', '']);
});

test('CrashLoopBackOff: waiting with the back-off message, last state terminated, restart count', () => {
  const s = computePodStatus(
    input(pod({}), [ctr('app', 'CONTAINER_EXITED', { exitCode: 1, attempt: 0 }), ctr('app', 'CONTAINER_EXITED', { exitCode: 1, attempt: 1 })], {
      app: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=app pod=p_default(u)' },
    }),
  );
  const cs = s.containerStatuses![0];
  assert.equal(s.phase, 'Running');
  assert.equal(cs.state!.waiting!.reason, 'CrashLoopBackOff');
  assert.equal(cs.lastState!.terminated!.exitCode, 1);
  assert.equal(cs.restartCount, 1);
});

test('a restarted container shows the previous attempt as lastState', () => {
  const s = computePodStatus(input(pod({}), [ctr('app', 'CONTAINER_EXITED', { exitCode: 137 }), ctr('app', 'CONTAINER_RUNNING', { attempt: 1 })]));
  const cs = s.containerStatuses![0];
  assert.ok(cs.state!.running);
  assert.equal(cs.lastState!.terminated!.exitCode, 137);
  assert.equal(cs.restartCount, 1);
});

test('init containers: PodInitializing, Initialized False until each succeeded, Failed with Never', () => {
  const spec = { initContainers: [{ name: 'init1', image: 'busybox' }, { name: 'init2', image: 'busybox' }] };
  const first = computePodStatus(input(pod(spec), [ctr('init1', 'CONTAINER_RUNNING')]));
  assert.equal(first.phase, 'Pending');
  assert.deepEqual(first.initContainerStatuses!.map((c) => Object.keys(c.state!)[0]), ['running', 'waiting']);
  assert.deepEqual(first.initContainerStatuses!.map((c) => c.ready), [false, false]);
  assert.equal(first.containerStatuses![0].state!.waiting!.reason, 'PodInitializing');
  assert.deepEqual(cond(first, 'Initialized'), ['False', 'ContainersNotInitialized', 'containers with incomplete status: [init1 init2]']);
  const done = computePodStatus(input(pod(spec), [ctr('init1', 'CONTAINER_EXITED'), ctr('init2', 'CONTAINER_EXITED'), ctr('app', 'CONTAINER_RUNNING')]));
  assert.deepEqual(cond(done, 'Initialized'), ['True', '', '']);
  assert.deepEqual(done.initContainerStatuses!.map((c) => c.ready), [true, true]);
  assert.equal(done.phase, 'Running');
  const failed = computePodStatus(input(pod({ ...spec, restartPolicy: 'Never' }), [ctr('init1', 'CONTAINER_EXITED', { exitCode: 1 })]));
  assert.equal(failed.phase, 'Failed');
  const retrying = computePodStatus(input(pod(spec), [ctr('init1', 'CONTAINER_EXITED', { exitCode: 1 })], { init1: { reason: 'CrashLoopBackOff' } }));
  assert.equal(retrying.phase, 'Pending');
});

test('readiness: a container with a readiness probe is not ready until it passes', () => {
  const spec = { containers: [{ name: 'app', image: 'nginx', readinessProbe: { httpGet: { port: 80 } } }] };
  const running = ctr('app', 'CONTAINER_RUNNING');
  const s = computePodStatus(input(pod(spec), [running]));
  assert.equal(s.phase, 'Running');
  assert.deepEqual(cond(s, 'Ready'), ['False', 'ContainersNotReady', 'containers with unready status: [app]']);
  const ok = computePodStatus(input(pod(spec), [running], {}, { [running.id]: true }));
  assert.deepEqual(cond(ok, 'Ready'), ['True', '', '']);
});

test('readiness gates hold Ready back until their condition is True', () => {
  const p = pod({ readinessGates: [{ conditionType: 'example.com/gate' }] });
  const s = computePodStatus(input(p, [ctr('app', 'CONTAINER_RUNNING')]));
  assert.deepEqual(cond(s, 'Ready'), ['False', 'ReadinessGatesNotReady', 'corresponding condition of pod readiness gate "example.com/gate" does not exist.']);
  assert.deepEqual(cond(s, 'ContainersReady'), ['True', '', '']);
});

test('CreateContainerConfigError shows as the waiting reason with its message', () => {
  const s = computePodStatus(input(pod({}), [], { app: { reason: 'CreateContainerConfigError', message: 'configmap "cfg" not found' } }));
  assert.deepEqual(s.containerStatuses![0].state, { waiting: { reason: 'CreateContainerConfigError', message: 'configmap "cfg" not found' } });
  assert.equal(s.phase, 'Pending');
});

test('Pods, QOS: the pod keeps the QoS class it was created with', () => {
  const s = computePodStatus(input(pod({ containers: [{ name: 'app', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' } } }] }), []));
  assert.equal(s.qosClass, 'BestEffort');
  const p = pod({ containers: [{ name: 'app', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } } }] });
  delete p.status!.qosClass;
  assert.equal(computePodStatus(input(p, [])).qosClass, 'Guaranteed');
});

test('termination messages share 12 KiB between the pod containers: each is cut to its share', () => {
  const names = ['a', 'b', 'c', 'd'];
  const p = pod({ restartPolicy: 'Never', containers: names.map((name) => ({ name, image: 'busybox' })) });
  const exited = names.map((name) => ({ ...ctr(name, 'CONTAINER_EXITED'), message: name === 'a' ? 'x'.repeat(4000) : 'short' }));
  const s = computePodStatus(input(p, exited));
  assert.equal(s.containerStatuses![0].state?.terminated?.message, 'x'.repeat(3072));
  assert.equal(s.containerStatuses![1].state?.terminated?.message, 'short');
});

test('a container that failed to start waits in RunContainerError if it will be restarted, else stays terminated: StartError, Failed', () => {
  const startError = (restartPolicy: 'Always' | 'OnFailure' | 'Never') => {
    const failed = { ...ctr('app', 'CONTAINER_EXITED', { exitCode: 128 }), reason: 'StartError', message: 'exec: "nope": executable file not found in $PATH' };
    return computePodStatus(input(pod({ restartPolicy }), [failed], { app: { reason: 'RunContainerError', message: failed.message } }));
  };
  const never = startError('Never');
  assert.equal(never.phase, 'Failed');
  const cs = never.containerStatuses![0];
  assert.deepEqual([cs.state?.terminated?.reason, cs.state?.terminated?.exitCode, cs.state?.terminated?.message], ['StartError', 128, 'exec: "nope": executable file not found in $PATH']);
  assert.deepEqual(cs.lastState, {});
  for (const policy of ['Always', 'OnFailure'] as const) {
    const s = startError(policy);
    assert.equal(s.containerStatuses![0].state?.waiting?.reason, 'RunContainerError', policy);
    assert.equal(s.containerStatuses![0].lastState?.terminated?.reason, 'StartError', policy);
    assert.equal(s.phase, 'Running', policy);
  }
});
