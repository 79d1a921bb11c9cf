// CronJobs end to end: the real kubectl against a cluster of simulated nodes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { eventually } from './apps-readiness.js';
import { batchHelpers, type JobJson } from './batch-helpers.js';

describe('batch: CronJobs', () => {
  let cluster: TestCluster;
  const ns = 'default';
  const { create, getJob, events, waitCondition } = batchHelpers(() => cluster, ns);

  before(async () => {
    cluster = await startTestCluster({ simulatedNodes: 2 });
  });
  after(async () => cluster.stop());
  // CronJobs. Start times are made due without waiting for the clock: status.lastScheduleTime is set back and
  // the schedule names minutes just past, so the controller finds a missed start time at once.
  const minuteAgo = (n: number, now = Date.now()) => new Date(now - n * 60_000).getUTCMinutes();
  const scheduledName = (name: string, minutesAgo: number, now = Date.now()) => `${name}-${Math.floor((now - minutesAgo * 60_000) / 60_000)}`;
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
    // Both scheduled times come from one clock reading, so a minute turning over mid-test cannot shift them.
    const t0 = Date.now();
    const [a, b] = [minuteAgo(3, t0), minuteAgo(2, t0)];
    await create(cronJob('history', `${a} * * * *`, { successfulJobsHistoryLimit: 1 }, ['sleep', '1']));
    await setLastScheduleTime('history', 30);
    const first = scheduledName('history', 3, t0);
    await eventually('the first job done', async () => {
      const cj = await getCronJob('history');
      return !cj.status?.active?.length && cj.status?.lastSuccessfulTime ? cj : undefined;
    });
    await setSchedule('history', `${a},${b} * * * *`);
    const second = scheduledName('history', 2, t0);
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

  test('a CronJob in a time zone schedules by that zone\'s clock and stamps its Jobs with its offset', async () => {
    // Asia/Kolkata is UTC+05:30: its minute of the hour differs from UTC's by 30.
    const kolkataMinute = (new Date(Date.now() - 3 * 60_000).getUTCMinutes() + 30) % 60;
    await create({ ...cronJob('zoned', `${kolkataMinute} * * * *`, { timeZone: 'Asia/Kolkata' }, ['sleep', '3600']) });
    await setLastScheduleTime('zoned', 30);
    const name = scheduledName('zoned', 3);
    await eventually('the job', async () => (await activeNames('zoned')).join() === name);
    const stamp = (await getJob(name)).metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'] ?? '';
    assert.match(stamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:00\+05:30$/);
    assert.equal(Date.parse(stamp), Math.floor((Date.now() - 3 * 60_000) / 60_000) * 60_000);
    assert.match(await cluster.kubectl(['get', 'cronjob', 'zoned', '--no-headers']), /zoned\s+\d+ \* \* \* \*\s+Asia\/Kolkata\s+False\s+1/);
    await cluster.kubectl(['delete', 'cronjob', 'zoned']);
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
    assert.match(await cluster.kubectl(['create', 'cronjob', 'imperative', '--image=busybox', '--schedule=*/5 * * * *', '--', 'echo', 'hi']), /cronjob.batch\/imperative created/);
    assert.match(await cluster.kubectl(['get', 'cj', 'imperative', '--no-headers']), /imperative\s+\*\/5 \* \* \* \*\s+<none>\s+False\s+0\s+<none>/);
    await cluster.kubectl(['delete', 'cronjob', 'imperative']);
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
    // Every minute since creation made one Job (the suite may have taken more than one minute).
    const scheduled = Date.parse(cj.status!.lastScheduleTime!);
    assert.equal(scheduled % 60_000, 0);
    const name = `reporting-cron-job-${scheduled / 60_000}`;
    assert.ok(cj.status!.active!.some((r) => r.name === name), `${name} is active`);
    const j = await getJob(name);
    assert.equal(j.spec.completions, 3);
    assert.equal(j.metadata.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp'], cj.status!.lastScheduleTime);
    assert.match(await cluster.kubectl(['get', 'cronjob', 'reporting-cron-job', '--no-headers']), /reporting-cron-job\s+\*\/1 \* \* \* \*\s+<none>\s+False\s+[12]\s+\d+s/);
    await cluster.kubectl(['delete', 'cronjob', 'reporting-cron-job']);
  });
});
