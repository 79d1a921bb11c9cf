// The admission chain of the server, in upstream's order.
import type { ResourceMap } from '../registry/resource-map.js';
import { defaultTolerationSeconds } from './default-toleration-seconds.js';
import { limitRanger } from './limit-ranger.js';
import type { AdmissionPlugin } from './plugin.js';
import { priorityAdmission } from './priority.js';
import { resourceQuotaAdmission } from './resource-quota.js';

export function admissionPlugins(resources: ResourceMap): AdmissionPlugin[] {
  return [limitRanger(resources), defaultTolerationSeconds, priorityAdmission(resources), resourceQuotaAdmission(resources)];
}

export type { AdmissionOperation, AdmissionPlugin } from './plugin.js';
