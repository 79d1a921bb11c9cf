// Jobs and CronJobs end to end: the real kubectl against a cluster of
// simulated nodes, whose containers exit as their commands say.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { eventually } from './apps-readiness.js';

interface Condition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

interface JobJson {
  metadata: { name: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: { uid: string; kind: string; name: string }[] };
  spec: Record<string, unknown> & { selector?: { matchLabels?: Record<string, string> } };
  status?: {
    active?: number;
    ready?: number;
    succeeded?: number;
    failed?: number;
    terminating?: number;
    startTime?: string;
    completionTime?: string;
    completedIndexes?: string;
    conditions?: Condition[];
    uncountedTerminatedPods?: Record<string, string[]>;
    lastScheduleTime?: string;
    lastSuccessfulTime?: string;
  };
}

interface PodJson {
  metadata: { name: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[]; deletionTimestamp?: string; ownerReferences?: { uid: string; kind: string }[] };
  spec: { hostname?: string; nodeName?: string; containers: { env?: { name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[] }[] };
  status: { phase?: string };
}

describe('batch', () => {
  let cluster: TestCluster;
  const ns = 'default';

  before(async () => {
    cluster = await startTestCluster({ simulatedNodes: 2 });
  });
  after(async () => cluster.stop());

  const create = (manifest: object) => cluster.kubectl(['create', '-f', '-'], { stdin: JSON.stringify(manifest) });
  const getJob = async (name: string) => JSON.parse(await cluster.kubectl(['get', 'job', name, '-o', 'json'])) as JobJson;
  const jobPods = async (name: string) =>
    (JSON.parse(await cluster.kubectl(['get', 'pods', '-l', `batch.kubernetes.io/job-name=${name}`, '-o', 'json'])) as { items: PodJson[] }).items;
  const condition = (job: JobJson, type: string) => job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
  const events = async (name: string) =>
    cluster.kubectl(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '--sort-by', '.metadata.creationTimestamp', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
  const waitCondition = (name: string, type: string, timeoutMs = 60_000) =>
    eventually(`job ${name} ${type}`, async () => {
      const job = await getJob(name);
      return condition(job, type) ? job : undefined;
    }, timeoutMs, () => getJob(name).then((j) => j.status));
  const job = (name: string, spec: object, podSpec: object, annotations: Record<string, string> = {}) => ({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: ns },
    spec: { ...spec, template: { metadata: { annotations }, spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 1, ...podSpec } } },
  });

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
    assert.match(await cluster.kubectl(['delete', 'job', 'math-add-job']), /job.batch "math-add-job" deleted/);
  });

  test('a Job with completions 3 and parallelism 3 runs its pods in parallel', async () => {
    await create(job('random-error-job', { completions: 3, parallelism: 3 }, { containers: [{ name: 'random-error', image: 'busybox', command: ['sleep', '3'] }] }));
    await eventually('3 active pods', async () => (await getJob('random-error-job')).status?.active === 3);
    const done = await waitCondition('random-error-job', 'Complete');
    assert.equal(done.status?.succeeded, 3);
    assert.match(await cluster.kubectl(['get', 'job', 'random-error-job', '--no-headers']), /random-error-job\s+Complete\s+3\/3/);
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

  // CronJobs. Start times are made due without waiting for the clock: status.lastScheduleTime is set back and
  // the schedule names minutes just past, so the controller finds a missed start time at once.
  const minuteAgo = (n: number) => new Date(Date.now() - n * 60_000).getUTCMinutes();
  const scheduledName = (name: string, minutesAgo: number) => `${name}-${Math.floor((Date.now() - minutesAgo * 60_000) / 60_000)}`;
  const cronJob = (name: string, schedule: string, spec: object, command: string[]) => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name, namespace: ns },
    spec: {
      schedule,
      ...spec,
      jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'busybox', command }] } } } },
    },
  });
  const getCronJob = async (name: string) => JSON.parse(await cluster.kubectl(['get', 'cronjob', name, '-o', 'json'])) as JobJson & { status?: { active?: { name: string; uid: string; kind: string }[] } };
  const setLastScheduleTime = (name: string, minutesAgo: number) =>
    cluster.kubectl(['patch', 'cronjob', name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { lastScheduleTime: new Date(Date.now() - minutesAgo * 60_000).toISOString().replace(/\.\d+Z$/, 'Z') } })]);
  const setSchedule = (name: string, schedule: string) => cluster.kubectl(['patch', 'cronjob', name, '--type=merge', '-p', JSON.stringify({ spec: { schedule } })]);
  const ownedJobs = async (cj: string) => {
    const uid = (await getCronJob(cj)).metadata.uid;
    const all = (JSON.parse(await cluster.kubectl(['get', 'jobs', '-o', 'json'])) as { items: JobJson[] }).items;
    return all.filter((j) => j.metadata.ownerReferences?.some((r) => r.uid === uid)).filter((j) => !(j.metadata as { deletionTimestamp?: string }).deletionTimestamp);
  };
  const activeNames = async (cj: string) => ((await getCronJob(cj)).status?.active ?? []).map((r) => r.name).sort();

  test('the seed reporting-cron-job: create the CronJob every minute (checked at the end)', async () => {
    await cluster.kubectl(['create', '-f', '-'], {
      stdin: `apiVersion: batch/v1
kind: CronJob
metadata:
   name: reporting-cron-job
spec:
   schedule: "*/1 * * * *"
   jobTemplate:
      spec:
         completions: 3
         parallelism: 3
         template:
            spec:
              containers:
              - name: reproting-tool
                image: reporting-tool
              restartPolicy: Never
`,
    });
    const out = await cluster.kubectl(['get', 'cronjob']);
    assert.match(out.split('\n')[0], /^NAME\s+SCHEDULE\s+TIMEZONE\s+SUSPEND\s+ACTIVE\s+LAST SCHEDULE\s+AGE$/);
    assert.match(out, /reporting-cron-job\s+\*\/1 \* \* \* \*\s+<none>\s+False\s+0\s+<none>\s+\d+s/);
  });

  test('CronJob AllowConcurrent', async () => {
    const [a, b] = [minuteAgo(3), minuteAgo(2)];
    await create(cronJob('allow', `${a} * * * *`, { concurrencyPolicy: 'Allow' }, ['sleep', '3600']));
    await setLastScheduleTime('allow', 30);
    const first = scheduledName('allow', 3);
    await eventually('the first job', async () => (await activeNames('allow')).join() === first);
    await setSchedule('allow', `${a},${b} * * * *`);
    const second = scheduledName('allow', 2);
    await eventually('two active jobs', async () => (await activeNames('allow')).join() === [first, second].sort().join());
    const cj = await getCronJob('allow');
    assert.equal(cj.status?.lastScheduleTime, new Date(Math.floor((Date.now() - 2 * 60_000) / 60_000) * 60_000).toISOString().replace(/\.\d+Z$/, 'Z'));
    const jobs = await ownedJobs('allow');
    assert.equal(jobs.length, 2);
    const j = jobs.find((x) => x.metadata.name === second)!;
    assert.equal(j.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], cj.status?.lastScheduleTime);
    assert.deepEqual(cj.status?.active?.map((r) => r.kind), ['Job', 'Job']);
    await eventually('events', async () => {
      const ev = await events('allow');
      return ev.includes(`SuccessfulCreate: Created job ${first}`) && ev.includes(`SuccessfulCreate: Created job ${second}`);
    });
    await cluster.kubectl(['delete', 'cronjob', 'allow']);
  });

  test('CronJob ForbidConcurrent', async () => {
    const [a, b] = [minuteAgo(3), minuteAgo(2)];
    await create(cronJob('forbid', `${a} * * * *`, { concurrencyPolicy: 'Forbid' }, ['sleep', '3600']));
    await setLastScheduleTime('forbid', 30);
    const first = scheduledName('forbid', 3);
    await eventually('the first job', async () => (await activeNames('forbid')).join() === first);
    await setSchedule('forbid', `${a},${b} * * * *`);
    await eventually('JobAlreadyActive', async () => (await events('forbid')).includes('JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid'));
    assert.deepEqual(await activeNames('forbid'), [first]);
    assert.equal((await ownedJobs('forbid')).length, 1);
    await cluster.kubectl(['delete', 'cronjob', 'forbid']);
  });

  test('CronJob ReplaceConcurrent', async () => {
    const [a, b] = [minuteAgo(3), minuteAgo(2)];
    await create(cronJob('replace', `${a} * * * *`, { concurrencyPolicy: 'Replace' }, ['sleep', '3600']));
    await setLastScheduleTime('replace', 30);
    const first = scheduledName('replace', 3);
    await eventually('the first job', async () => (await activeNames('replace')).join() === first);
    await setSchedule('replace', `${a},${b} * * * *`);
    const second = scheduledName('replace', 2);
    await eventually('the replacement', async () => (await activeNames('replace')).join() === second);
    await eventually('the first job deleted', async () => (await cluster.kubectlResult(['get', 'job', first])).code !== 0);
    assert.match(await events('replace'), new RegExp(`SuccessfulDelete: Deleted job ${first}`));
    await cluster.kubectl(['delete', 'cronjob', 'replace']);
  });

  test('CronJob Suspend', async () => {
    await create(cronJob('suspended', `${minuteAgo(3)} * * * *`, { suspend: true }, ['sleep', '1']));
    await setLastScheduleTime('suspended', 30);
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal((await ownedJobs('suspended')).length, 0, 'no job while suspended');
    assert.match(await cluster.kubectl(['get', 'cronjob', 'suspended', '--no-headers']), /suspended\s+\S+ \* \* \* \*\s+<none>\s+True\s+0/);
    await cluster.kubectl(['patch', 'cronjob', 'suspended', '--type=merge', '-p', '{"spec":{"suspend":false}}']);
    await eventually('a job once resumed', async () => (await ownedJobs('suspended')).length === 1);
    await cluster.kubectl(['delete', 'cronjob', 'suspended']);
  });

  test('finished jobs: SawCompletedJob, lastSuccessfulTime and the history limit', async () => {
    const [a, b] = [minuteAgo(3), minuteAgo(2)];
    await create(cronJob('history', `${a} * * * *`, { successfulJobsHistoryLimit: 1 }, ['sleep', '1']));
    await setLastScheduleTime('history', 30);
    const first = scheduledName('history', 3);
    await eventually('the first job done', async () => {
      const cj = await getCronJob('history');
      return !cj.status?.active?.length && cj.status?.lastSuccessfulTime ? cj : undefined;
    });
    await setSchedule('history', `${a},${b} * * * *`);
    const second = scheduledName('history', 2);
    await eventually('the second done and the first deleted', async () => {
      const names = (await ownedJobs('history')).map((j) => j.metadata.name);
      return names.join() === second && !(await getCronJob('history')).status?.active?.length;
    }, 60_000);
    const ev = await events('history');
    assert.match(ev, new RegExp(`SawCompletedJob: Saw completed job: ${first}, condition: Complete`));
    assert.match(ev, new RegExp(`SuccessfulDelete: Deleted job ${first}`));
    await cluster.kubectl(['delete', 'cronjob', 'history']);
  });

  test('too many missed start times draw a warning, and the latest still runs', async () => {
    await create(cronJob('missed', '* * * * *', { concurrencyPolicy: 'Forbid' }, ['sleep', '3600']));
    await setLastScheduleTime('missed', 180);
    await eventually('a job', async () => (await activeNames('missed')).length === 1);
    assert.match(await events('missed'), /TooManyMissedTimes: too many missed start times: 1\d\d\. Set or decrease \.spec\.startingDeadlineSeconds or check clock skew/);
    await cluster.kubectl(['delete', 'cronjob', 'missed']);
  });

  test('kubectl create job --from=cronjob', async () => {
    await create(cronJob('manual', '0 0 1 1 *', {}, ['sleep', '1']));
    await cluster.kubectl(['create', 'job', 'manual-run', '--from=cronjob/manual']);
    const j = await waitCondition('manual-run', 'Complete');
    assert.equal(j.metadata.annotations?.['cronjob.kubernetes.io/instantiate'], 'manual');
    assert.equal(j.metadata.ownerReferences?.[0]?.kind, 'CronJob');
    await cluster.kubectl(['delete', 'cronjob', 'manual']);
  });

  test('CronJob API Operations', async () => {
    await create({ ...cronJob('api-ops', '@hourly', {}, ['sleep', '1']), metadata: { name: 'api-ops', labels: { special: 'api-ops' } } });
    assert.equal((await getCronJob('api-ops')).metadata.name, 'api-ops');
    assert.equal((await cluster.kubectl(['get', 'cronjobs', '-l', 'special=api-ops', '-o', 'name'])).trim(), 'cronjob.batch/api-ops');
    await cluster.kubectl(['patch', 'cronjob', 'api-ops', '--type=merge', '-p', '{"metadata":{"annotations":{"patched":"true"}}}']);
    const current = await getCronJob('api-ops');
    assert.equal(current.metadata.annotations?.patched, 'true');
    current.metadata.annotations = { ...current.metadata.annotations, updated: 'true' };
    await cluster.kubectl(['replace', '-f', '-'], { stdin: JSON.stringify(current) });
    assert.equal((await getCronJob('api-ops')).metadata.annotations?.updated, 'true');
    const last = new Date(Date.now() - 3_600_000).toISOString().replace(/\.\d+Z$/, 'Z');
    await cluster.kubectl(['patch', 'cronjob', 'api-ops', '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { lastScheduleTime: last } })]);
    const status = JSON.parse(await cluster.kubectl(['get', 'cronjob', 'api-ops', '--subresource=status', '-o', 'json'])) as JobJson;
    assert.ok(status.status?.lastScheduleTime);
    const bad = await cluster.kubectlResult(['create', '-f', '-'], { stdin: JSON.stringify(cronJob('bad-tz', 'CRON_TZ=UTC 0 * * * *', {}, ['true'])) });
    assert.match(bad.stderr, /spec.schedule: Invalid value: "CRON_TZ=UTC 0 \* \* \* \*": cannot use TZ or CRON_TZ in schedule, use timeZone field instead/);
    await cluster.kubectl(['delete', 'cronjobs', '-l', 'special=api-ops']);
    assert.equal((await cluster.kubectl(['get', 'cronjobs', '-l', 'special=api-ops', '-o', 'name'])).trim(), '');
  });

  test('the seed reporting-cron-job created a Job at the minute', async () => {
    const cj = await eventually('a scheduled job', async () => {
      const c = await getCronJob('reporting-cron-job');
      return c.status?.active?.length ? c : undefined;
    }, 75_000);
    const name = cj.status!.active![0].name;
    const scheduled = Date.parse(cj.status!.lastScheduleTime!);
    assert.equal(scheduled % 60_000, 0);
    assert.equal(name, `reporting-cron-job-${scheduled / 60_000}`);
    const j = await getJob(name);
    assert.equal(j.spec.completions, 3);
    assert.equal(j.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], cj.status!.lastScheduleTime);
    assert.match(await cluster.kubectl(['get', 'cronjob', 'reporting-cron-job', '--no-headers']), /reporting-cron-job\s+\*\/1 \* \* \* \*\s+<none>\s+False\s+1\s+\d+s/);
    await cluster.kubectl(['delete', 'cronjob', 'reporting-cron-job']);
  });
});
