import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KindNames, KindStrategy } from '../../api/kind.js';
import { allKinds } from '../../api/all.js';
import { openapiV2, openapiV3, openapiV3Index, openapiV3Served } from './index.js';

function kind(group: string, version: string, kindName: string, plural: string, namespaced: boolean, extra: Partial<KindStrategy> = {}): KindStrategy {
  const names: KindNames = { group, version, kind: kindName, plural, singular: kindName.toLowerCase(), namespaced };
  return { names, ...extra };
}

const scale = { specReplicas: 'spec.replicas', statusReplicas: 'status.replicas', selector: () => '' };
const kinds: KindStrategy[] = [
  kind('', 'v1', 'Pod', 'pods', true, { statusSubresource: true }),
  kind('', 'v1', 'Namespace', 'namespaces', false, { statusSubresource: true }),
  kind('', 'v1', 'ConfigMap', 'configmaps', true),
  kind('apps', 'v1', 'Deployment', 'deployments', true, { statusSubresource: true, scale }),
  kind('rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'clusterroles', false),
];

type Json = Record<string, unknown>;

function refsOf(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refsOf(v, found));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') found.push(v);
      else refsOf(v, found);
    }
  }
  return found;
}

function patchOperation(doc: Json, path: string): Json {
  return ((doc.paths as Json)[path] as Json).patch as Json;
}

test('the swagger 2.0 document has paths with fieldValidation and dryRun, and every referenced definition', () => {
  const doc = openapiV2(kinds) as Json;
  assert.equal(doc.swagger, '2.0');
  const definitions = doc.definitions as Json;
  for (const ref of refsOf(doc)) assert.ok(definitions[ref.replace('#/definitions/', '')], ref);
  for (const name of ['io.k8s.api.core.v1.PodSpec', 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'io.k8s.api.apps.v1.DeploymentList']) {
    assert.ok(definitions[name], name);
  }
  const patch = patchOperation(doc, '/apis/apps/v1/namespaces/{namespace}/deployments/{name}');
  assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', version: 'v1', kind: 'Deployment' });
  const names = (patch.parameters as Json[]).map((p) => p.name);
  for (const name of ['body', 'dryRun', 'fieldManager', 'fieldValidation', 'force']) assert.ok(names.includes(name), name);
  const scalePatch = patchOperation(doc, '/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale');
  assert.deepEqual(scalePatch['x-kubernetes-group-version-kind'], { group: 'autoscaling', version: 'v1', kind: 'Scale' });
  const list = ((doc.paths as Json)['/api/v1/pods'] as Json).get as Json;
  assert.equal(list.operationId, 'listCoreV1PodForAllNamespaces');
});

test('the v3 index names one document per group version, with a hash that follows the content', () => {
  const index = openapiV3Index(kinds) as { paths: Record<string, { serverRelativeURL: string }> };
  assert.deepEqual(Object.keys(index.paths), ['api/v1', 'apis/apps/v1', 'apis/rbac.authorization.k8s.io/v1']);
  assert.match(index.paths['apis/apps/v1'].serverRelativeURL, /^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/);
  assert.deepEqual(openapiV3Index(kinds), index, 'same kinds, same hashes');
  assert.equal(openapiV3Served('apis/apps/v1', kinds), openapiV3Served('apps/v1', kinds), 'built once');
  const fewer = openapiV3Index(kinds.filter((k) => k.names.kind !== 'ConfigMap')) as typeof index;
  assert.notEqual(fewer.paths['api/v1'].serverRelativeURL, index.paths['api/v1'].serverRelativeURL);
  assert.equal(fewer.paths['apis/apps/v1'].serverRelativeURL, index.paths['apis/apps/v1'].serverRelativeURL);
  assert.equal(openapiV3('apis/batch/v1', kinds), undefined);
});

test('a v3 document carries its schemas with group-version-kinds and patch extensions', () => {
  const doc = openapiV3('apis/apps/v1', kinds) as Json;
  assert.equal(doc.openapi, '3.0.0');
  const schemas = (doc.components as Json).schemas as Record<string, Json>;
  for (const ref of refsOf(doc)) assert.ok(schemas[ref.replace('#/components/schemas/', '')], ref);
  assert.deepEqual(schemas['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind'], [{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
  const containers = (schemas['io.k8s.api.core.v1.PodSpec'].properties as Record<string, Json>).containers;
  assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
  const deleteOptions = schemas['io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions']['x-kubernetes-group-version-kind'] as Json[];
  assert.ok(deleteOptions.some((g) => g.group === 'apps' && g.version === 'v1'));
  const patch = patchOperation(doc, '/apis/apps/v1/namespaces/{namespace}/deployments/{name}');
  assert.ok((patch.parameters as Json[]).some((p) => p.name === 'fieldValidation' && p.in === 'query'));
  assert.ok(((patch.requestBody as Json).content as Json)['application/strategic-merge-patch+json']);
});

test('the documents of every kind the server serves are complete', () => {
  const doc = openapiV2(allKinds) as Json;
  const definitions = doc.definitions as Json;
  for (const ref of refsOf(doc)) assert.ok(definitions[ref.replace('#/definitions/', '')], ref);
  const index = openapiV3Index(allKinds) as { paths: Record<string, unknown> };
  for (const path of Object.keys(index.paths)) assert.ok(openapiV3(path, allKinds), path);
});

// End to end: the real kubectl explains kinds from these documents.

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

function kubectlBinary(): string {
  const bundled = join(root, 'node_modules', '.k8s-tools', 'kubectl');
  if (existsSync(bundled)) return bundled;
  return existsSync('/usr/bin/kubectl') ? '/usr/bin/kubectl' : 'kubectl';
}

function discovery(url: string): Json | undefined {
  const resources = (group: string, version: string) => ({
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources: kinds
      .filter((k) => k.names.group === group && k.names.version === version)
      .map((k) => ({ name: k.names.plural, singularName: k.names.singular, namespaced: k.names.namespaced, kind: k.names.kind, verbs: ['get', 'list'] })),
  });
  const groups = [...new Set(kinds.map((k) => k.names.group).filter(Boolean))];
  const version = { groupVersion: '', version: 'v1' };
  if (url === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  if (url === '/apis') {
    const list = groups.map((g) => ({ name: g, versions: [{ ...version, groupVersion: `${g}/v1` }], preferredVersion: { ...version, groupVersion: `${g}/v1` } }));
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: list };
  }
  if (url === '/api/v1') return resources('', 'v1');
  const match = /^\/apis\/([^/]+)\/([^/]+)$/.exec(url);
  return match ? resources(match[1], match[2]) : undefined;
}

const applied = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'a', image: 'nginx:1' }, { name: 'b', image: 'busybox' }] },
    },
  },
};
const stored = {
  ...applied,
  metadata: {
    ...applied.metadata,
    resourceVersion: '1',
    annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(applied) },
  },
};

/** PATCH requests the test server received: URL, content type and body. */
const patches: { url: string; contentType: string; body: string }[] = [];

function serve(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => respond(req, res, Buffer.concat(chunks).toString('utf8')));
}

function respond(req: IncomingMessage, res: ServerResponse, requestBody: string): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let body: object | undefined;
  if (req.method === 'PATCH') patches.push({ url: req.url ?? '', contentType: req.headers['content-type'] ?? '', body: requestBody });
  if (url.pathname === '/apis/apps/v1/namespaces/default/deployments/web') body = stored;
  else if (url.pathname === '/openapi/v3') body = openapiV3Index(kinds);
  else if (url.pathname.startsWith('/openapi/v3/')) body = openapiV3(url.pathname.slice('/openapi/v3/'.length), kinds);
  else if (url.pathname === '/version') body = { major: '1', minor: '33', gitVersion: 'v1.33.0' };
  else body = discovery(url.pathname.replace(/\/$/, ''));
  if (!body) {
    res.writeHead(404, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function run(binary: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(binary, args, { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') reject(err);
      else resolve({ code: err ? Number(err.code) : 0, stdout, stderr });
    });
  });
}

test('the real kubectl explains kinds and computes strategic merge patches from the v3 documents', async () => {
  const server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-openapi-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: c\n  cluster:\n    server: http://127.0.0.1:${port}\n` +
      `users:\n- name: u\n  user: {}\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\n`,
  );
  const kubectl = (...args: string[]) => run(kubectlBinary(), ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args]);
  try {
    const strategy = await kubectl('explain', 'deployment.spec.strategy');
    assert.equal(strategy.code, 0, strategy.stderr);
    assert.match(strategy.stdout, /GROUP:\s+apps/);
    assert.match(strategy.stdout, /FIELD:\s+strategy <DeploymentStrategy>/);
    assert.match(strategy.stdout, /The deployment strategy to use to replace existing pods with new ones/);
    assert.match(strategy.stdout, /rollingUpdate\s+<RollingUpdateDeployment>/);
    assert.match(strategy.stdout, /enum: Recreate, RollingUpdate/);

    const pods = await kubectl('explain', 'pods', '--recursive');
    assert.equal(pods.code, 0, pods.stderr);
    assert.match(pods.stdout, /KIND:\s+Pod/);
    assert.match(pods.stdout, /containers\s+<\[\]Container> -required-/);
    assert.match(pods.stdout, /imagePullPolicy\s+<string>/);
    assert.match(pods.stdout, /finalizers\s+<\[\]string>/);

    const maxSurge = await kubectl('explain', 'deployments.spec.strategy.rollingUpdate.maxSurge');
    assert.equal(maxSurge.code, 0, maxSurge.stderr);
    assert.match(maxSurge.stdout, /FIELD:\s+maxSurge <IntOrString>/);

    const manifest = structuredClone(applied);
    manifest.spec.template.spec.containers[0].image = 'nginx:2';
    writeFileSync(join(dir, 'web.json'), JSON.stringify(manifest));
    const apply = await kubectl('apply', '-f', join(dir, 'web.json'));
    assert.equal(apply.code, 0, apply.stderr);
    assert.equal(patches.length, 1);
    assert.match(patches[0].url, /fieldValidation=Strict/, 'kubectl found fieldValidation in the v3 document');
    assert.equal(patches[0].contentType, 'application/strategic-merge-patch+json');
    const spec = (JSON.parse(patches[0].body) as { spec: { template: { spec: Json } } }).spec.template.spec;
    assert.deepEqual(spec['$setElementOrder/containers'], [{ name: 'a' }, { name: 'b' }]);
    assert.deepEqual(spec.containers, [{ image: 'nginx:2', name: 'a' }]);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
