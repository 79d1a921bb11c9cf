// The batch/v1 objects the Job, CronJob and TTL-after-finished controllers
// read and write, typed from the upstream OpenAPI models.
import type { ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IJobCondition } from 'kubernetes-models/batch/v1/JobCondition';
import type { IPodFailurePolicy } from 'kubernetes-models/batch/v1/PodFailurePolicy';
import type { IPodFailurePolicyRule } from 'kubernetes-models/batch/v1/PodFailurePolicyRule';
import type { KubeObject } from '../../client/types.js';
import type { ObjectMeta } from '../../machinery/meta.js';

type Obj<T> = Omit<T, 'metadata'> & KubeObject & { metadata?: ObjectMeta };
export type Job = Obj<IJob>;
export type CronJob = Obj<ICronJob>;
export type JobCondition = IJobCondition;
export type JobStatus = NonNullable<IJob['status']>;
export type PodFailurePolicy = IPodFailurePolicy;
export type PodFailurePolicyRule = IPodFailurePolicyRule;

/** The first condition of a type with status True, if any. */
export function trueCondition(job: Job, type: string): JobCondition | undefined {
  return job.status?.conditions?.find((c) => c.type === type && c.status === 'True');
}

/** Complete or Failed (IsJobFinished), with the condition that says so. */
export function finishedCondition(job: Job): JobCondition | undefined {
  return job.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}
