import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import {
  definitionOf,
  definitions,
  duplicateFields,
  fieldTypeErrors,
  patchMetaFor,
  referencedDefinitions,
  unknownFields,
} from './index.js';

const CORE = 'io.k8s.api.core.v1';

test('definitions carry upstream names, descriptions, types and required fields', () => {
  const all = definitions();
  const container = all[`${CORE}.Container`];
  assert.match(container.description ?? '', /single application container/);
  assert.deepEqual(container.required, ['name']);
  assert.equal(container.properties?.image.type, 'string');
  assert.match(container.properties?.imagePullPolicy.description ?? '', /Possible enum values/);
  assert.deepEqual(container.properties?.imagePullPolicy.enum, ['Always', 'IfNotPresent', 'Never']);
  assert.equal(container.properties?.env.items?.$ref, `#/definitions/${CORE}.EnvVar`);
  assert.ok(all['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'].properties?.labels.additionalProperties);
});

test('integer formats, int-or-string and quantities are as upstream publishes them', () => {
  const all = definitions();
  const podSpec = all[`${CORE}.PodSpec`].properties!;
  assert.deepEqual([podSpec.priority.type, podSpec.priority.format], ['integer', 'int32']);
  assert.equal(podSpec.activeDeadlineSeconds.format, 'int64');
  assert.equal(all['io.k8s.apimachinery.pkg.util.intstr.IntOrString'].format, 'int-or-string');
  assert.equal(all['io.k8s.apimachinery.pkg.api.resource.Quantity'].type, 'string');
  const limits = all[`${CORE}.ResourceRequirements`].properties!.limits;
  assert.equal(limits.additionalProperties?.$ref, '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity');
  assert.equal(all['io.k8s.api.apps.v1.RollingUpdateDeployment'].properties!.maxSurge.$ref, '#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString');
  assert.equal(all['io.k8s.apimachinery.pkg.apis.meta.v1.Time'].format, 'date-time');
});

test('every kind of the served groups has a definition with its group-version-kind', () => {
  const kinds: [string, string, string][] = [
    ['', 'v1', 'Pod'], ['', 'v1', 'Service'], ['', 'v1', 'ConfigMap'], ['', 'v1', 'Namespace'],
    ['apps', 'v1', 'Deployment'], ['apps', 'v1', 'StatefulSet'], ['batch', 'v1', 'CronJob'],
    ['autoscaling', 'v1', 'HorizontalPodAutoscaler'], ['autoscaling', 'v2', 'HorizontalPodAutoscaler'],
    ['autoscaling', 'v1', 'Scale'], ['policy', 'v1', 'PodDisruptionBudget'], ['policy', 'v1', 'Eviction'],
    ['networking.k8s.io', 'v1', 'Ingress'], ['discovery.k8s.io', 'v1', 'EndpointSlice'],
    ['storage.k8s.io', 'v1', 'StorageClass'], ['coordination.k8s.io', 'v1', 'Lease'],
    ['scheduling.k8s.io', 'v1', 'PriorityClass'], ['events.k8s.io', 'v1', 'Event'],
    ['rbac.authorization.k8s.io', 'v1', 'ClusterRoleBinding'],
    ['admissionregistration.k8s.io', 'v1', 'ValidatingAdmissionPolicy'],
  ];
  for (const [group, version, kind] of kinds) {
    const name = definitionOf(group, version, kind);
    assert.ok(name, `${group}/${version} ${kind}`);
    assert.ok(definitions()[name].description, name);
  }
  assert.equal(definitionOf('autoscaling', 'v2', 'HorizontalPodAutoscaler'), 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler');
});

test('every reference of every definition resolves', () => {
  const all = definitions();
  const refs = referencedDefinitions(Object.keys(all));
  for (const name of refs) assert.ok(all[name], name);
  assert.ok(referencedDefinitions([`${CORE}.Pod`]).has('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'));
});

test('patch metadata: containers, ports, env, volumes by key; tolerations atomic; finalizers merged', () => {
  const pod = patchMetaFor('', 'v1', 'Pod')!;
  const spec = pod.field('spec');
  const containers = spec.field('containers');
  assert.deepEqual([containers.patchStrategy, containers.patchMergeKey], ['merge', 'name']);
  assert.equal(containers.field('ports').patchMergeKey, 'containerPort');
  assert.deepEqual(containers.field('ports').listMapKeys, ['containerPort', 'protocol']);
  assert.equal(containers.field('env').patchMergeKey, 'name');
  assert.equal(containers.field('volumeMounts').patchMergeKey, 'mountPath');
  assert.deepEqual([spec.field('volumes').patchStrategy, spec.field('volumes').patchMergeKey], ['merge,retainKeys', 'name']);
  assert.equal(spec.field('tolerations').listType, 'atomic');
  assert.equal(spec.field('tolerations').patchStrategy, undefined);
  assert.equal(pod.field('metadata').field('finalizers').patchStrategy, 'merge');
  assert.equal(pod.field('metadata').field('ownerReferences').patchMergeKey, 'uid');
  assert.equal(spec.field('nodeSelector').mapType, 'atomic');
  assert.equal(pod.field('metadata').field('labels').field('app').patchStrategy, undefined);
});

test('patch metadata follows templates and types replaced whole', () => {
  const deployment = patchMetaFor('apps', 'v1', 'Deployment')!;
  assert.equal(deployment.field('spec').field('strategy').patchStrategy, 'retainKeys');
  const containers = deployment.field('spec').field('template').field('spec').field('containers');
  assert.equal(containers.patchMergeKey, 'name');
  assert.equal(deployment.field('spec').field('selector').mapType, 'atomic');
  assert.equal(patchMetaFor('policy', 'v1', 'PodDisruptionBudget')!.field('spec').field('selector').patchStrategy, 'replace');
  assert.equal(patchMetaFor('example.com', 'v1', 'Widget'), undefined);
});

const seedDeployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicase: 1
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.16
        imagePullPolcy: Always
        ports:
        - containerPort: 8080
`;

const seedService = `
apiVersion: v1
kind: Service
metadata:
  name: nginx-service
spec:
  selector:
    app: nginx
  ports:
    - portocol: TCP
      port: 80
      targetPort: 8080
`;

const seedPod = `
apiVersion: v1
kind: Pod
metadata:
  name: web-pod
  annotations:
    anything.example.com/goes: "yes"
spec:
  containers:
      - name: web-app
        image: web-app
        ports:
           - containerPort: 8080
        readynessProbe:
              httpGet:
                  path: /api/ready
                  port: 8080
        livenessProbe:
              httpGet:
                  path: /api/healthy
                  port: 8080
              initialDelaySeconds: 10
              periodSeconds: 5
              failureThreshod: 8
`;

test("unknownFields reports the seeds' typos as upstream's strict decoding does", () => {
  assert.deepEqual(unknownFields('apps', 'v1', 'Deployment', parse(seedDeployment)), [
    'spec.replicase',
    'spec.template.spec.containers[0].imagePullPolcy',
  ]);
  assert.deepEqual(unknownFields('', 'v1', 'Service', parse(seedService)), ['spec.ports[0].portocol']);
  assert.deepEqual(unknownFields('', 'v1', 'Pod', parse(seedPod)), [
    'spec.containers[0].readynessProbe',
    'spec.containers[0].livenessProbe.failureThreshod',
  ]);
});

test('unknownFields leaves maps and free-form fields alone', () => {
  const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', labels: { x: 'y' } }, data: { anyKey: 'v' } };
  assert.deepEqual(unknownFields('', 'v1', 'ConfigMap', configMap), []);
  const managed = { metadata: { managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }] } };
  assert.deepEqual(unknownFields('apps', 'v1', 'Deployment', managed), []);
  assert.deepEqual(unknownFields('example.com', 'v1', 'Widget', { spec: { anything: 1 } }), []);
});

test('duplicateFields finds keys given twice in the raw JSON', () => {
  const body = '{"metadata":{"name":"a","name":"b"},"spec":{"containers":[{"name":"c","image":"x","image":"y"}]}}';
  assert.deepEqual(duplicateFields(body), ['metadata.name', 'spec.containers[0].image']);
  assert.deepEqual(duplicateFields('{"a":"\\"a\\"","b":[1,2,{"c":null}]}'), []);
});

test('fieldTypeErrors reports values of the wrong JSON type as the decoder does', () => {
  const deployment = {
    spec: {
      replicas: '3',
      template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: 80 }], resources: { limits: { cpu: 1, memory: '1Gi' } } }] } },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
    },
  };
  assert.deepEqual(fieldTypeErrors('apps', 'v1', 'Deployment', deployment), [
    { path: 'spec.replicas', message: 'json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32' },
  ]);
  const pod = { spec: { containers: [{ name: 'c', ports: [{ containerPort: 1.5 }] }], hostNetwork: 'yes' } };
  assert.deepEqual(
    fieldTypeErrors('', 'v1', 'Pod', pod).map((e) => e.message),
    [
      'json: cannot unmarshal number 1.5 into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32',
      'json: cannot unmarshal string into Go struct field PodSpec.spec.hostNetwork of type bool',
    ],
  );
});
