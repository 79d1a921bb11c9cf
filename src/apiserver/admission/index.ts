// The admission chain of the server, in upstream's order.
import type { ResourceMap } from '../registry/resource-map.js';
import { defaultTolerationSeconds } from './default-toleration-seconds.js';
import { limitRanger } from './limit-ranger.js';
import type { AdmissionPlugin } from './plugin.js';
import { priorityAdmission } from './priority.js';
import { resourceQuotaAdmission } from './resource-quota.js';
import { runtimeClassAdmission } from './runtime-class.js';
import { serviceAccountAdmission } from './service-account.js';

export function admissionPlugins(resources: ResourceMap): AdmissionPlugin[] {
  return [limitRanger(resources), serviceAccountAdmission(resources), defaultTolerationSeconds, priorityAdmission(resources), runtimeClassAdmission(resources), resourceQuotaAdmission(resources)];
}

export type { AdmissionOperation, AdmissionPlugin } from './plugin.js';
