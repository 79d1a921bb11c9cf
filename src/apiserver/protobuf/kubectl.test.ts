// The real kubectl against a capture server: every `kubectl create …` that sends a protobuf body
// must decode to the object `--dry-run=client -o json` prints, and encoding that object must give
// kubectl's bytes back. kubectl must be installed; without it these tests fail, never skip.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { kubectlPath } from '../../../test/helpers/kubectl.js';
import { tempDir } from '../../../test/helpers/tmp.js';
import { decodeKubernetesProtobuf, encodeKubernetesProtobuf, protobufContentType } from './index.js';

// Just enough discovery for kubectl's RESTMapper: [resource, kind, namespaced].
const RESOURCES: Record<string, [string, string, boolean][]> = {
  v1: [
    ['pods', 'Pod', true], ['services', 'Service', true], ['configmaps', 'ConfigMap', true],
    ['secrets', 'Secret', true], ['namespaces', 'Namespace', false], ['serviceaccounts', 'ServiceAccount', true],
    ['resourcequotas', 'ResourceQuota', true],
  ],
  'apps/v1': [['deployments', 'Deployment', true], ['replicasets', 'ReplicaSet', true]],
  'batch/v1': [['jobs', 'Job', true], ['cronjobs', 'CronJob', true]],
  'policy/v1': [['poddisruptionbudgets', 'PodDisruptionBudget', true]],
  'networking.k8s.io/v1': [['ingresses', 'Ingress', true]],
  'rbac.authorization.k8s.io/v1': [
    ['roles', 'Role', true], ['clusterroles', 'ClusterRole', false],
    ['rolebindings', 'RoleBinding', true], ['clusterrolebindings', 'ClusterRoleBinding', false],
  ],
  'scheduling.k8s.io/v1': [['priorityclasses', 'PriorityClass', false]],
  'authentication.k8s.io/v1': [['selfsubjectreviews', 'SelfSubjectReview', false]],
  'authorization.k8s.io/v1': [
    ['selfsubjectaccessreviews', 'SelfSubjectAccessReview', false], ['selfsubjectrulesreviews', 'SelfSubjectRulesReview', false],
  ],
};

function discovery(path: string): unknown {
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  if (path === '/apis') {
    const groups = Object.keys(RESOURCES).filter((gv) => gv !== 'v1').map((groupVersion) => {
      const version = { groupVersion, version: 'v1' };
      return { name: groupVersion.split('/')[0], versions: [version], preferredVersion: version };
    });
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }
  const groupVersion = path === '/api/v1' ? 'v1' : path.replace(/^\/apis\//, '');
  const resources = RESOURCES[groupVersion];
  if (!resources) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: resources.map(([name, kind, namespaced]) => ({
      name, singularName: kind.toLowerCase(), namespaced, kind, verbs: ['create', 'delete', 'get', 'list', 'update'],
    })),
  };
}

let server: Server;
let url: string;
let dir: string;
let bodies: Buffer[] = [];

function reply(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Records protobuf bodies and answers with the decoded object, as an API server would. */
function answerPost(body: Buffer, req: IncomingMessage, res: ServerResponse): void {
  if (req.headers['content-type'] !== protobufContentType) {
    reply(res, 415, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 415, message: 'expected protobuf' });
    return;
  }
  bodies.push(body);
  try {
    const { object } = decodeKubernetesProtobuf(body);
    if (object['kind'] === 'TokenRequest') object['status'] = { token: 'a.b.c', expirationTimestamp: '2030-01-01T00:00:00Z' };
    if (object['kind'] === 'SelfSubjectReview') object['status'] = { userInfo: { username: 'alice', groups: ['devs'] } };
    if (object['kind'] === 'SelfSubjectAccessReview') object['status'] = { allowed: true };
    if (object['kind'] === 'SelfSubjectRulesReview') object['status'] = { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [], incomplete: false };
    reply(res, 201, object);
  } catch (err) {
    reply(res, 400, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 400, reason: 'BadRequest', message: String(err) });
  }
}

// What `kubectl expose deployment web` reads.
const WEB = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: {
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx', ports: [{ containerPort: 8080 }] }] } },
  },
};

function handle(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    if (req.method === 'POST') return answerPost(Buffer.concat(chunks), req, res);
    const path = new URL(req.url ?? '/', url).pathname;
    const found = path === '/apis/apps/v1/namespaces/default/deployments/web' ? WEB : discovery(path);
    if (found) reply(res, 200, found);
    else reply(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound' });
  });
}

before(async () => {
  dir = tempDir('k8ts-protobuf-kubectl');
  writeFileSync(join(dir, 'kubeconfig'), '');
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function kubectl(args: string[]): Promise<string> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: join(dir, 'kubeconfig') };
  return new Promise((resolve, reject) => {
    // Flags go before a `--`, after which kubectl takes the container's command.
    const end = args.includes('--') ? args.indexOf('--') : args.length;
    const argv = [...args.slice(0, end), '--server', url, ...args.slice(end)];
    const child = execFile(kubectlPath(), argv, { env, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`kubectl ${args.join(' ')}: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
    child.stdin?.end();
  });
}

/** The one protobuf body `kubectl args` sent. */
async function sentBody(args: string[]): Promise<Buffer> {
  bodies = [];
  await kubectl(args);
  assert.equal(bodies.length, 1, `kubectl ${args.join(' ')} sent ${bodies.length} protobuf bodies`);
  return bodies[0]!;
}

async function dryRun(args: string[]): Promise<Record<string, unknown>> {
  const end = args.includes('--') ? args.indexOf('--') : args.length;
  const argv = [...args.slice(0, end), '--dry-run=client', '-o', 'json', ...args.slice(end)];
  return JSON.parse(await kubectl(argv)) as Record<string, unknown>;
}

/** Decoding kubectl's body gives its dry-run object; encoding that object gives the body. */
async function assertRoundTrip(args: string[]): Promise<Record<string, unknown>> {
  const expected = await dryRun(args);
  const body = await sentBody(args);
  const decoded = decodeKubernetesProtobuf(body);
  assert.deepEqual(decoded.object, expected);
  assert.equal(decoded.apiVersion, expected['apiVersion']);
  assert.equal(decoded.kind, expected['kind']);
  assert.equal(encodeKubernetesProtobuf(expected).toString('hex'), body.toString('hex'));
  return decoded.object;
}

const CASES: Record<string, string[]> = {
  'configmap': ['create', 'configmap', 'cm1', '--from-literal=a=b', '--from-literal=empty='],
  'secret generic': ['create', 'secret', 'generic', 's1', '--from-literal=user=admin', '--from-literal=pw=', '--type=Opaque'],
  'secret docker-registry': [
    'create', 'secret', 'docker-registry', 'reg', '--docker-server=r.example', '--docker-username=u', '--docker-password=p',
  ],
  'namespace': ['create', 'namespace', 'ns1'],
  'serviceaccount': ['create', 'serviceaccount', 'sa1', '-n', 'team'],
  'deployment with --replicas=0 and --port': [
    'create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=0', '--port=8080',
  ],
  'deployment with two images': ['create', 'deployment', 'two', '--image=busybox', '--image=nginx'],
  'deployment with a command': ['create', 'deployment', 'cmd', '--image=busybox', '--', 'sleep', '3600'],
  'job': ['create', 'job', 'j1', '--image=busybox', '--', 'echo', 'hi'],
  'cronjob': ['create', 'cronjob', 'cj1', '--image=busybox', '--schedule=*/5 * * * *', '--restart=OnFailure', '--', 'date'],
  'quota': ['create', 'quota', 'q1', '--hard=pods=2,cpu=500m,memory=1Gi,requests.storage=10Gi', '--scopes=NotTerminating'],
  'service clusterip': ['create', 'service', 'clusterip', 'svc1', '--tcp=80:8080', '--tcp=443'],
  'headless service': ['create', 'service', 'clusterip', 'headless', '--clusterip=None'],
  'service nodeport': ['create', 'service', 'nodeport', 'np1', '--tcp=80:http', '--node-port=30080'],
  'service externalname': ['create', 'service', 'externalname', 'ext1', '--external-name=example.com'],
  'role': ['create', 'role', 'r1', '--verb=get,list', '--resource=pods,deployments.apps', '--resource-name=x'],
  'rolebinding': ['create', 'rolebinding', 'rb1', '--role=r1', '--user=alice', '--group=devs', '--serviceaccount=team:sa1'],
  'clusterrole': ['create', 'clusterrole', 'cr1', '--verb=get', '--non-resource-url=/logs/*'],
  'clusterrole with aggregation rule': ['create', 'clusterrole', 'agg', '--aggregation-rule=rbac.example/aggregate=true'],
  'clusterrolebinding': ['create', 'clusterrolebinding', 'crb1', '--clusterrole=cr1', '--user=alice'],
  'priorityclass': ['create', 'priorityclass', 'pc1', '--value=1000', '--description=high', '--preemption-policy=Never'],
  'poddisruptionbudget with --min-available=0': ['create', 'pdb', 'pdb1', '--selector=app=x', '--min-available=0'],
  'poddisruptionbudget with a percentage': ['create', 'pdb', 'pdb2', '--selector=app=x', '--max-unavailable=50%'],
  'ingress': [
    'create', 'ingress', 'ing1', '--class=nginx', '--rule=foo.com/bar*=svc1:8080,tls=my-cert',
    '--annotation=a=b', '--default-backend=defsvc:http',
  ],
};

for (const [name, args] of Object.entries(CASES)) {
  test(`kubectl create ${name}: the protobuf body decodes to the dry-run object`, async () => {
    await assertRoundTrip(args);
  });
}

test('kubectl create configmap --from-file with binary content decodes binaryData as base64', async () => {
  const file = join(dir, 'blob.bin');
  writeFileSync(file, Buffer.from([0xff, 0x00, 0xfe, 0x80]));
  const object = await assertRoundTrip(['create', 'configmap', 'bin', `--from-file=blob=${file}`]);
  assert.deepEqual(object['binaryData'], { blob: '/wD+gA==' });
});

test('kubectl create deployment --replicas=0 keeps replicas: 0 and the port', async () => {
  const object = await assertRoundTrip(['create', 'deployment', 'zero', '--image=nginx', '--replicas=0', '--port=80']);
  const spec = object['spec'] as { replicas: number; template: { spec: { containers: { ports: unknown }[] } } };
  assert.equal(spec.replicas, 0);
  assert.deepEqual(spec.template.spec.containers[0]!.ports, [{ containerPort: 80 }]);
});

test('kubectl create token sends a TokenRequest', async () => {
  const body = await sentBody(['create', 'token', 'sa1', '--audience=api', '--duration=10m']);
  assert.deepEqual(decodeKubernetesProtobuf(body).object, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    metadata: { creationTimestamp: null },
    spec: { audiences: ['api'], expirationSeconds: 600 },
    status: { token: '', expirationTimestamp: null },
  });
});

test('kubectl auth whoami sends a SelfSubjectReview', async () => {
  const body = await sentBody(['auth', 'whoami']);
  assert.deepEqual(decodeKubernetesProtobuf(body).object, {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'SelfSubjectReview',
    metadata: { creationTimestamp: null },
    status: { userInfo: {} },
  });
});

// `kubectl run` and `kubectl expose` send JSON, but the objects they build (Go's JSON of a Pod and
// a Service) must survive protobuf unchanged all the same.
test('kubectl run’s Pod (env, labels, port, command) encodes and decodes unchanged', async () => {
  const pod = await dryRun([
    'run', 'p', '--image=nginx', '--env=A=1', '--env=B=', '--labels=app=x,tier=web', '--port=80', '--restart=Never',
    '--image-pull-policy=IfNotPresent', '--command', '--', 'sh', '-c', 'sleep 1',
  ]);
  assert.deepEqual(decodeKubernetesProtobuf(encodeKubernetesProtobuf(pod)).object, pod);
});

test('kubectl expose’s Service encodes and decodes unchanged', async () => {
  const service = await dryRun(['expose', 'deployment', 'web', '--port=80', '--target-port=8080', '--type=NodePort']);
  assert.deepEqual(decodeKubernetesProtobuf(encodeKubernetesProtobuf(service)).object, service);
});

test('kubectl auth can-i sends a SelfSubjectAccessReview', async () => {
  const body = await sentBody(['auth', 'can-i', 'list', 'deployments.apps', '-n', 'team']);
  assert.deepEqual(decodeKubernetesProtobuf(body).object, {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: { creationTimestamp: null },
    spec: { resourceAttributes: { namespace: 'team', verb: 'list', group: 'apps', resource: 'deployments' } },
    status: { allowed: false },
  });
});

test('kubectl auth can-i --list sends a SelfSubjectRulesReview', async () => {
  const body = await sentBody(['auth', 'can-i', '--list', '-n', 'team']);
  assert.deepEqual(decodeKubernetesProtobuf(body).object, {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectRulesReview',
    metadata: { creationTimestamp: null },
    spec: { namespace: 'team' },
    status: { resourceRules: null, nonResourceRules: null, incomplete: false },
  });
});
