// Shared by the batch e2e files: a cluster of simulated nodes driven by the real
// kubectl, and helpers to create Jobs and read their status, pods and events.
import type { TestCluster } from '../helpers/cluster.js';
import { eventually } from './apps-readiness.js';

export interface Condition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface JobJson {
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

export interface PodJson {
  metadata: { name: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[]; deletionTimestamp?: string; ownerReferences?: { uid: string; kind: string }[] };
  spec: { hostname?: string; nodeName?: string; containers: { env?: { name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[] }[] };
  status: { phase?: string };
}

export function batchHelpers(cluster: () => TestCluster, ns = 'default') {
  const kubectl = (args: string[], options?: { stdin?: string }) => cluster().kubectl(args, options);
  const create = (manifest: object) => kubectl(['create', '-f', '-'], { stdin: JSON.stringify(manifest) });
  const getJob = async (name: string) => JSON.parse(await kubectl(['get', 'job', name, '-o', 'json'])) as JobJson;
  const jobPods = async (name: string) =>
    (JSON.parse(await kubectl(['get', 'pods', '-l', `batch.kubernetes.io/job-name=${name}`, '-o', 'json'])) as { items: PodJson[] }).items;
  const condition = (job: JobJson, type: string) => job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
  const events = async (name: string) =>
    kubectl(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '--sort-by', '.metadata.creationTimestamp', '-o', 'jsonpath={range .items[*]}{.reason}: {.message}{"\\n"}{end}']);
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

  return { kubectl, create, getJob, jobPods, condition, events, waitCondition, job };
}
