import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiObject } from '../kind.js';
import { FieldPath } from '../../machinery/field.js';
import { defaultPodSpec, podStrategy as pods, validatePodSpec, validatePodTemplateSpec } from './pod.js';

function pod(spec: Record<string, unknown>, extra: Partial<ApiObject> = {}): ApiObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'default' }, spec, ...extra };
}

function defaulted(spec: Record<string, unknown>): ApiObject {
  const obj = pod(spec);
  pods.defaults?.(obj);
  return obj;
}

function errors(obj: ApiObject): string[] {
  return (pods.validate?.(obj, {}) ?? []).map(String);
}

test('names as upstream discovery', () => {
  assert.deepEqual(pods.names.shortNames, ['po']);
  assert.deepEqual(pods.names.categories, ['all']);
  assert.equal(pods.generation, true);
});

test('pod defaults', () => {
  const obj = defaulted({ containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }] });
  assert.deepEqual(obj.spec, {
    containers: [
      {
        name: 'c',
        image: 'nginx',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        imagePullPolicy: 'Always',
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
        resources: {},
      },
    ],
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
    schedulerName: 'default-scheduler',
    enableServiceLinks: true,
  });
});

test('image pull policy follows the tag', () => {
  const spec: Record<string, unknown> = {
    containers: [
      { name: 'a', image: 'busybox:1.36' },
      { name: 'b', image: 'busybox:latest' },
      { name: 'c', image: 'localhost:5000/busybox' },
      { name: 'd', image: 'busybox@sha256:abc' },
    ],
  };
  defaultPodSpec(spec);
  const policies = (spec.containers as { imagePullPolicy: string }[]).map((c) => c.imagePullPolicy);
  assert.deepEqual(policies, ['IfNotPresent', 'Always', 'Always', 'IfNotPresent']);
});

test('pod template defaults leave enableServiceLinks out', () => {
  const spec: Record<string, unknown> = { containers: [{ name: 'c', image: 'x:1', resources: { limits: { cpu: '1' } } }] };
  defaultPodSpec(spec);
  assert.equal(spec.enableServiceLinks, undefined);
  assert.deepEqual((spec.containers as { resources: unknown }[])[0].resources, { limits: { cpu: '1' } });
});

test('requests default to limits on pods only', () => {
  const obj = defaulted({ containers: [{ name: 'c', image: 'x:1', resources: { limits: { cpu: '1', memory: '1Gi' } } }] });
  const c = (obj.spec as { containers: { resources: unknown }[] }).containers[0];
  assert.deepEqual(c.resources, { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } });
});

test('create sets Pending, QoS class and priority', () => {
  const obj = defaulted({ containers: [{ name: 'c', image: 'x:1', resources: { limits: { cpu: '1', memory: '1Gi' } } }] });
  pods.prepareForCreate?.(obj);
  assert.deepEqual(obj.status, { phase: 'Pending', qosClass: 'Guaranteed' });
  assert.equal((obj.spec as { priority: number }).priority, 0);
  assert.equal((obj.spec as { preemptionPolicy: string }).preemptionPolicy, 'PreemptLowerPriority');
  const best = defaulted({ containers: [{ name: 'c', image: 'x:1' }] });
  pods.prepareForCreate?.(best);
  assert.equal((best.status as { qosClass: string }).qosClass, 'BestEffort');
  const burst = defaulted({ containers: [{ name: 'c', image: 'x:1', resources: { requests: { cpu: '100m' } } }] });
  pods.prepareForCreate?.(burst);
  assert.equal((burst.status as { qosClass: string }).qosClass, 'Burstable');
});

test('containers are required', () => {
  assert.deepEqual(errors(defaulted({ containers: [] })), ['spec.containers: Required value']);
});

test('container name and image', () => {
  const errs = errors(defaulted({ containers: [{ name: 'C', image: '' }, { name: 'C', image: 'x' }] }));
  assert.deepEqual(errs, [
    "spec.containers[0].name: Invalid value: \"C\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    'spec.containers[0].image: Required value',
    "spec.containers[1].name: Invalid value: \"C\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    'spec.containers[1].name: Duplicate value: "C"',
  ]);
});

test('ports, protocols and port names', () => {
  const errs = errors(
    defaulted({
      containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 70000, protocol: 'HTTP', name: 'Web' }, { containerPort: 0 }] }],
    }),
  );
  assert.deepEqual(errs, [
    'spec.containers[0].ports[0].name: Invalid value: "Web": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    'spec.containers[0].ports[1].containerPort: Required value',
  ]);
});

test('env var names and sources', () => {
  const errs = errors(
    defaulted({
      containers: [{ name: 'c', image: 'x', env: [{ name: 'A=B' }, { name: '' }, { name: 'X', value: 'v', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }] }],
    }),
  );
  assert.deepEqual(errs, [
    "spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment variable name must consist only of printable ASCII characters other than '='",
    'spec.containers[0].env[1].name: Required value',
    'spec.containers[0].env[2].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
  ]);
});

test('volumes: one source, names, mounts', () => {
  const errs = errors(
    defaulted({
      volumes: [{ name: 'data', emptyDir: {}, hostPath: { path: '/x' } }, { name: 'cfg', configMap: {} }],
      containers: [{ name: 'c', image: 'x', volumeMounts: [{ name: 'missing', mountPath: '/m' }] }],
    }),
  );
  assert.deepEqual(errs, [
    'spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type',
    'spec.volumes[1].configMap.name: Required value',
    'spec.containers[0].volumeMounts[0].name: Not found: "missing"',
  ]);
});

test('a volume with no source defaults to emptyDir', () => {
  const obj = defaulted({ volumes: [{ name: 'scratch' }], containers: [{ name: 'c', image: 'x' }] });
  assert.deepEqual((obj.spec as { volumes: unknown[] }).volumes, [{ name: 'scratch', emptyDir: {} }]);
  assert.deepEqual(errors(obj), []);
});

test('requests must not exceed limits', () => {
  const errs = errors(defaulted({ containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }] }));
  assert.deepEqual(errs, ['spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1']);
});

test('restart and dns policies', () => {
  const obj = defaulted({ containers: [{ name: 'c', image: 'x' }], restartPolicy: 'Sometimes' });
  assert.deepEqual(errors(obj), ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']);
});

test('pod spec updates are forbidden except images', () => {
  const old = defaulted({ containers: [{ name: 'c', image: 'x:1' }] });
  old.metadata = { ...old.metadata, resourceVersion: '1' };
  const newImage = structuredClone(old);
  (newImage.spec as { containers: { image: string }[] }).containers[0].image = 'x:2';
  assert.deepEqual(pods.validateUpdate?.(newImage, old), []);
  const changed = structuredClone(old);
  (changed.spec as Record<string, unknown>).restartPolicy = 'Never';
  const errs = (pods.validateUpdate?.(changed, old) ?? []).map(String);
  assert.equal(errs.length, 1);
  assert.ok(
    errs[0].startsWith(
      'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n',
    ),
  );
  const emptyLists = structuredClone(old);
  (emptyLists.spec as Record<string, unknown>).volumes = [];
  (emptyLists.spec as Record<string, unknown>).nodeSelector = {};
  assert.deepEqual(pods.validateUpdate?.(emptyLists, old), []);
  const added = structuredClone(old);
  (added.spec as { containers: unknown[] }).containers.push({ name: 'd', image: 'y' });
  assert.deepEqual((pods.validateUpdate?.(added, old) ?? []).map(String), ['spec.containers: Forbidden: pod updates may not add or remove containers']);
});

test('template spec validation for workloads', () => {
  const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x' }] } };
  defaultPodSpec(template.spec);
  assert.deepEqual(validatePodTemplateSpec(template, FieldPath.of('spec', 'template')), []);
  const bad = { metadata: { labels: { 'bad key!': 'v' } }, spec: { containers: [] } };
  defaultPodSpec(bad.spec);
  const errs = validatePodTemplateSpec(bad, FieldPath.of('spec', 'template')).map((e) => e.field);
  assert.deepEqual(errs, ['spec.template.labels', 'spec.template.spec.containers']);
  assert.deepEqual(validatePodSpec({}, FieldPath.of('spec')).map(String).slice(0, 2), [
    'spec.terminationGracePeriodSeconds: Required value',
    'spec.containers: Required value',
  ]);
});

const NOW = Date.parse('2024-01-01T12:00:00Z');

function row(status: Record<string, unknown>, spec: Record<string, unknown> = { containers: [{ name: 'c' }] }, meta: Record<string, unknown> = {}) {
  const obj = pod(spec, { status, metadata: { name: 'web', creationTimestamp: '2024-01-01T11:55:00Z', ...meta } });
  return pods.table?.cells(obj).slice(0, 4);
}

test('table columns', () => {
  assert.deepEqual(pods.table?.columns.map((c) => `${c.name}:${c.priority}`), [
    'Name:0', 'Ready:0', 'Status:0', 'Restarts:0', 'Age:0', 'IP:1', 'Node:1', 'Nominated Node:1', 'Readiness Gates:1',
  ]);
  void NOW;
});

test('status column as kubectl shows it', () => {
  assert.deepEqual(row({ phase: 'Pending' }), ['web', '0/1', 'Pending', '0']);
  const running = { phase: 'Running', containerStatuses: [{ name: 'c', ready: true, restartCount: 0, state: { running: {} } }] };
  assert.deepEqual(row(running), ['web', '1/1', 'Running', '0']);
  const crash = { phase: 'Running', containerStatuses: [{ name: 'c', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }] };
  assert.deepEqual(row(crash), ['web', '0/1', 'CrashLoopBackOff', '3']);
  const done = { phase: 'Succeeded', containerStatuses: [{ name: 'c', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] };
  assert.deepEqual(row(done), ['web', '0/1', 'Completed', '0']);
  const init = { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { waiting: { reason: 'PodInitializing' } } }] };
  assert.deepEqual(row(init, { initContainers: [{ name: 'i1' }, { name: 'i2' }], containers: [{ name: 'c' }] }), ['web', '0/1', 'Init:0/2', '0']);
  assert.deepEqual(row(running, { containers: [{ name: 'c' }] }, { deletionTimestamp: '2024-01-01T11:59:00Z' })?.[2], 'Terminating');
});

test('wide cells and selectable fields', () => {
  const obj = pod(
    { nodeName: 'n1', restartPolicy: 'Always', schedulerName: 'default-scheduler', containers: [{ name: 'c' }] },
    { status: { phase: 'Running', podIPs: [{ ip: '10.0.0.5' }] } },
  );
  assert.deepEqual(pods.table?.cells(obj).slice(5), ['10.0.0.5', 'n1', '<none>', '<none>']);
  assert.deepEqual(pods.selectableFields?.(obj), {
    'spec.nodeName': 'n1',
    'spec.restartPolicy': 'Always',
    'spec.schedulerName': 'default-scheduler',
    'spec.serviceAccountName': '',
    'spec.hostNetwork': 'false',
    'status.phase': 'Running',
    'status.podIP': '10.0.0.5',
    'status.nominatedNodeName': '',
  });
});
