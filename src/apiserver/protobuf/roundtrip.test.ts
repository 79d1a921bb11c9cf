// Every top-level kind, with most of its fields set: encoding then decoding loses nothing (each
// value written comes back; a JSON name missing from the tables would be dropped) and is stable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeKubernetesProtobuf, encodeKubernetesProtobuf } from './index.js';

type Obj = Record<string, unknown>;

function assertContains(actual: unknown, expected: unknown, path: string): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path} is not a list`);
    assert.equal(actual.length, expected.length, `${path} length`);
    expected.forEach((e, i) => assertContains(actual[i], e, `${path}[${i}]`));
  } else if (typeof expected === 'object' && expected !== null) {
    assert.ok(typeof actual === 'object' && actual !== null, `${path} is missing`);
    for (const [key, value] of Object.entries(expected)) assertContains((actual as Obj)[key], value, `${path}.${key}`);
  } else {
    assert.equal(actual, expected, path);
  }
}

function roundTrip(object: Obj): Obj {
  const decoded = decodeKubernetesProtobuf(encodeKubernetesProtobuf(object)).object;
  assertContains(decoded, object, String(object['kind']));
  assert.deepEqual(decodeKubernetesProtobuf(encodeKubernetesProtobuf(decoded)).object, decoded);
  return decoded;
}

const metadata = {
  name: 'x',
  namespace: 'ns',
  uid: '6f1c0e4e-1111-4222-8333-944445555666',
  resourceVersion: '42',
  generation: 3,
  creationTimestamp: '2024-01-02T03:04:05Z',
  deletionTimestamp: '2024-01-02T03:05:05Z',
  deletionGracePeriodSeconds: 0,
  labels: { app: 'x', tier: '' },
  annotations: { note: 'hello' },
  ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x-1', uid: 'u1', controller: true, blockOwnerDeletion: false }],
  finalizers: ['example.com/f'],
  managedFields: [
    { manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2024-01-02T03:04:05Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': {} } },
  ],
};
const selector = { matchLabels: { app: 'x' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['a', 'b'] }] };
const condition = { type: 'Ready', status: 'True', lastTransitionTime: '2024-01-02T03:04:05Z', reason: 'R', message: 'm' };

const container = {
  name: 'app',
  image: 'nginx:1.25',
  command: ['/bin/sh', '-c'],
  args: ['echo hi'],
  workingDir: '/w',
  ports: [{ name: 'http', containerPort: 8080, hostPort: 80, protocol: 'TCP', hostIP: '0.0.0.0' }],
  env: [
    { name: 'A', value: '1' },
    { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
    { name: 'MEM', valueFrom: { resourceFieldRef: { containerName: 'app', resource: 'limits.memory', divisor: '1Mi' } } },
    { name: 'S', valueFrom: { secretKeyRef: { name: 's', key: 'k', optional: false } } },
    { name: 'C', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' } } },
  ],
  envFrom: [{ prefix: 'P_', configMapRef: { name: 'c' } }, { secretRef: { name: 's', optional: true } }],
  resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m', 'nvidia.com/gpu': '1' }, claims: [{ name: 'gpu' }] },
  resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }],
  restartPolicy: 'Always',
  volumeMounts: [{ name: 'data', mountPath: '/data', readOnly: true, subPath: 'sub', mountPropagation: 'None' }],
  volumeDevices: [{ name: 'blk', devicePath: '/dev/xvda' }],
  livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP', httpHeaders: [{ name: 'X', value: 'y' }] }, initialDelaySeconds: 5, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3, terminationGracePeriodSeconds: 30 },
  readinessProbe: { tcpSocket: { port: 8080 } },
  startupProbe: { exec: { command: ['true'] } },
  lifecycle: { postStart: { exec: { command: ['a'] } }, preStop: { sleep: { seconds: 5 } }, stopSignal: 'SIGTERM' },
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
  imagePullPolicy: 'IfNotPresent',
  securityContext: {
    capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
    privileged: false,
    runAsUser: 1000,
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    seccompProfile: { type: 'RuntimeDefault' },
  },
  stdin: true,
  tty: true,
};

const podSpec = {
  volumes: [
    { name: 'data', persistentVolumeClaim: { claimName: 'pvc', readOnly: true } },
    { name: 'cfg', configMap: { name: 'c', items: [{ key: 'k', path: 'p', mode: 420 }], defaultMode: 420, optional: true } },
    { name: 'sec', secret: { secretName: 's' } },
    { name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
    { name: 'host', hostPath: { path: '/var', type: 'Directory' } },
    { name: 'proj', projected: { sources: [{ serviceAccountToken: { audience: 'api', expirationSeconds: 3600, path: 'token' } }, { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }] } },
  ],
  initContainers: [{ name: 'init', image: 'busybox' }],
  containers: [container],
  ephemeralContainers: [{ name: 'debug', image: 'busybox', targetContainerName: 'app' }],
  restartPolicy: 'Always',
  terminationGracePeriodSeconds: 30,
  activeDeadlineSeconds: 600,
  dnsPolicy: 'ClusterFirst',
  nodeSelector: { 'kubernetes.io/os': 'linux' },
  serviceAccountName: 'sa',
  automountServiceAccountToken: false,
  nodeName: 'node-1',
  hostNetwork: true,
  shareProcessNamespace: true,
  securityContext: { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000], sysctls: [{ name: 'net.core.somaxconn', value: '1024' }] },
  imagePullSecrets: [{ name: 'reg' }],
  hostname: 'h',
  subdomain: 'sub',
  affinity: {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] },
      preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n'] }] } }],
    },
    podAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: selector, topologyKey: 'kubernetes.io/hostname', namespaces: ['ns'] }],
    },
  },
  schedulerName: 'default-scheduler',
  tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }, { key: 'j', operator: 'Equal', value: 'v', effect: 'NoSchedule' }],
  hostAliases: [{ ip: '10.0.0.1', hostnames: ['a.local'] }],
  priorityClassName: 'high',
  priority: 1000,
  dnsConfig: { nameservers: ['1.1.1.1'], searches: ['svc.local'], options: [{ name: 'ndots', value: '2' }] },
  readinessGates: [{ conditionType: 'example.com/ready' }],
  runtimeClassName: 'runc',
  enableServiceLinks: false,
  preemptionPolicy: 'PreemptLowerPriority',
  overhead: { cpu: '10m' },
  topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: selector, minDomains: 2 }],
  os: { name: 'linux' },
  hostUsers: false,
};

const podStatus = {
  phase: 'Running',
  conditions: [{ type: 'Ready', status: 'True', lastProbeTime: '2024-01-02T03:04:05Z', lastTransitionTime: '2024-01-02T03:04:05Z' }],
  hostIP: '10.0.0.2',
  hostIPs: [{ ip: '10.0.0.2' }],
  podIP: '10.42.0.5',
  podIPs: [{ ip: '10.42.0.5' }],
  startTime: '2024-01-02T03:04:05Z',
  qosClass: 'Burstable',
  containerStatuses: [{
    name: 'app', ready: true, restartCount: 2, image: 'nginx:1.25', imageID: 'sha256:abc', containerID: 'containerd://1', started: true,
    state: { running: { startedAt: '2024-01-02T03:04:05Z' } },
    lastState: { terminated: { exitCode: 137, signal: 9, reason: 'OOMKilled', startedAt: '2024-01-02T03:00:00Z', finishedAt: '2024-01-02T03:01:00Z' } },
  }],
};

const template = { metadata: { labels: { app: 'x' } }, spec: podSpec };

const OBJECTS: Obj[] = [
  { apiVersion: 'v1', kind: 'Pod', metadata, spec: podSpec, status: podStatus },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', labels: { a: 'b' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Terminating', conditions: [{ type: 'NamespaceDeletionContentFailure', status: 'False', reason: 'r' }] } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { a: 'b', empty: '' }, binaryData: { bin: '3q2+7w==' }, immutable: true },
  { apiVersion: 'v1', kind: 'Secret', metadata, data: { key: 'c2VjcmV0' }, stringData: { plain: 'text' }, type: 'kubernetes.io/tls', immutable: false },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata, secrets: [{ name: 's', namespace: 'ns', kind: 'Secret' }], imagePullSecrets: [{ name: 'reg' }], automountServiceAccountToken: false },
  {
    apiVersion: 'v1', kind: 'Service', metadata,
    spec: {
      ports: [{ name: 'http', protocol: 'TCP', appProtocol: 'http', port: 80, targetPort: 'http', nodePort: 30080 }, { port: 443, targetPort: 8443 }],
      selector: { app: 'x' }, clusterIP: '10.43.0.10', clusterIPs: ['10.43.0.10'], type: 'NodePort', externalIPs: ['1.2.3.4'],
      sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } }, loadBalancerSourceRanges: ['10.0.0.0/8'],
      externalTrafficPolicy: 'Local', healthCheckNodePort: 31000, publishNotReadyAddresses: true, ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack', allocateLoadBalancerNodePorts: false, internalTrafficPolicy: 'Cluster', trafficDistribution: 'PreferClose',
    },
    status: { loadBalancer: { ingress: [{ ip: '1.2.3.4', hostname: 'lb', ipMode: 'VIP', ports: [{ port: 80, protocol: 'TCP', error: 'e' }] }] }, conditions: [condition] },
  },
  { apiVersion: 'v1', kind: 'ResourceQuota', metadata, spec: { hard: { pods: '10', 'requests.cpu': '2' }, scopes: ['NotTerminating'], scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } }, status: { hard: { pods: '10' }, used: { pods: '1' } } },
  { apiVersion: 'v1', kind: 'Endpoints', metadata, subsets: [{ addresses: [{ ip: '10.42.0.5', hostname: 'h', nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'p', uid: 'u', resourceVersion: '1' } }], notReadyAddresses: [{ ip: '10.42.0.6' }], ports: [{ name: 'http', port: 8080, protocol: 'TCP', appProtocol: 'http' }] }] },
  { apiVersion: 'v1', kind: 'Binding', metadata, target: { kind: 'Node', name: 'node-1' } },
  {
    apiVersion: 'v1', kind: 'Event', metadata, involvedObject: { kind: 'Pod', namespace: 'ns', name: 'p', uid: 'u', apiVersion: 'v1', fieldPath: 'spec.containers{app}' },
    reason: 'Started', message: 'Started container', source: { component: 'kubelet', host: 'node-1' }, firstTimestamp: '2024-01-02T03:04:05Z',
    lastTimestamp: '2024-01-02T03:04:06Z', count: 3, type: 'Normal', eventTime: '2024-01-02T03:04:05.123456Z',
    series: { count: 2, lastObservedTime: '2024-01-02T03:04:06.000001Z' }, action: 'Start', related: { kind: 'Node', name: 'node-1' },
    reportingComponent: 'kubelet', reportingInstance: 'node-1',
  },
  {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata,
    spec: { replicas: 0, selector, template, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } }, minReadySeconds: 5, revisionHistoryLimit: 10, paused: true, progressDeadlineSeconds: 600 },
    status: { observedGeneration: 3, replicas: 1, updatedReplicas: 1, readyReplicas: 1, availableReplicas: 1, unavailableReplicas: 1, terminatingReplicas: 0, collisionCount: 0, conditions: [{ ...condition, lastUpdateTime: '2024-01-02T03:04:05Z' }] },
  },
  {
    apiVersion: 'apps/v1', kind: 'StatefulSet', metadata,
    spec: {
      replicas: 3, selector, template, serviceName: 'db', podManagementPolicy: 'Parallel', revisionHistoryLimit: 10, minReadySeconds: 1,
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'local', volumeMode: 'Filesystem', resources: { requests: { storage: '1Gi' } }, selector } }],
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 1 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Retain' }, ordinals: { start: 0 },
    },
    status: { observedGeneration: 1, replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 3, currentRevision: 'r1', updateRevision: 'r1', collisionCount: 0, availableReplicas: 3, conditions: [condition] },
  },
  {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata,
    spec: { selector, template, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, minReadySeconds: 2, revisionHistoryLimit: 10 },
    status: { currentNumberScheduled: 1, numberMisscheduled: 0, desiredNumberScheduled: 1, numberReady: 1, observedGeneration: 1, updatedNumberScheduled: 1, numberAvailable: 1, numberUnavailable: 2, collisionCount: 0, conditions: [condition] },
  },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata, spec: { replicas: 2, minReadySeconds: 7, selector, template }, status: { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, terminatingReplicas: 0, observedGeneration: 1, conditions: [condition] } },
  {
    apiVersion: 'batch/v1', kind: 'Job', metadata,
    spec: {
      parallelism: 2, completions: 4, activeDeadlineSeconds: 100, backoffLimit: 0, backoffLimitPerIndex: 1, maxFailedIndexes: 2, selector, manualSelector: false,
      template: { metadata: { labels: { job: 'j' } }, spec: { ...podSpec, restartPolicy: 'Never' } }, ttlSecondsAfterFinished: 0, completionMode: 'Indexed', suspend: false,
      podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { containerName: 'app', operator: 'In', values: [1, 42] } }, { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] },
      successPolicy: { rules: [{ succeededIndexes: '0-2', succeededCount: 1 }] }, podReplacementPolicy: 'Failed', managedBy: 'kubernetes.io/job-controller',
    },
    status: { conditions: [{ type: 'Complete', status: 'True', lastProbeTime: '2024-01-02T03:04:05Z' }], startTime: '2024-01-02T03:04:05Z', completionTime: '2024-01-02T03:05:05Z', active: 1, succeeded: 2, failed: 1, terminating: 0, completedIndexes: '0-1', failedIndexes: '', uncountedTerminatedPods: { succeeded: ['u1'], failed: ['u2'] }, ready: 1 },
  },
  {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata,
    spec: { schedule: '*/5 * * * *', timeZone: 'Etc/UTC', startingDeadlineSeconds: 60, concurrencyPolicy: 'Forbid', suspend: true, successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 1, jobTemplate: { metadata: { labels: { a: 'b' } }, spec: { template: { spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'OnFailure' } } } } },
    status: { active: [{ kind: 'Job', name: 'j' }], lastScheduleTime: '2024-01-02T03:04:05Z', lastSuccessfulTime: '2024-01-02T03:04:05Z' },
  },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata, spec: { minAvailable: 0, selector, unhealthyPodEvictionPolicy: 'AlwaysAllow' }, status: { observedGeneration: 1, disruptedPods: { p: '2024-01-02T03:04:05Z' }, disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1, conditions: [{ ...condition, observedGeneration: 1 }] } },
  { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'p', namespace: 'ns' }, deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'u', resourceVersion: '1' }, propagationPolicy: 'Background', dryRun: ['All'] } },
  {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata,
    spec: {
      ingressClassName: 'nginx', defaultBackend: { service: { name: 'def', port: { name: 'http' } } }, tls: [{ hosts: ['foo.com'], secretName: 'cert' }],
      rules: [{ host: 'foo.com', http: { paths: [{ path: '/bar', pathType: 'Prefix', backend: { service: { name: 'svc', port: { number: 8080 } } } }, { path: '/r', pathType: 'Exact', backend: { resource: { apiGroup: 'example.com', kind: 'Bucket', name: 'b' } } }] } }],
    },
    status: { loadBalancer: { ingress: [{ ip: '1.2.3.4', ports: [{ port: 80, protocol: 'TCP' }] }] } },
  },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata, rules: [{ verbs: ['get', 'list'], apiGroups: ['', 'apps'], resources: ['pods', 'deployments/scale'], resourceNames: ['x'] }] },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'c' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/logs/*'] }], aggregationRule: { clusterRoleSelectors: [selector] } },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata, subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'alice' }, { kind: 'ServiceAccount', name: 'sa', namespace: 'ns' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'r' } },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'b' }, subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'devs' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'c' } },
  { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: -10, globalDefault: true, description: 'd', preemptionPolicy: 'Never' },
  { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: { name: 'me' }, status: { userInfo: { username: 'alice', uid: 'u', groups: ['devs'], extra: { scopes: ['a', 'b'] } } } },
  { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata, spec: { audiences: ['api'], expirationSeconds: 3600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'u' } }, status: { token: 't', expirationTimestamp: '2024-01-02T04:04:05Z' } },
  {
    apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', metadata: { name: 'r' },
    spec: { resourceAttributes: { namespace: 'ns', verb: 'list', group: 'apps', version: 'v1', resource: 'deployments', subresource: 'scale', name: 'd', fieldSelector: { rawSelector: 'a=b', requirements: [{ key: 'a', operator: 'In', values: ['b'] }] }, labelSelector: { requirements: [{ key: 'x', operator: 'Exists' }] } } },
    status: { allowed: false, denied: true, reason: 'no', evaluationError: 'e' },
  },
  { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', metadata: { name: 'r' }, spec: { namespace: 'ns' }, status: { resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'], resourceNames: ['p'] }], nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }], incomplete: true, evaluationError: 'e' } },
  { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', metadata: { name: 'r' }, spec: { nonResourceAttributes: { path: '/logs', verb: 'get' }, user: 'alice', groups: ['devs'], extra: { scopes: ['a'] }, uid: 'u' }, status: { allowed: true } },
  { apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', metadata: { name: 'r', namespace: 'ns' }, spec: { resourceAttributes: { verb: 'get', resource: 'pods' }, user: 'bob' }, status: { allowed: true } },
  {
    apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: 'csr' },
    spec: { request: 'LS0tLS1CRUdJTg==', signerName: 'kubernetes.io/kube-apiserver-client', expirationSeconds: 86400, usages: ['client auth'], username: 'u', uid: 'x', groups: ['g'], extra: { e: ['1'] } },
    status: { conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove', message: 'ok', lastUpdateTime: '2024-01-02T03:04:05Z', lastTransitionTime: '2024-01-02T03:04:05Z' }], certificate: 'LS0tLS1DRVJU' },
  },
  { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata, spec: { replicas: 5 }, status: { replicas: 4, selector: 'app=x' } },
  { apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions', gracePeriodSeconds: 30, orphanDependents: false, propagationPolicy: 'Orphan', ignoreStoreReadErrorWithClusterBreakingPotential: true },
  { apiVersion: 'v1', kind: 'Status', metadata: { resourceVersion: '1' }, status: 'Failure', message: 'm', reason: 'Invalid', code: 422, details: { name: 'x', group: 'apps', kind: 'Deployment', uid: 'u', retryAfterSeconds: 1, causes: [{ reason: 'FieldValueInvalid', message: 'bad', field: 'spec.replicas' }] } },
];

for (const object of OBJECTS) {
  test(`${object['apiVersion']} ${object['kind']} survives encode → decode`, () => {
    roundTrip(object);
  });
}

test('a value Go would omit comes back omitted; a pointer keeps its zero', () => {
  const object = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 0, minReadySeconds: 0, paused: false } };
  const decoded = decodeKubernetesProtobuf(encodeKubernetesProtobuf(object)).object;
  const spec = decoded['spec'] as Obj;
  assert.equal(spec['replicas'], 0);
  assert.ok(!('minReadySeconds' in spec) && !('paused' in spec));
});
