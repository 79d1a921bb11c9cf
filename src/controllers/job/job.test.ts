import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../controller-utils/types.js';
import { decideVerdict, type JobFacts } from './controller.js';
import type { Job, PodFailurePolicy } from './types.js';
import { backoffDelayMs, nextBackoffRecord, remainingBackoffMs } from './backoff.js';
import { setCondition, newCondition } from './conditions.js';
import { matchPodFailurePolicy } from './failure-policy.js';
import { completionIndexOf, formatIndexes, matchSuccessPolicy, parseIndexes, pendingIndexes } from './indexes.js';
import { JOB_TRACKING_FINALIZER, jobPod } from './pod-template.js';

test('completed indexes are compressed intervals', () => {
  assert.equal(formatIndexes([]), '');
  assert.equal(formatIndexes([0]), '0');
  assert.equal(formatIndexes([7, 1, 3, 4, 5, 1]), '1,3-5,7');
  assert.deepEqual(parseIndexes('1,3-5,7', 10), [1, 3, 4, 5, 7]);
  assert.deepEqual(parseIndexes('1,3-5,7', 5), [1, 3, 4], 'indexes beyond completions are dropped');
  assert.deepEqual(parseIndexes('', 5), []);
  assert.deepEqual(pendingIndexes(6, new Set([0, 2]), new Set([1]), 2), [3, 4]);
  assert.deepEqual(pendingIndexes(3, new Set([0, 1, 2]), new Set(), 2), []);
  assert.equal(completionIndexOf({ annotations: { 'batch.kubernetes.io/job-completion-index': '2' } }, 3), 2);
  assert.equal(completionIndexOf({ annotations: { 'batch.kubernetes.io/job-completion-index': '3' } }, 3), undefined);
  assert.equal(completionIndexOf({ annotations: { 'batch.kubernetes.io/job-completion-index': 'x' } }, 3), undefined);
});

test('pod re-creation backoff: 10 s doubling per failure since the last success, capped at 6 minutes', () => {
  assert.deepEqual([0, 1, 2, 3, 6, 7, 20].map((n) => backoffDelayMs(n)), [0, 10_000, 20_000, 40_000, 320_000, 360_000, 360_000]);
  const record = nextBackoffRecord({ failuresAfterLastSuccess: 0 }, [
    { finishedAt: 1000, failed: true },
    { finishedAt: 3000, failed: true },
    { finishedAt: 2000, failed: false },
  ]);
  assert.deepEqual(record, { failuresAfterLastSuccess: 1, lastFailureTime: 3000 });
  assert.equal(remainingBackoffMs(record, 5000), 8000);
  assert.equal(remainingBackoffMs(record, 20_000), 0);
  assert.equal(remainingBackoffMs(nextBackoffRecord(record, [{ finishedAt: 4000, failed: false }]), 4000), 0);
});

const failedPod = (containers: { name: string; exitCode: number }[], conditions: { type: string; status: string }[] = []): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns' },
  status: {
    phase: 'Failed',
    conditions,
    containerStatuses: containers.map((c) => ({ name: c.name, image: 'i', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: c.exitCode } } })),
  },
});

test('pod failure policy: the first matching rule decides', () => {
  const policy: PodFailurePolicy = {
    rules: [
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
      { action: 'Count', onExitCodes: { operator: 'NotIn', values: [1] } },
    ],
  };
  assert.deepEqual(matchPodFailurePolicy(policy, failedPod([{ name: 'main', exitCode: 1 }], [{ type: 'DisruptionTarget', status: 'True' }])), { countFailed: false, action: 'Ignore' });
  assert.deepEqual(matchPodFailurePolicy(policy, failedPod([{ name: 'main', exitCode: 42 }])), {
    countFailed: true,
    action: 'FailJob',
    message: 'Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 1',
  });
  assert.deepEqual(matchPodFailurePolicy(policy, failedPod([{ name: 'side', exitCode: 42 }])), { countFailed: true, action: 'Count' });
  assert.deepEqual(matchPodFailurePolicy(policy, failedPod([{ name: 'main', exitCode: 1 }])), { countFailed: true });
  const byCondition: PodFailurePolicy = { rules: [{ action: 'FailJob', onPodConditions: [{ type: 'ConfigIssue', status: 'True' }] }] };
  assert.equal(matchPodFailurePolicy(byCondition, failedPod([], [{ type: 'ConfigIssue', status: 'True' }])).message, 'Pod ns/p has condition ConfigIssue matching FailJob rule at index 0');
});

test('Indexed Job pods carry their index, hostname and JOB_COMPLETION_INDEX', () => {
  const ref = { apiVersion: 'batch/v1', kind: 'Job', name: 'pi', uid: 'u', controller: true, blockOwnerDeletion: true };
  const template = { metadata: { labels: { 'job-name': 'pi' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
  const pod = jobPod('pi', template, ref, 2);
  assert.equal(pod.metadata?.generateName, 'pi-2-');
  assert.equal(pod.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'], '2');
  assert.equal(pod.metadata?.labels?.['batch.kubernetes.io/job-completion-index'], '2');
  assert.deepEqual(pod.metadata?.finalizers, [JOB_TRACKING_FINALIZER]);
  assert.equal(pod.spec?.hostname, 'pi-2');
  assert.deepEqual(pod.spec?.containers[0].env, [
    { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } },
  ]);
  const plain = jobPod('pi', template, ref);
  assert.equal(plain.metadata?.generateName, 'pi-');
  assert.equal(plain.spec?.hostname, undefined);
  assert.equal('env' in template.spec.containers[0], false, 'the template is not modified');
});

test('conditions keep their transition time while their status holds', () => {
  const first = newCondition('Suspended', 'True', 'JobSuspended', 'Job suspended', '2024-01-01T00:00:00Z');
  const same = setCondition([first], newCondition('Suspended', 'True', 'JobSuspended', 'Job suspended', '2024-01-02T00:00:00Z'));
  assert.equal(same[0].lastTransitionTime, '2024-01-01T00:00:00Z');
  const flipped = setCondition([first], newCondition('Suspended', 'False', 'JobResumed', 'Job resumed', '2024-01-02T00:00:00Z'));
  assert.deepEqual([flipped.length, flipped[0].status, flipped[0].lastTransitionTime], [1, 'False', '2024-01-02T00:00:00Z']);
});

test('success policy: the first rule met by the completed indexes', () => {
  const rules = [{ succeededIndexes: '0,2-3', succeededCount: 2 }, { succeededIndexes: '1' }, { succeededCount: 3 }];
  assert.equal(matchSuccessPolicy(rules, new Set(), 5), undefined);
  assert.equal(matchSuccessPolicy(rules, new Set([0, 4]), 5), undefined);
  assert.equal(matchSuccessPolicy(rules, new Set([0, 3]), 5), 0);
  assert.equal(matchSuccessPolicy(rules, new Set([1]), 5), 1);
  assert.equal(matchSuccessPolicy(rules, new Set([0, 4, 5]), 6), 2);
});

test('the verdict: failures first, then the deadline, then success', () => {
  const job = (spec: Record<string, unknown>): Job => ({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: { template: {}, backoffLimit: 1, ...spec } });
  const facts = (f: Partial<JobFacts> = {}): JobFacts => ({ active: [], succeeded: 0, failed: 0, completed: new Set(), failedIndexes: new Set(), ...f });
  const reason = (j: Job, f: JobFacts) => decideVerdict(j, f)?.reason;
  assert.equal(reason(job({ completions: 1 }), facts({ failed: 2, succeeded: 1 })), 'BackoffLimitExceeded');
  assert.equal(reason(job({ completions: 1 }), facts({ failed: 1 })), undefined, 'backoffLimit 1 allows one failure');
  assert.equal(reason(job({ completions: 1 }), facts({ deadlineMs: 0, succeeded: 1 })), 'DeadlineExceeded');
  assert.equal(reason(job({ completions: 2 }), facts({ succeeded: 2 })), 'CompletionsReached');
  assert.equal(reason(job({}), facts({ succeeded: 1, active: [{ apiVersion: 'v1', kind: 'Pod' }] })), undefined, 'without completions, active pods finish first');
  assert.equal(reason(job({}), facts({ succeeded: 1 })), 'CompletionsReached');
  const indexed = { completionMode: 'Indexed', completions: 3, backoffLimitPerIndex: 0 };
  assert.equal(reason(job({ ...indexed, maxFailedIndexes: 0 }), facts({ failedIndexes: new Set([1]) })), 'MaxFailedIndexesExceeded');
  assert.equal(reason(job(indexed), facts({ failedIndexes: new Set([1]), completed: new Set([0]) })), undefined, 'index 2 still runs');
  assert.equal(reason(job(indexed), facts({ failedIndexes: new Set([1]), completed: new Set([0, 2]) })), 'FailedIndexes');
  const early = job({ completionMode: 'Indexed', completions: 3, successPolicy: { rules: [{ succeededCount: 1 }] } });
  assert.deepEqual(decideVerdict(early, facts({ completed: new Set([2]) })), { interim: 'SuccessCriteriaMet', reason: 'SuccessPolicy', message: 'Matched rules at index 0' });
});
