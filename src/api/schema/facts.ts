// Facts about the API types that the declaration files do not carry: how
// strategic merge patch and server-side apply treat each list and map (the
// "Patch strategy", "Map: unique values on key ... will be kept during a merge"
// and "Atomic: will be replaced during a merge" notes of the Kubernetes API
// reference, i.e. the x-kubernetes-patch-* and x-kubernetes-list-* extensions),
// and the few types whose JSON form is not what their TypeScript type says.
import type { PatchFacts, Schema } from './types.js';

const atomic: PatchFacts = { 'x-kubernetes-list-type': 'atomic' };
const set: PatchFacts = { 'x-kubernetes-list-type': 'set' };
const atomicMap: PatchFacts = { 'x-kubernetes-map-type': 'atomic' };
const granularMap: PatchFacts = { 'x-kubernetes-map-type': 'granular' };

/** A list merged by key, kept as a map keyed by `mapKeys` (the merge key when absent). */
function mergeBy(key: string, ...mapKeys: string[]): PatchFacts {
  return {
    'x-kubernetes-patch-strategy': 'merge',
    'x-kubernetes-patch-merge-key': key,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': mapKeys.length ? mapKeys : [key],
  };
}

function withStrategy(facts: PatchFacts, strategy: string): PatchFacts {
  return { ...facts, 'x-kubernetes-patch-strategy': strategy };
}

function listMap(...keys: string[]): PatchFacts {
  return { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': keys };
}

const conditions = mergeBy('type');

const containerLists: Record<string, PatchFacts> = {
  command: atomic,
  args: atomic,
  ports: mergeBy('containerPort', 'containerPort', 'protocol'),
  envFrom: atomic,
  env: mergeBy('name'),
  resizePolicy: atomic,
  volumeMounts: mergeBy('mountPath'),
  volumeDevices: mergeBy('devicePath'),
};

const webhook: Record<string, PatchFacts> = {
  rules: atomic,
  admissionReviewVersions: atomic,
  matchConditions: mergeBy('name'),
};

/** Field facts by definition name (without the `io.k8s.api.` prefix) and field. */
const fieldFacts: Record<string, Record<string, PatchFacts>> = {
  'core.v1.PodSpec': {
    volumes: withStrategy(mergeBy('name'), 'merge,retainKeys'),
    initContainers: mergeBy('name'),
    containers: mergeBy('name'),
    ephemeralContainers: mergeBy('name'),
    imagePullSecrets: mergeBy('name'),
    tolerations: atomic,
    hostAliases: mergeBy('ip'),
    readinessGates: atomic,
    topologySpreadConstraints: mergeBy('topologyKey', 'topologyKey', 'whenUnsatisfiable'),
    schedulingGates: mergeBy('name'),
    resourceClaims: withStrategy(mergeBy('name'), 'merge,retainKeys'),
    nodeSelector: atomicMap,
  },
  'core.v1.PodStatus': {
    conditions,
    hostIPs: { ...mergeBy('ip'), 'x-kubernetes-list-type': 'atomic', 'x-kubernetes-list-map-keys': undefined },
    podIPs: mergeBy('ip'),
    initContainerStatuses: atomic,
    containerStatuses: atomic,
    ephemeralContainerStatuses: atomic,
    resourceClaimStatuses: withStrategy(mergeBy('name'), 'merge,retainKeys'),
  },
  'core.v1.Container': containerLists,
  'core.v1.EphemeralContainer': containerLists,
  'core.v1.ContainerStatus': { volumeMounts: mergeBy('mountPath'), allocatedResourcesStatus: mergeBy('name') },
  'core.v1.ResourceStatus': { resources: listMap('resourceID') },
  'core.v1.ResourceRequirements': { claims: listMap('name') },
  'core.v1.NodeSpec': { podCIDRs: { 'x-kubernetes-patch-strategy': 'merge', ...set }, taints: atomic },
  'core.v1.NodeStatus': {
    conditions,
    addresses: mergeBy('type'),
    volumesInUse: atomic,
    volumesAttached: atomic,
    images: atomic,
    runtimeHandlers: atomic,
  },
  'core.v1.NodeSelector': { nodeSelectorTerms: atomic },
  'core.v1.NodeSelectorTerm': { matchExpressions: atomic, matchFields: atomic },
  'core.v1.NodeSelectorRequirement': { values: atomic },
  'core.v1.NodeAffinity': { preferredDuringSchedulingIgnoredDuringExecution: atomic },
  'core.v1.PodAffinity': {
    requiredDuringSchedulingIgnoredDuringExecution: atomic,
    preferredDuringSchedulingIgnoredDuringExecution: atomic,
  },
  'core.v1.PodAntiAffinity': {
    requiredDuringSchedulingIgnoredDuringExecution: atomic,
    preferredDuringSchedulingIgnoredDuringExecution: atomic,
  },
  'core.v1.PodAffinityTerm': { namespaces: atomic, matchLabelKeys: atomic, mismatchLabelKeys: atomic },
  'core.v1.TopologySpreadConstraint': { matchLabelKeys: atomic },
  'core.v1.PodSecurityContext': { supplementalGroups: atomic, sysctls: atomic },
  'core.v1.Capabilities': { add: atomic, drop: atomic },
  'core.v1.PodDNSConfig': { nameservers: atomic, searches: atomic, options: atomic },
  'core.v1.HostAlias': { hostnames: atomic },
  'core.v1.ExecAction': { command: atomic },
  'core.v1.HTTPGetAction': { httpHeaders: atomic },
  'core.v1.ConfigMapVolumeSource': { items: atomic },
  'core.v1.SecretVolumeSource': { items: atomic },
  'core.v1.DownwardAPIVolumeSource': { items: atomic },
  'core.v1.ProjectedVolumeSource': { sources: atomic },
  'core.v1.ConfigMapProjection': { items: atomic },
  'core.v1.SecretProjection': { items: atomic },
  'core.v1.DownwardAPIProjection': { items: atomic },
  'core.v1.CephFSVolumeSource': { monitors: atomic },
  'core.v1.CephFSPersistentVolumeSource': { monitors: atomic },
  'core.v1.RBDVolumeSource': { monitors: atomic },
  'core.v1.RBDPersistentVolumeSource': { monitors: atomic },
  'core.v1.ISCSIVolumeSource': { portals: atomic },
  'core.v1.ISCSIPersistentVolumeSource': { portals: atomic },
  'core.v1.FCVolumeSource': { targetWWNs: atomic, wwids: atomic },
  'core.v1.ServiceSpec': {
    ports: mergeBy('port', 'port', 'protocol'),
    selector: atomicMap,
    clusterIPs: atomic,
    externalIPs: atomic,
    loadBalancerSourceRanges: atomic,
    ipFamilies: atomic,
  },
  'core.v1.ServiceStatus': { conditions },
  'core.v1.LoadBalancerStatus': { ingress: atomic },
  'core.v1.LoadBalancerIngress': { ports: atomic },
  'core.v1.ServiceAccount': { secrets: mergeBy('name'), imagePullSecrets: atomic },
  'core.v1.NamespaceSpec': { finalizers: atomic },
  'core.v1.NamespaceStatus': { conditions },
  'core.v1.PersistentVolumeClaimSpec': { accessModes: atomic },
  'core.v1.PersistentVolumeClaimStatus': {
    accessModes: atomic,
    conditions,
    allocatedResourceStatuses: granularMap,
  },
  'core.v1.PersistentVolumeSpec': { accessModes: atomic, mountOptions: atomic },
  'core.v1.Endpoints': { subsets: atomic },
  'core.v1.EndpointSubset': { addresses: atomic, notReadyAddresses: atomic, ports: atomic },
  'core.v1.ReplicationControllerSpec': { selector: atomicMap },
  'core.v1.ReplicationControllerStatus': { conditions },
  'core.v1.ComponentStatus': { conditions },
  'core.v1.ResourceQuotaSpec': { scopes: atomic },
  'core.v1.ScopeSelector': { matchExpressions: atomic },
  'core.v1.ScopedResourceSelectorRequirement': { values: atomic },
  'core.v1.LimitRangeSpec': { limits: atomic },
  'core.v1.TopologySelectorLabelRequirement': { values: atomic },
  'core.v1.TopologySelectorTerm': { matchLabelExpressions: atomic },
  'apps.v1.DeploymentSpec': { strategy: { 'x-kubernetes-patch-strategy': 'retainKeys' } },
  'apps.v1.DeploymentStatus': { conditions },
  'apps.v1.ReplicaSetStatus': { conditions },
  'apps.v1.DaemonSetStatus': { conditions },
  'apps.v1.StatefulSetSpec': { volumeClaimTemplates: atomic },
  'apps.v1.StatefulSetStatus': { conditions },
  'batch.v1.JobStatus': { conditions: { ...mergeBy('type'), 'x-kubernetes-list-type': 'atomic', 'x-kubernetes-list-map-keys': undefined } },
  'batch.v1.UncountedTerminatedPods': { succeeded: set, failed: set },
  'batch.v1.CronJobStatus': { active: atomic },
  'batch.v1.PodFailurePolicy': { rules: atomic },
  'batch.v1.PodFailurePolicyRule': { onPodConditions: atomic },
  'batch.v1.PodFailurePolicyOnExitCodesRequirement': { values: set },
  'batch.v1.SuccessPolicy': { rules: atomic },
  'autoscaling.v2.HorizontalPodAutoscalerSpec': { metrics: atomic },
  'autoscaling.v2.HorizontalPodAutoscalerStatus': { currentMetrics: atomic, conditions },
  'autoscaling.v2.HPAScalingRules': { policies: atomic },
  'policy.v1.PodDisruptionBudgetSpec': { selector: { 'x-kubernetes-patch-strategy': 'replace' } },
  'policy.v1.PodDisruptionBudgetStatus': { conditions },
  'networking.v1.IngressSpec': { tls: atomic, rules: atomic },
  'networking.v1.IngressTLS': { hosts: atomic },
  'networking.v1.HTTPIngressRuleValue': { paths: atomic },
  'networking.v1.IngressLoadBalancerStatus': { ingress: atomic },
  'networking.v1.IngressLoadBalancerIngress': { ports: atomic },
  'networking.v1.NetworkPolicySpec': { ingress: atomic, egress: atomic, policyTypes: atomic },
  'networking.v1.NetworkPolicyIngressRule': { ports: atomic, from: atomic },
  'networking.v1.NetworkPolicyEgressRule': { ports: atomic, to: atomic },
  'networking.v1.IPBlock': { except: atomic },
  'discovery.v1.EndpointSlice': { endpoints: atomic, ports: atomic },
  'discovery.v1.Endpoint': { addresses: set },
  'discovery.v1.EndpointHints': { forZones: atomic, forNodes: atomic },
  'storage.v1.StorageClass': { mountOptions: atomic, allowedTopologies: atomic },
  'storage.v1.CSIDriverSpec': { volumeLifecycleModes: set, tokenRequests: atomic },
  'storage.v1.CSINodeSpec': { drivers: mergeBy('name') },
  'storage.v1.CSINodeDriver': { topologyKeys: atomic },
  'rbac.v1.Role': { rules: atomic },
  'rbac.v1.ClusterRole': { rules: atomic },
  'rbac.v1.AggregationRule': { clusterRoleSelectors: atomic },
  'rbac.v1.PolicyRule': {
    verbs: atomic,
    apiGroups: atomic,
    resources: atomic,
    resourceNames: atomic,
    nonResourceURLs: atomic,
  },
  'rbac.v1.RoleBinding': { subjects: atomic },
  'rbac.v1.ClusterRoleBinding': { subjects: atomic },
  'admissionregistration.v1.MutatingWebhookConfiguration': { webhooks: mergeBy('name') },
  'admissionregistration.v1.ValidatingWebhookConfiguration': { webhooks: mergeBy('name') },
  'admissionregistration.v1.MutatingWebhook': webhook,
  'admissionregistration.v1.ValidatingWebhook': webhook,
  'admissionregistration.v1.RuleWithOperations': {
    operations: atomic,
    apiGroups: atomic,
    apiVersions: atomic,
    resources: atomic,
  },
  'admissionregistration.v1.NamedRuleWithOperations': {
    resourceNames: atomic,
    operations: atomic,
    apiGroups: atomic,
    apiVersions: atomic,
    resources: atomic,
  },
  'admissionregistration.v1.MatchResources': { resourceRules: atomic, excludeResourceRules: atomic },
  'admissionregistration.v1.ValidatingAdmissionPolicySpec': {
    validations: atomic,
    auditAnnotations: atomic,
    matchConditions: mergeBy('name'),
    variables: mergeBy('name'),
  },
  'admissionregistration.v1.ValidatingAdmissionPolicyStatus': { conditions: listMap('type') },
  'admissionregistration.v1.ValidatingAdmissionPolicyBindingSpec': { validationActions: set },
  'admissionregistration.v1.TypeChecking': { expressionWarnings: atomic },
  'apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    finalizers: { 'x-kubernetes-patch-strategy': 'merge', ...set },
    ownerReferences: mergeBy('uid'),
    managedFields: atomic,
  },
  'apimachinery.pkg.apis.meta.v1.LabelSelector': { matchExpressions: atomic },
  'apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement': { values: atomic },
  'apimachinery.pkg.apis.meta.v1.StatusDetails': { causes: atomic },
};

/** Types that are replaced whole by a merge (x-kubernetes-map-type: atomic on the type). */
const atomicTypes = [
  'core.v1.ConfigMapKeySelector',
  'core.v1.SecretKeySelector',
  'core.v1.ObjectFieldSelector',
  'core.v1.ResourceFieldSelector',
  'core.v1.LocalObjectReference',
  'core.v1.ObjectReference',
  'core.v1.TypedLocalObjectReference',
  'core.v1.SecretReference',
  'core.v1.EndpointAddress',
  'core.v1.EndpointPort',
  'core.v1.NodeSelector',
  'core.v1.NodeSelectorTerm',
  'core.v1.ScopeSelector',
  'core.v1.TopologySelectorTerm',
  'core.v1.ConfigMapEnvSource',
  'core.v1.SecretEnvSource',
  'discovery.v1.EndpointPort',
  'rbac.v1.RoleRef',
  'rbac.v1.Subject',
  'autoscaling.v1.CrossVersionObjectReference',
  'admissionregistration.v1.MatchResources',
  'admissionregistration.v1.ParamKind',
  'admissionregistration.v1.ParamRef',
  'admissionregistration.v1.NamedRuleWithOperations',
  'apimachinery.pkg.apis.meta.v1.LabelSelector',
  'apimachinery.pkg.apis.meta.v1.OwnerReference',
];

function shortName(definition: string): string {
  return definition.replace(/^io\.k8s\.(api\.)?/, '');
}

function withoutUndefined(facts: PatchFacts): PatchFacts {
  return Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined)) as PatchFacts;
}

/** The patch facts of one field of a definition, if any. */
export function fieldPatchFacts(definition: string, field: string): PatchFacts | undefined {
  const facts = fieldFacts[shortName(definition)]?.[field];
  return facts && withoutUndefined(facts);
}

/** Whether a definition is replaced whole by merges. */
export function isAtomicType(definition: string): boolean {
  return atomicTypes.includes(shortName(definition));
}

const QUANTITY_DESCRIPTION =
  'Quantity is a fixed-point representation of a number: a decimal or binary SI number ' +
  'with an optional suffix (m, k, M, G, T, P, E, Ki, Mi, Gi, Ti, Pi, Ei) or exponent, ' +
  'written in JSON as a string or a number, e.g. "100m", "1.5Gi", 2.';

/** Definitions whose JSON form is a string (or number) rather than what TypeScript says. */
export function scalarDefinition(definition: string, description: string | undefined): Schema | undefined {
  switch (definition) {
    case 'io.k8s.apimachinery.pkg.api.resource.Quantity':
      return { description: description ?? QUANTITY_DESCRIPTION, type: 'string' };
    case 'io.k8s.apimachinery.pkg.util.intstr.IntOrString':
      return { description, type: 'string', format: 'int-or-string' };
    case 'io.k8s.apimachinery.pkg.apis.meta.v1.Time':
      return { description, type: 'string', format: 'date-time' };
    case 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime':
      return { description, type: 'string', format: 'date-time' };
    default:
      return undefined;
  }
}
