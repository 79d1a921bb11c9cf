// Decoding hand-built protobuf (written field by field, not with encode.ts) into upstream's JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeKubernetesProtobuf, ProtobufError } from './index.js';
import { wrapEnvelope } from './envelope.js';
import { WIRE_BYTES, WIRE_FIXED32, WIRE_FIXED64, WIRE_START_GROUP, WIRE_END_GROUP, WIRE_VARINT, WireWriter } from './wire.js';

type Build = (w: WireWriter) => unknown;

function msg(build: Build): Buffer {
  const w = new WireWriter();
  build(w);
  return w.finish();
}

function int(w: WireWriter, field: number, value: number | bigint): WireWriter {
  return w.key(field, WIRE_VARINT).varint(value);
}

function decode(apiVersion: string, kind: string, build: Build): Record<string, unknown> {
  const { object } = decodeKubernetesProtobuf(wrapEnvelope(apiVersion, kind, msg(build)));
  delete object['apiVersion'];
  delete object['kind'];
  return object;
}

const name = (value: string): Buffer => msg((w) => w.string(1, value));

// `kubectl create configmap x --from-literal=a=b`, byte for byte.
const CONFIGMAP = '6b3873000a0f0a0276311209436f6e6669674d6170121b0a110a017812001a0022002a0032003800420012060a01611201621a002200';

test('the body kubectl sends for a ConfigMap decodes to its JSON', () => {
  assert.deepEqual(decodeKubernetesProtobuf(Buffer.from(CONFIGMAP, 'hex')), {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', creationTimestamp: null }, data: { a: 'b' } },
  });
});

test('a pointer field present with zero stays; a value field at zero is omitted', () => {
  const spec = msg((w) => {
    int(w, 1, 0); // replicas *int32
    int(w, 5, 0); // minReadySeconds int32,omitempty
    int(w, 7, 0); // paused bool,omitempty
    int(w, 9, 600); // progressDeadlineSeconds *int32
  });
  assert.deepEqual(decode('apps/v1', 'Deployment', (w) => w.bytes(2, spec)), {
    spec: { replicas: 0, progressDeadlineSeconds: 600 },
  });
});

test('a field without omitempty is in the JSON even when zero or unset', () => {
  const port = msg((w) => int(int(w, 2, 0), 3, 0)); // hostPort int32,omitempty; containerPort int32
  const container = msg((w) => w.bytes(6, port)); // name unset
  const podSpec = msg((w) => w.bytes(2, container));
  assert.deepEqual(decode('v1', 'Pod', (w) => w.bytes(2, podSpec)), {
    spec: { containers: [{ name: '', ports: [{ containerPort: 0 }] }] },
  });
  assert.deepEqual(decode('rbac.authorization.k8s.io/v1', 'ClusterRole', (w) => w.bytes(1, name('c'))), {
    metadata: { name: 'c' },
    rules: null,
  });
});

test('unknown fields of every wire type are skipped', () => {
  const meta = msg((w) => {
    int(w, 99, 5);
    w.string(98, 'x');
    w.fixed(97, 4, (v) => v.setUint32(0, 1, true));
    w.fixed(96, 8, (v) => v.setFloat64(0, 1, true));
    w.key(95, WIRE_START_GROUP).key(1, WIRE_VARINT).varint(1).key(95, WIRE_END_GROUP);
    w.string(1, 'kept');
  });
  assert.deepEqual(decode('v1', 'Namespace', (w) => w.bytes(1, meta)), { metadata: { name: 'kept' } });
});

test('repeated integers decode packed and unpacked; negatives sign-extend', () => {
  const securityContext = msg((w) => {
    int(w, 4, 1000);
    w.bytes(4, msg((p) => p.varint(2000).varint(-5)));
    int(w, 2, -1); // runAsUser *int64
  });
  const podSpec = msg((w) => w.bytes(14, securityContext));
  assert.deepEqual(decode('v1', 'Pod', (w) => w.bytes(2, podSpec)), {
    spec: { containers: null, securityContext: { supplementalGroups: [1000, 2000, -5], runAsUser: -1 } },
  });
});

test('Secret data is base64 in JSON; a map entry without a value holds the zero value', () => {
  const entry = (key: string, value?: Uint8Array): Buffer =>
    msg((w) => {
      w.string(1, key);
      if (value) w.bytes(2, value);
    });
  const object = decode('v1', 'Secret', (w) => {
    w.bytes(2, entry('key', Buffer.from([0xde, 0xad, 0xbe, 0xef])));
    w.bytes(2, entry('empty'));
    w.string(3, 'Opaque');
    int(w, 5, 0); // immutable *bool
  });
  assert.deepEqual(object, { data: { key: '3q2+7w==', empty: '' }, type: 'Opaque', immutable: false });
});

test('metav1.Time: no bytes is the zero time (null); seconds since the epoch otherwise', () => {
  const meta = msg((w) => {
    w.bytes(8, new Uint8Array()); // creationTimestamp: zero
    w.bytes(9, msg((t) => int(int(t, 1, 1700000000), 2, 999_000_000))); // deletionTimestamp
  });
  assert.deepEqual(decode('v1', 'Namespace', (w) => w.bytes(1, meta)), {
    metadata: { creationTimestamp: null, deletionTimestamp: '2023-11-14T22:13:20Z' },
  });
  const epoch = msg((w) => w.bytes(8, msg((t) => int(int(t, 1, 0), 2, 0))));
  assert.deepEqual(decode('v1', 'Namespace', (w) => w.bytes(1, epoch)), {
    metadata: { creationTimestamp: '1970-01-01T00:00:00Z' },
  });
});

test('metav1.MicroTime keeps microseconds', () => {
  const object = decode('v1', 'Event', (w) => w.bytes(10, msg((t) => int(int(t, 1, 1700000000), 2, 123_456_789))));
  assert.deepEqual(object, {
    eventTime: '2023-11-14T22:13:20.123456Z',
    reportingComponent: '',
    reportingInstance: '',
  });
});

test('quantities come out in canonical form; a bad one is an error', () => {
  const quota = (amount: string | undefined): Buffer => {
    const entry = msg((w) => {
      w.string(1, 'cpu');
      w.bytes(2, msg((q) => amount !== undefined && q.string(1, amount)));
    });
    return msg((w) => w.bytes(1, entry));
  };
  const hard = (amount: string | undefined): unknown =>
    (decode('v1', 'ResourceQuota', (w) => w.bytes(2, quota(amount)))['spec'] as { hard: unknown }).hard;
  assert.deepEqual(hard('1000m'), { cpu: '1' });
  assert.deepEqual(hard('500m'), { cpu: '500m' });
  assert.deepEqual(hard(undefined), { cpu: '0' });
  assert.throws(() => hard('lots'), ProtobufError);
});

test('IntOrString is a number or a string', () => {
  const pdb = (value: Build): unknown =>
    decode('policy/v1', 'PodDisruptionBudget', (w) => w.bytes(2, msg((s) => s.bytes(1, msg(value)))))['spec'];
  assert.deepEqual(pdb((w) => int(int(w, 1, 0), 2, 0).string(3, '')), { minAvailable: 0 });
  assert.deepEqual(pdb((w) => int(int(w, 1, 1), 2, 0).string(3, '50%')), { minAvailable: '50%' });
  assert.throws(() => pdb((w) => int(w, 1, 2)), { message: 'impossible IntOrString.Type' });
});

test('inline structs (a volume’s source, a probe’s handler) merge into their parent', () => {
  const emptyDir = msg((w) => w.string(1, 'Memory').bytes(2, msg((q) => q.string(1, '64Mi'))));
  const volume = msg((w) => w.string(1, 'scratch').bytes(2, msg((s) => s.bytes(2, emptyDir))));
  const httpGet = msg((w) => w.string(1, '/healthz').bytes(2, msg((p) => int(int(p, 1, 1), 2, 0).string(3, 'http'))));
  const probe = msg((w) => int(w.bytes(1, msg((h) => h.bytes(2, httpGet))), 2, 5));
  const container = msg((w) => w.string(1, 'c').bytes(10, probe));
  const podSpec = msg((w) => w.bytes(1, volume).bytes(2, container));
  assert.deepEqual(decode('v1', 'Pod', (w) => w.bytes(2, podSpec))['spec'], {
    volumes: [{ name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } }],
    containers: [{ name: 'c', livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 5 } }],
  });
});

test('managedFields keep their fieldsV1 JSON; a singular field given twice keeps the last', () => {
  const entry = msg((w) => {
    w.string(1, 'kubectl').string(2, 'Update').string(6, 'FieldsV1');
    w.bytes(7, msg((f) => f.string(1, '{"f:data":{".":{}}}')));
  });
  const meta = msg((w) => w.string(1, 'first').string(1, 'second').bytes(17, entry));
  assert.deepEqual(decode('v1', 'ConfigMap', (w) => w.bytes(1, meta)), {
    metadata: {
      name: 'second',
      managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {} } } }],
    },
  });
});

test('user extra values are plain string lists', () => {
  const extra = msg((w) => w.string(1, 'scopes').bytes(2, msg((l) => l.string(1, 'a').string(1, 'b'))));
  const userInfo = msg((w) => w.string(1, 'alice').bytes(4, extra));
  const object = decode('authentication.k8s.io/v1', 'SelfSubjectReview', (w) => w.bytes(2, msg((s) => s.bytes(1, userInfo))));
  assert.deepEqual(object, { status: { userInfo: { username: 'alice', extra: { scopes: ['a', 'b'] } } } });
});

test('DeleteOptions and Status decode under any group version', () => {
  const options = decode('apps/v1', 'DeleteOptions', (w) => int(w, 1, 0).string(4, 'Foreground').string(5, 'All'));
  assert.deepEqual(options, { gracePeriodSeconds: 0, propagationPolicy: 'Foreground', dryRun: ['All'] });
  const status = decode('v1', 'Status', (w) => w.string(2, 'Failure').string(4, 'NotFound').key(6, WIRE_VARINT).varint(404));
  assert.deepEqual(status, { status: 'Failure', reason: 'NotFound', code: 404 });
});

test('the envelope must start with k8s\\0 and carry no content encoding', () => {
  assert.throws(() => decodeKubernetesProtobuf(Buffer.alloc(0)), { message: 'empty data' });
  assert.throws(() => decodeKubernetesProtobuf(Buffer.from('{"kind":"Pod"}')), {
    message: 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]',
  });
  const typeMeta = msg((w) => w.string(1, 'v1').string(2, 'Pod'));
  const gzip = Buffer.concat([Buffer.from('k8s\0', 'latin1'), msg((w) => w.bytes(1, typeMeta).string(3, 'gzip'))]);
  assert.throws(() => decodeKubernetesProtobuf(gzip), { message: 'this serializer does not support content encoding ("gzip")' });
});

test('a kind without tables, or without a name, is an error', () => {
  assert.throws(() => decodeKubernetesProtobuf(wrapEnvelope('apps/v1', 'Widget', new Uint8Array())), {
    message: 'no kind "Widget" is registered for version "apps/v1" in scheme "pkg/api/legacyscheme/scheme.go:30"',
  });
  assert.throws(() => decodeKubernetesProtobuf(wrapEnvelope('v1', '', new Uint8Array())), {
    message: `Object 'Kind' is missing in 'runtime.TypeMeta{APIVersion:"v1", Kind:""}'`,
  });
});

test('malformed messages give gogo’s errors', () => {
  const body = (build: Build): Buffer => wrapEnvelope('v1', 'Namespace', msg(build));
  assert.throws(() => decodeKubernetesProtobuf(body((w) => w.bytes(1, msg((m) => int(m, 1, 5))))), {
    message: 'proto: wrong wireType = 0 for field Name',
  });
  assert.throws(() => decodeKubernetesProtobuf(body((w) => int(w, 0, 1))), {
    message: 'proto: Namespace: illegal tag 0 (wire type 0)',
  });
  assert.throws(() => decodeKubernetesProtobuf(body((w) => w.key(1, WIRE_END_GROUP))), {
    message: 'proto: Namespace: wiretype end group for non-group',
  });
  const truncated = wrapEnvelope('v1', 'Namespace', Buffer.from([0x0a, 0x05, 0x0a]));
  assert.throws(() => decodeKubernetesProtobuf(truncated), { name: 'ProtobufError', message: 'unexpected EOF' });
  assert.throws(() => decodeKubernetesProtobuf(body((w) => w.key(1, WIRE_FIXED32))), {
    message: 'proto: wrong wireType = 5 for field Metadata',
  });
  assert.throws(() => decodeKubernetesProtobuf(body((w) => w.key(50, WIRE_FIXED64))), { message: 'unexpected EOF' });
  assert.throws(() => decodeKubernetesProtobuf(body((w) => w.key(50, WIRE_BYTES).varint(3))), { message: 'unexpected EOF' });
});
