// Jobs end to end: the real kubectl against a cluster of simulated nodes,
// whose containers exit as their commands say.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { eventually } from './apps-readiness.js';
import { batchHelpers, type JobJson, type PodJson } from './batch-helpers.js';

describe('batch: Jobs', () => {
  let cluster: TestCluster;
  const ns = 'default';
  const { create, getJob, jobPods, condition, events, waitCondition, job } = batchHelpers(() => cluster, ns);

  before(async () => {
    cluster = await startTestCluster({ simulatedNodes: 2 });
  });
  after(async () => cluster.stop());
  test('the seed math-add-job runs to completion', async () => {
    // The seed's manifest as written; the annotation stands in for `expr`, which the simulated runtime does not interpret.
    await cluster.kubectl(['create', '-f', '-'], {
      stdin: `apiVersion: batch/v1
kind: Job
metadata:
   name: math-add-job
spec:
   template:
      metadata:
        annotations:
          k8ts.io/simulate-exit-after: 1s
      spec:
        containers:
        - name: math-add
          image: ubuntu
          command: ['expr', '3', '+', '2']
        restartPolicy: Never
`,
    });
    const done = await waitCondition('math-add-job', 'Complete');
    assert.equal(done.status?.succeeded, 1);
    assert.equal(done.status?.active ?? 0, 0);
    assert.ok(done.status?.completionTime);
    assert.ok(condition(done, 'SuccessCriteriaMet'));
    assert.equal(condition(done, 'Complete')?.reason, 'CompletionsReached');
    const list = await cluster.kubectl(['get', 'jobs']);
    assert.match(list.split('\n')[0], /^NAME\s+STATUS\s+COMPLETIONS\s+DURATION\s+AGE$/);
    assert.match(list, /math-add-job\s+Complete\s+1\/1\s+\d+s\s+\d+s/);
    const pods = await jobPods('math-add-job');
    assert.equal(pods.length, 1);
    assert.match(pods[0].metadata.name, /^math-add-job-[a-z0-9]{5}$/);
    assert.equal(pods[0].metadata.labels?.['job-name'], 'math-add-job');
    assert.equal(pods[0].metadata.labels?.['controller-uid'], done.metadata.uid);
    assert.equal(pods[0].metadata.labels?.['batch.kubernetes.io/controller-uid'], done.metadata.uid);
    assert.deepEqual(pods[0].metadata.finalizers ?? [], [], 'the job-tracking finalizer is removed once counted');
    const podsOut = await cluster.kubectl(['get', 'pods', '-l', 'job-name=math-add-job', '--no-headers']);
    assert.match(podsOut, /math-add-job-\S+\s+0\/1\s+Completed\s+0\s+/);
    await eventually('events', async () => {
      const ev = await events('math-add-job');
      return ev.includes(`SuccessfulCreate: Created pod: ${pods[0].metadata.name}`) && ev.includes('Completed: Job completed');
    });
    const described = await cluster.kubectl(['describe', 'job', 'math-add-job']);
    assert.match(described, /Pods Statuses:\s+0 Active \(0 Ready\) \/ 1 Succeeded \/ 0 Failed/);
    assert.match(described, /Normal\s+SuccessfulCreate\s+\S+\s+job-controller\s+Created pod: math-add-job-/);
    assert.match(described, /Normal\s+Completed\s+\d+s\s+job-controller\s+Job completed\n/, 'one Completed event');
    assert.match(await cluster.kubectl(['delete', 'job', 'math-add-job']), /job.batch "math-add-job" deleted/);
  });

  test('a Job with completions 3 and parallelism 3 runs its pods in parallel', async () => {
    await create(job('random-error-job', { completions: 3, parallelism: 3 }, { containers: [{ name: 'random-error', image: 'busybox', command: ['sleep', '3'] }] }));
    await eventually('3 active pods', async () => (await getJob('random-error-job')).status?.active === 3);
    const done = await waitCondition('random-error-job', 'Complete');
    assert.equal(done.status?.succeeded, 3);
    assert.match(await cluster.kubectl(['get', 'job', 'random-error-job', '--no-headers']), /random-error-job\s+Complete\s+3\/3/);
  });

  test('a work-queue Job (parallelism without completions) completes once its pods have all finished', async () => {
    await create(job('work-queue', { parallelism: 2 }, { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '2'] }] }));
    assert.equal((await getJob('work-queue')).spec.completions, undefined);
    const done = await waitCondition('work-queue', 'Complete');
    assert.equal(done.status?.succeeded, 2);
    assert.equal((await jobPods('work-queue')).length, 2, 'no pod is created after the first success');
    assert.match(await cluster.kubectl(['get', 'job', 'work-queue', '--no-headers']), /work-queue\s+Complete\s+2\/1 of 2\s+/);
  });

  test('Ensure Pods of an Indexed Job get a unique index.', async () => {
    await create(job('indexed', { completions: 4, parallelism: 2, completionMode: 'Indexed' }, { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo $JOB_COMPLETION_INDEX; sleep 1'] }] }));
    const done = await waitCondition('indexed', 'Complete');
    assert.equal(done.status?.succeeded, 4);
    assert.equal(done.status?.completedIndexes, '0-3');
    const pods = await jobPods('indexed');
    const indexes = pods.map((p) => p.metadata.annotations?.['batch.kubernetes.io/job-completion-index']).sort();
    assert.deepEqual(indexes, ['0', '1', '2', '3']);
    for (const p of pods) {
      const index = p.metadata.annotations?.['batch.kubernetes.io/job-completion-index'];
      assert.equal(p.metadata.labels?.['batch.kubernetes.io/job-completion-index'], index);
      assert.match(p.metadata.name, new RegExp(`^indexed-${index}-[a-z0-9]{5}$`));
      assert.equal(p.spec.hostname, `indexed-${index}`);
      assert.deepEqual(p.spec.containers[0].env?.find((e) => e.name === 'JOB_COMPLETION_INDEX')?.valueFrom?.fieldRef?.fieldPath, "metadata.annotations['batch.kubernetes.io/job-completion-index']");
    }
  });

  test('Jobs, completion after task failure', async () => {
    await create(job('fail-once', { completions: 3, parallelism: 2, backoffLimit: 6 }, { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'sleep 4'] }] }));
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

  test('Jobs, active pods, graceful termination', async () => {
    await create(job('to-delete', { parallelism: 2, completions: 2 }, { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] }));
    await eventually('2 active pods', async () => (await getJob('to-delete')).status?.active === 2);
    assert.equal((await jobPods('to-delete')).filter((p) => !p.metadata.deletionTimestamp).length, 2);
    await cluster.kubectl(['delete', 'job', 'to-delete', '--wait=true']);
    const gone = await cluster.kubectlResult(['get', 'job', 'to-delete']);
    assert.match(gone.stderr, /jobs.batch "to-delete" not found/);
    // The deleted Job's pods no longer wait on its tracking finalizer.
    await eventually('finalizers removed', async () => (await jobPods('to-delete')).every((p) => !(p.metadata.finalizers ?? []).includes('batch.kubernetes.io/job-tracking')));
  });

  test('Jobs, orphan pods, re-adoption', async () => {
    await create(job('adopt', { parallelism: 2, completions: 2 }, { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] }));
    const owner = await eventually('2 active pods', async () => {
      const j = await getJob('adopt');
      return j.status?.active === 2 ? j : undefined;
    });
    const [first, second] = await jobPods('adopt');
    await cluster.kubectl(['patch', 'pod', first.metadata.name, '--type=json', '-p', '[{"op":"remove","path":"/metadata/ownerReferences"}]']);
    await eventually('the orphan re-adopted', async () => {
      const p = JSON.parse(await cluster.kubectl(['get', 'pod', first.metadata.name, '-o', 'json'])) as PodJson;
      return p.metadata.ownerReferences?.[0]?.uid === owner.metadata.uid;
    });
    await cluster.kubectl(['label', 'pod', second.metadata.name, 'batch.kubernetes.io/controller-uid-', 'controller-uid-', '--overwrite']);
    await eventually('the relabelled pod released', async () => {
      const p = JSON.parse(await cluster.kubectl(['get', 'pod', second.metadata.name, '-o', 'json'])) as PodJson;
      return (p.metadata.ownerReferences ?? []).length === 0 && !(p.metadata.finalizers ?? []).includes('batch.kubernetes.io/job-tracking');
    });
    await eventually('a replacement', async () => (await jobPods('adopt')).filter((p) => p.metadata.ownerReferences?.[0]?.uid === owner.metadata.uid && !p.metadata.deletionTimestamp).length === 2);
    await cluster.kubectl(['delete', 'job', 'adopt']);
    await cluster.kubectl(['delete', 'pod', second.metadata.name, '--wait=false']);
  });

  test('Jobs, manage lifecycle', async () => {
    await create({ ...job('lifecycle', { suspend: true, parallelism: 1, completions: 1 }, { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '1'] }] }) });
    const suspended = await waitCondition('lifecycle', 'Suspended');
    assert.equal(condition(suspended, 'Suspended')?.reason, 'JobSuspended');
    assert.equal(condition(suspended, 'Suspended')?.message, 'Job suspended');
    assert.equal(suspended.status?.startTime, undefined);
    assert.equal((await jobPods('lifecycle')).length, 0);
    assert.match(await cluster.kubectl(['get', 'job', 'lifecycle', '--no-headers']), /lifecycle\s+Suspended\s+0\/1/);
    await cluster.kubectl(['patch', 'job', 'lifecycle', '--type=merge', '-p', '{"metadata":{"labels":{"e2e-job-label":"lifecycle"}}}']);
    assert.equal((await getJob('lifecycle')).metadata.labels?.['e2e-job-label'], 'lifecycle');
    const current = await getJob('lifecycle');
    current.metadata.annotations = { ...current.metadata.annotations, updated: 'true' };
    await cluster.kubectl(['replace', '-f', '-'], { stdin: JSON.stringify(current) });
    assert.equal((await getJob('lifecycle')).metadata.annotations?.updated, 'true');
    const listed = await cluster.kubectl(['get', 'jobs', '-A', '-l', 'e2e-job-label=lifecycle', '-o', 'name']);
    assert.equal(listed.trim(), 'job.batch/lifecycle');
    // Resuming starts the pods and the clock.
    await cluster.kubectl(['patch', 'job', 'lifecycle', '--type=merge', '-p', '{"spec":{"suspend":false}}']);
    const done = await waitCondition('lifecycle', 'Complete');
    const resumed = done.status?.conditions?.find((c) => c.type === 'Suspended');
    assert.deepEqual([resumed?.status, resumed?.reason, resumed?.message], ['False', 'JobResumed', 'Job resumed']);
    assert.ok(done.status?.startTime);
    await eventually('events', async () => {
      const ev = await events('lifecycle');
      return ev.includes('Suspended: Job suspended') && ev.includes('Resumed: Job resumed');
    });
    await cluster.kubectl(['delete', 'jobs', '-l', 'e2e-job-label=lifecycle']);
    assert.equal((await cluster.kubectl(['get', 'jobs', '-l', 'e2e-job-label=lifecycle', '-o', 'name'])).trim(), '');
  });

  test('Jobs, apply changes to status', async () => {
    await create(job('status', { suspend: true }, { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '1'] }] }));
    await waitCondition('status', 'Suspended');
    await cluster.kubectl(['patch', 'job', 'status', '--subresource=status', '--type=merge', '-p', '{"metadata":{"annotations":{"patchedstatus":"true"}},"status":{"ready":0}}']);
    assert.equal((await getJob('status')).metadata.annotations?.patchedstatus, 'true');
    const current = await getJob('status');
    const startTime = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    await cluster.kubectl(['replace', '--subresource=status', '-f', '-'], { stdin: JSON.stringify({ ...current, status: { ...current.status, startTime } }) });
    const read = JSON.parse(await cluster.kubectl(['get', 'job', 'status', '--subresource=status', '-o', 'json'])) as JobJson;
    assert.equal(read.status?.startTime, startTime);
    await cluster.kubectl(['delete', 'job', 'status']);
  });

  test('ttlSecondsAfterFinished deletes a finished Job', async () => {
    await create(job('ttl', { ttlSecondsAfterFinished: 4 }, { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '1'] }] }));
    const done = await waitCondition('ttl', 'Complete');
    await eventually('the Job deleted', async () => (await cluster.kubectlResult(['get', 'job', 'ttl'])).code !== 0, 30_000);
    const finished = Date.parse(condition(done, 'Complete')?.lastTransitionTime ?? '');
    assert.ok(Date.now() >= finished + 4000, 'not before the TTL passed');
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
    assert.equal(done.status?.failed, 0);
    assert.equal(done.status?.active ?? 0, 0);
  });
});
