import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FieldPath } from './field.js';
import {
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  isValidLabelValue,
  isValidPercent,
  isValidPortName,
  isValidPortNum,
  maskTrailingDash,
  nameIsDNSSubdomain,
  validateAnnotations,
  validateFinalizers,
  validateLabels,
  validateNoNewFinalizers,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validateOwnerReferences,
  validatePathSegmentName,
} from './validation.js';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

test('DNS names', () => {
  assert.deepEqual(isDNS1123Subdomain('my-app.example.com'), []);
  assert.deepEqual(isDNS1123Subdomain('My_App'), [SUBDOMAIN_MSG]);
  assert.deepEqual(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 bytes']);
  assert.deepEqual(isDNS1123Label('web-1'), []);
  assert.deepEqual(isDNS1123Label('a.b'), ['must not contain dots']);
  assert.deepEqual(isDNS1123Label('-a'), [LABEL_MSG]);
  assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 bytes']);
  assert.deepEqual(isDNS1035Label('web'), []);
  assert.deepEqual(isDNS1035Label('1web'), [
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
  ]);
});

test('qualified names and label values', () => {
  assert.deepEqual(isQualifiedName('app'), []);
  assert.deepEqual(isQualifiedName('app.kubernetes.io/name'), []);
  assert.deepEqual(isQualifiedName('a b'), [NAME_PART_MSG]);
  assert.deepEqual(isQualifiedName('/a'), ['prefix part must be non-empty']);
  assert.deepEqual(isQualifiedName('a/'), ['name part must be non-empty', NAME_PART_MSG]);
  assert.deepEqual(isQualifiedName('Example.com/a'), ['prefix part ' + SUBDOMAIN_MSG]);
  assert.match(isQualifiedName('a/b/c')[0], /^a valid label key must consist .* with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/);
  assert.deepEqual(isQualifiedName('a'.repeat(64)), ['name part must be no more than 63 bytes']);
  assert.deepEqual(isValidLabelValue(''), []);
  assert.deepEqual(isValidLabelValue('v1.2_x-y'), []);
  assert.deepEqual(isValidLabelValue('-x'), [LABEL_VALUE_MSG]);
  assert.deepEqual(isValidLabelValue('a'.repeat(64)), ['must be no more than 63 bytes']);
});

test('percent, ports and config map keys', () => {
  assert.deepEqual(isValidPercent('25%'), []);
  assert.deepEqual(isValidPercent('25'), [
    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
  ]);
  assert.deepEqual(isValidPortNum(0), ['must be between 1 and 65535, inclusive']);
  assert.deepEqual(isValidPortName('http'), []);
  assert.deepEqual(isValidPortName('-8080-'), ['must contain at least one letter (a-z)', 'must not begin or end with a hyphen']);
  assert.deepEqual(isConfigMapKey('config.yaml'), []);
  assert.deepEqual(isConfigMapKey('..data'), ["must not start with '..'"]);
});

test('name functions mask a trailing dash of generateName', () => {
  assert.equal(maskTrailingDash('web-'), 'weba');
  assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
  assert.equal(nameIsDNSSubdomain('web-', false).length, 1);
  assert.deepEqual(validatePathSegmentName('..', false), ["may not be '..'"]);
  assert.deepEqual(validatePathSegmentName('a/b%', false), ["may not contain '/'", "may not contain '%'"]);
});

test('labels, annotations, finalizers and owner references', () => {
  const labels = FieldPath.of('metadata', 'labels');
  assert.deepEqual(validateLabels({ app: 'web' }, labels), []);
  assert.deepEqual(validateLabels({ 'a b': 'x' }, labels).map(String), ['metadata.labels: Invalid value: "a b": ' + NAME_PART_MSG]);
  assert.deepEqual(validateLabels({ app: '-x' }, labels).map(String), ['metadata.labels: Invalid value: "-x": ' + LABEL_VALUE_MSG]);
  const annotations = FieldPath.of('metadata', 'annotations');
  assert.deepEqual(validateAnnotations({ 'Example.COM/Key': 'x' }, annotations), []);
  assert.deepEqual(validateAnnotations({ big: 'x'.repeat(256 * 1024) }, annotations).map(String), [
    'metadata.annotations: Too long: may not be more than 262144 bytes',
  ]);
  const finalizers = FieldPath.of('metadata', 'finalizers');
  assert.deepEqual(validateFinalizers(['kubernetes.io/pvc-protection'], finalizers), []);
  assert.deepEqual(validateFinalizers(['orphan', 'foregroundDeletion'], finalizers).map(String), [
    'metadata.finalizers: Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set',
  ]);
  assert.deepEqual(validateNoNewFinalizers(['a', 'b'], ['a'], finalizers).map(String), [
    'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b"}',
  ]);
  const owners = FieldPath.of('metadata', 'ownerReferences');
  const ref = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', controller: true };
  assert.deepEqual(validateOwnerReferences([ref], owners), []);
  assert.deepEqual(
    validateOwnerReferences([{ apiVersion: 'apps/', kind: '', name: 'x', uid: '' }], owners).map(String),
    [
      'metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty',
      'metadata.ownerReferences.kind: Invalid value: "": must not be empty',
      'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
    ],
  );
  const two = validateOwnerReferences([ref, { ...ref, name: 'rs2', uid: 'u2' }], owners);
  assert.equal(two.length, 1);
  assert.match(two[0].toString(), /Only one reference can have Controller set to true\. Found "true" in references for ReplicaSet\/rs and ReplicaSet\/rs2$/);
});

test('validateObjectMeta on create', () => {
  const meta = FieldPath.of('metadata');
  assert.deepEqual(validateObjectMeta({ name: 'web', namespace: 'default' }, true, nameIsDNSSubdomain, meta), []);
  assert.deepEqual(validateObjectMeta({ generateName: 'web-', namespace: 'default' }, true, nameIsDNSSubdomain, meta).map(String), [
    'metadata.name: Required value: name or generateName is required',
  ]);
  assert.deepEqual(validateObjectMeta({ namespace: 'default' }, true, nameIsDNSSubdomain, meta).map(String), [
    'metadata.name: Required value: name or generateName is required',
  ]);
  assert.deepEqual(validateObjectMeta({ name: 'Web' }, true, nameIsDNSSubdomain, meta).map(String), [
    'metadata.name: Invalid value: "Web": ' + SUBDOMAIN_MSG,
    'metadata.namespace: Required value',
  ]);
  assert.deepEqual(validateObjectMeta({ name: 'n', namespace: 'x' }, false, nameIsDNSSubdomain, meta).map(String), [
    'metadata.namespace: Forbidden: not allowed on this type',
  ]);
  assert.deepEqual(validateObjectMeta({ name: 'n', namespace: 'a.b' }, true, nameIsDNSSubdomain, meta).map(String), [
    'metadata.namespace: Invalid value: "a.b": must not contain dots',
  ]);
  assert.deepEqual(validateObjectMeta({ name: 'n', namespace: 'a', generation: -1 }, true, nameIsDNSSubdomain, meta).map(String), [
    'metadata.generation: Invalid value: -1: must be greater than or equal to 0',
  ]);
});

test('validateObjectMetaUpdate', () => {
  const meta = FieldPath.of('metadata');
  const old = { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '5', creationTimestamp: '2024-01-02T03:04:05Z' };
  assert.deepEqual(validateObjectMetaUpdate({ ...old, resourceVersion: '5' }, old, meta), []);
  assert.deepEqual(validateObjectMetaUpdate({ ...old, resourceVersion: '', name: 'other', uid: 'u2' }, old, meta).map(String), [
    'metadata.resourceVersion: Invalid value: "": must be specified for an update',
    'metadata.name: Invalid value: "other": field is immutable',
    'metadata.uid: Invalid value: "u2": field is immutable',
  ]);
  const deleting = { ...old, deletionTimestamp: '2024-01-02T03:04:06Z', finalizers: ['a'] };
  assert.deepEqual(validateObjectMetaUpdate({ ...deleting, finalizers: ['a', 'b'] }, deleting, meta).map(String), [
    'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b"}',
  ]);
});
