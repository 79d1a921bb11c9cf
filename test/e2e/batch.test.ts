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
    assert.match(await cluster.kubectl(['wait', '--for=condition=complete', 'job/math-add-job', '--timeout=60s']), /job.batch\/math-add-job condition met/);
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

  test('kubectl create job runs an image to completion', async () => {
    assert.match(await cluster.kubectl(['create', 'job', 'imperative', '--image=busybox', '--', 'sh', '-c', 'echo hi; sleep 1']), /job.batch\/imperative created/);
    const done = await waitCondition('imperative', 'Complete');
    assert.equal(done.status?.succeeded, 1);
    assert.equal((done.spec as { template: { spec: { restartPolicy: string } } }).template.spec.restartPolicy, 'Never');
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
});
