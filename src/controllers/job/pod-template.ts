// The pods a Job creates: its template, its controller reference, the
// job-tracking finalizer and, for Indexed Jobs, the completion index as an
// annotation, a label, the hostname and the JOB_COMPLETION_INDEX variable.
import type { OwnerReference } from '../../machinery/meta.js';
import { podFromTemplate } from '../controller-utils/pods.js';
import type { Pod, PodTemplateSpec } from '../controller-utils/types.js';
import { COMPLETION_INDEX, INDEX_FAILURE_COUNT } from './indexes.js';

export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const JOB_COMPLETION_INDEX_ENV = 'JOB_COMPLETION_INDEX';

type Container = NonNullable<Pod['spec']>['containers'][number];

function addIndexEnv(container: Container): void {
  const env = container.env ?? [];
  if (env.some((e) => e.name === JOB_COMPLETION_INDEX_ENV)) return;
  env.push({ name: JOB_COMPLETION_INDEX_ENV, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } } });
  container.env = env;
}

/** A Job pod from the template; `index` for Indexed Jobs, `failures` of that index so far with backoffLimitPerIndex. */
export function jobPod(jobName: string, template: PodTemplateSpec, ref: OwnerReference, index?: number, failures?: number): Pod {
  const prefix = index === undefined ? `${jobName}-` : `${jobName}-${index}-`;
  const pod = podFromTemplate(template, ref, prefix.length <= 253 - 5 ? prefix : jobName);
  const meta = pod.metadata!;
  meta.finalizers = [...(meta.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER), JOB_TRACKING_FINALIZER];
  if (index === undefined) return pod;
  meta.annotations = { ...meta.annotations, [COMPLETION_INDEX]: String(index) };
  if (failures !== undefined) meta.annotations[INDEX_FAILURE_COUNT] = String(failures);
  meta.labels = { ...meta.labels, [COMPLETION_INDEX]: String(index) };
  const spec = pod.spec!;
  if (!spec.hostname) spec.hostname = `${jobName}-${index}`;
  for (const c of spec.initContainers ?? []) addIndexEnv(c);
  for (const c of spec.containers) addIndexEnv(c);
  return pod;
}

export function hasTrackingFinalizer(pod: Pod): boolean {
  return pod.metadata?.finalizers?.includes(JOB_TRACKING_FINALIZER) ?? false;
}
