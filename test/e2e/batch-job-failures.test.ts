// How Jobs handle failing pods, end to end: retries and backoff, the pod
// failure policy, deadlines, per-index limits and success policies.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiClient } from '../helpers/api.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { eventually } from './apps-readiness.js';
import { batchHelpers } from './batch-helpers.js';

describe('batch: Job failures', () => {
  let cluster: TestCluster;
  const ns = 'default';
  const { create, getJob, jobPods, condition, events, waitCondition, job } = batchHelpers(() => cluster, ns);

  before(async () => {
    cluster = await startTestCluster({ simulatedNodes: 2, kubeletBackoffBaseMs: 1000 });
  });
  after(async () => cluster.stop());
  test('Jobs, completion after task failure', async () => {
    await create(job('fail-once', { completions: 3, parallelism: 2, backoffLimit: 6 }, { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'sleep 8'] }] }));
    // The task fails once: one running pod is killed, and the Job replaces it.
    const victim = await eventually('a running pod', async () => (await jobPods('fail-once')).find((p) => p.status.phase === 'Running'));
    await cluster.kubectl(['delete', 'pod', victim.metadata.name, '--wait=false']);
    await eventually('the failure counted', async () => (await getJob('fail-once')).status?.failed === 1);
    const done = await waitCondition('fail-once', 'Complete', 80_000);
    assert.equal(done.status?.succeeded, 3);
    assert.equal(done.status?.failed, 1);
  });

  test('Verify Pod Failure policy allows to fail job early on exit code.', async () => {
    await create(
      job(
        'fail-early',
        {
          completions: 2,
          parallelism: 2,
          completionMode: 'Indexed',
          backoffLimit: 6,
          podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'c', operator: 'In', values: [1] } }] },
        },
        { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'sleep 1; exit $JOB_COMPLETION_INDEX'] }] },
      ),
    );
    const failed = await waitCondition('fail-early', 'Failed');
    const reasonOf = (type: string) => failed.status?.conditions?.find((c) => c.type === type);
    assert.equal(reasonOf('Failed')?.reason, 'PodFailurePolicy');
    assert.match(reasonOf('Failed')?.message ?? '', /^Container c for pod default\/fail-early-1-[a-z0-9]{5} failed with exit code 1 matching FailJob rule at index 0$/);
    assert.equal(reasonOf('FailureTarget')?.reason, 'PodFailurePolicy');
    assert.equal(failed.status?.completionTime, undefined);
    assert.match(await cluster.kubectl(['get', 'job', 'fail-early', '--no-headers']), /fail-early\s+Failed\s+/);
  });

  test('Ensure pod failure policy allows to ignore failure matching on the DisruptionTarget condition', async () => {
    await create(
      job(
        'ignore-disruption',
        {
          completions: 2,
          parallelism: 2,
          completionMode: 'Indexed',
          backoffLimit: 0,
          podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] },
        },
        { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'sleep 5'] }] },
      ),
    );
    const api = await apiClient(cluster.kubeconfig);
    // Evict each index once: the evicted pods fail with DisruptionTarget, which the policy ignores.
    for (const index of ['0', '1']) {
      const pod = await eventually(`a running pod of index ${index}`, async () =>
        (await jobPods('ignore-disruption')).find((p) => p.status.phase === 'Running' && p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'] === index),
      );
      const eviction = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: pod.metadata.name, namespace: ns } };
      const res = await api.request('POST', `/api/v1/namespaces/${ns}/pods/${pod.metadata.name}/eviction`, eviction);
      assert.equal(res.status, 201, res.text);
    }
    const done = await waitCondition('ignore-disruption', 'Complete', 80_000);
    assert.equal(done.status?.succeeded, 2);
    assert.equal(done.status?.failed ?? 0, 0);
  });

  test('a Job past its backoffLimit fails with BackoffLimitExceeded', async () => {
    await create(job('backoff', { backoffLimit: 0 }, { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'exit 3'] }] }));
    const failed = await waitCondition('backoff', 'Failed');
    assert.equal(failed.status?.failed, 1);
    assert.deepEqual(
      failed.status?.conditions?.filter((c) => c.status === 'True').map((c) => `${c.type}/${c.reason}/${c.message}`),
      ['FailureTarget/BackoffLimitExceeded/Job has reached the specified backoff limit', 'Failed/BackoffLimitExceeded/Job has reached the specified backoff limit'],
    );
    await eventually('the event', async () => (await events('backoff')).includes('BackoffLimitExceeded: Job has reached the specified backoff limit'));
  });

  test('with restartPolicy OnFailure, container restarts count towards backoffLimit', async () => {
    await create(job('on-failure', { backoffLimit: 2 }, { restartPolicy: 'OnFailure', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'exit 1'] }] }));
    const failed = await waitCondition('on-failure', 'Failed');
    assert.equal(condition(failed, 'Failed')?.reason, 'BackoffLimitExceeded');
    // The pod restarted in place (no second pod) and was deleted when the Job failed, as upstream does.
    const created = (await events('on-failure')).split('\n').filter((l) => l.startsWith('SuccessfulCreate'));
    assert.equal(created.length, 1);
    assert.match(await events('on-failure'), /SuccessfulDelete: Deleted pod: on-failure-/);
    await eventually('the pod gone', async () => (await jobPods('on-failure')).length === 0);
  });

  test('a Job past activeDeadlineSeconds fails with DeadlineExceeded and loses its pods', async () => {
    await create(job('deadline', { activeDeadlineSeconds: 3, parallelism: 2, completions: 2 }, { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] }));
    const failed = await waitCondition('deadline', 'Failed');
    assert.equal(condition(failed, 'Failed')?.reason, 'DeadlineExceeded');
    assert.equal(condition(failed, 'Failed')?.message, 'Job was active longer than specified deadline');
    assert.equal(failed.status?.active ?? 0, 0);
    assert.equal(failed.status?.failed, 2);
    const ev = await events('deadline');
    assert.match(ev, /SuccessfulDelete: Deleted pod: deadline-/);
    assert.match(ev, /DeadlineExceeded: Job was active longer than specified deadline/);
  });

  test('backoffLimitPerIndex fails indexes, not the Job, until every index is done', async () => {
    await create(
      job('per-index', { completions: 3, parallelism: 3, completionMode: 'Indexed', backoffLimitPerIndex: 0 }, { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'sleep 1; exit $JOB_COMPLETION_INDEX'] }] }),
    );
    const failed = await waitCondition('per-index', 'Failed');
    assert.equal(condition(failed, 'Failed')?.reason, 'FailedIndexes');
    assert.equal(condition(failed, 'Failed')?.message, 'Job has failed indexes');
    assert.equal(failed.status?.completedIndexes, '0');
    assert.equal((failed.status as { failedIndexes?: string }).failedIndexes, '1-2');
    assert.equal(failed.status?.failed, 2);
    for (const p of await jobPods('per-index')) assert.equal(p.metadata.annotations?.['batch.kubernetes.io/job-index-failure-count'], '0');
  });

  test('the FailIndex action fails an index at its first matching failure', async () => {
    await create(
      job(
        'fail-index',
        {
          completions: 2,
          parallelism: 2,
          completionMode: 'Indexed',
          backoffLimitPerIndex: 3,
          podFailurePolicy: { rules: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [1] } }] },
        },
        { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'sleep 1; exit $JOB_COMPLETION_INDEX'] }] },
      ),
    );
    const failed = await waitCondition('fail-index', 'Failed');
    assert.equal(condition(failed, 'Failed')?.reason, 'FailedIndexes');
    assert.equal((failed.status as { failedIndexes?: string }).failedIndexes, '1');
    assert.equal(failed.status?.completedIndexes, '0');
    assert.equal(failed.status?.failed, 1, 'no retry of the failed index');
  });

  test('a success policy completes an Indexed Job early and removes its lingering pods', async () => {
    await create(
      job(
        'success-policy',
        { completions: 3, parallelism: 3, completionMode: 'Indexed', successPolicy: { rules: [{ succeededIndexes: '0' }] } },
        { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'sleep ${JOB_COMPLETION_INDEX}00'] }] },
      ),
    );
    const done = await waitCondition('success-policy', 'Complete');
    assert.equal(condition(done, 'SuccessCriteriaMet')?.reason, 'SuccessPolicy');
    assert.equal(condition(done, 'Complete')?.message, 'Matched rules at index 0');
    assert.equal(done.status?.completedIndexes, '0');
    assert.equal(done.status?.failed, undefined, 'no failures (the counter is omitted at zero)');
    assert.equal(done.status?.active ?? 0, 0);
  });
});
