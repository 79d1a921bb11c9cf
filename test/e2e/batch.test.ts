// Jobs and CronJobs end to end: the real kubectl against a cluster of
// simulated nodes, whose containers exit as their commands say.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { eventually } from './apps-readiness.js';

interface Condition {
  type: string;
  status: string;
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
});
