// ResourceRefs of the kinds the components read and write.
import type { ResourceRef } from './types.js';

const ref = (group: string, version: string, resource: string, kind: string, namespaced: boolean): ResourceRef =>
  Object.freeze({ group, version, resource, kind, namespaced });

const core = (resource: string, kind: string, namespaced = true) => ref('', 'v1', resource, kind, namespaced);

export const pods = core('pods', 'Pod');
export const nodes = core('nodes', 'Node', false);
export const namespaces = core('namespaces', 'Namespace', false);
export const services = core('services', 'Service');
export const endpoints = core('endpoints', 'Endpoints');
export const events = core('events', 'Event');
export const configmaps = core('configmaps', 'ConfigMap');
export const secrets = core('secrets', 'Secret');
export const serviceaccounts = core('serviceaccounts', 'ServiceAccount');
export const persistentvolumeclaims = core('persistentvolumeclaims', 'PersistentVolumeClaim');
export const persistentvolumes = core('persistentvolumes', 'PersistentVolume', false);
export const replicationcontrollers = core('replicationcontrollers', 'ReplicationController');
export const limitranges = core('limitranges', 'LimitRange');
export const resourcequotas = core('resourcequotas', 'ResourceQuota');
export const podtemplates = core('podtemplates', 'PodTemplate');

export const deployments = ref('apps', 'v1', 'deployments', 'Deployment', true);
export const replicasets = ref('apps', 'v1', 'replicasets', 'ReplicaSet', true);
export const statefulsets = ref('apps', 'v1', 'statefulsets', 'StatefulSet', true);
export const daemonsets = ref('apps', 'v1', 'daemonsets', 'DaemonSet', true);
export const controllerrevisions = ref('apps', 'v1', 'controllerrevisions', 'ControllerRevision', true);

export const jobs = ref('batch', 'v1', 'jobs', 'Job', true);
export const cronjobs = ref('batch', 'v1', 'cronjobs', 'CronJob', true);

export const leases = ref('coordination.k8s.io', 'v1', 'leases', 'Lease', true);
export const endpointslices = ref('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', true);
export const poddisruptionbudgets = ref('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true);
export const priorityclasses = ref('scheduling.k8s.io', 'v1', 'priorityclasses', 'PriorityClass', false);
/** events.k8s.io/v1 Event (the same objects as core/v1 events, newer shape). */
export const eventsV1 = ref('events.k8s.io', 'v1', 'events', 'Event', true);

export const horizontalpodautoscalers = ref('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true);
export const ingresses = ref('networking.k8s.io', 'v1', 'ingresses', 'Ingress', true);
export const networkpolicies = ref('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', true);
export const certificatesigningrequests = ref('certificates.k8s.io', 'v1', 'certificatesigningrequests', 'CertificateSigningRequest', false);
export const storageclasses = ref('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', false);
