// /openapi/v2 as kubectl uses it: client-side validation of what OpenAPI v3 cannot vouch
// for (a v1 List, kinds without a PATCH operation such as TokenReview) reads the gnostic
// protobuf form of the Swagger 2.0 document.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { apiClient, type ApiClient } from '../helpers/api.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { tempDir } from '../helpers/tmp.js';

const PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

function configMap(name: string, extra: Record<string, unknown> = {}) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { greeting: 'hello' }, ...extra };
}

describe('/openapi/v2 for kubectl client-side validation', () => {
  let cluster: TestCluster;
  let api: ApiClient;
  let dir: string;
  /** kubectl with a cache of its own, so no earlier run's documents are reused. */
  const kubectl = (args: string[]) => cluster.kubectlResult(['--cache-dir', join(dir, 'cache'), ...args]);

  before(async () => {
    cluster = await startTestCluster();
    api = await apiClient(cluster.kubeconfig);
    dir = tempDir('k8ts-openapi-v2');
  });
  after(async () => cluster.stop());

  test('/openapi/v2 answers protobuf in either spelling, JSON by default, with one ETag and 304 on a match', async () => {
    const json = await api.request('GET', '/openapi/v2');
    assert.equal(json.status, 200);
    assert.equal(json.headers['content-type'], 'application/json');
    assert.equal((json.body as { swagger: string }).swagger, '2.0');
    const etag = json.headers.etag as string;
    assert.match(etag, /^"[0-9A-F]{128}"$/);

    for (const accept of [PROTOBUF, 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf']) {
      const pb = await api.request('GET', '/openapi/v2', undefined, { Accept: accept });
      assert.equal(pb.status, 200, accept);
      assert.equal(pb.headers['content-type'], 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
      assert.equal(pb.headers.etag, etag);
      assert.equal(pb.headers.vary, 'Accept');
      assert.ok(Number(pb.headers['content-length']) > 100_000);
    }
    const cached = await api.request('GET', '/openapi/v2', undefined, { Accept: PROTOBUF, 'If-None-Match': etag });
    assert.equal(cached.status, 304);
    const refused = await api.request('GET', '/openapi/v2', undefined, { Accept: 'text/html' });
    assert.equal(refused.status, 406);
    assert.equal(refused.text, '');
  });

  test('kubectl create -f of a v1 List of two ConfigMaps validates and creates both', async () => {
    const file = join(dir, 'list.yaml');
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [configMap('list-one'), configMap('list-two')] }));
    const created = await kubectl(['create', '-f', file]);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, 'configmap/list-one created\nconfigmap/list-two created\n');
    const names = await cluster.kubectl(['get', 'configmaps', 'list-one', 'list-two', '-o', 'name']);
    assert.equal(names, 'configmap/list-one\nconfigmap/list-two\n');
  });

  test('kubectl apply -f of a v1 List validates and applies every item', async () => {
    const file = join(dir, 'apply-list.yaml');
    const items = [configMap('applied-one'), configMap('applied-two', { data: { greeting: 'hi' } })];
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    const applied = await kubectl(['apply', '-f', file]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(applied.stdout, 'configmap/applied-one created\nconfigmap/applied-two created\n');
    items[0].data = { greeting: 'changed' };
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    const again = await kubectl(['apply', '-f', file]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, 'configmap/applied-one configured\nconfigmap/applied-two unchanged\n');
    assert.equal(await cluster.kubectl(['get', 'configmap', 'applied-one', '-o', 'jsonpath={.data.greeting}']), 'changed');
  });

  test('a List item with an unknown field fails client-side validation with kubectl\'s text', async () => {
    const file = join(dir, 'bogus.yaml');
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [configMap('bogus-one', { bogus: true })] }));
    const refused = await kubectl(['create', '-f', file]);
    assert.notEqual(refused.code, 0);
    assert.equal(
      refused.stderr,
      `error: error validating "${file}": error validating data: ValidationError(ConfigMap): unknown field "bogus" in io.k8s.api.core.v1.ConfigMap; ` +
        'if you choose to ignore these errors, turn validation off with --validate=false\n',
    );
    const missing = await cluster.kubectlResult(['get', 'configmap', 'bogus-one']);
    assert.notEqual(missing.code, 0, 'nothing was created');
  });

  test('kubectl create -f of a TokenReview works with default validation', async () => {
    const file = join(dir, 'tokenreview.yaml');
    writeFileSync(file, JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 'not-a-token' } }));
    const created = await kubectl(['create', '-f', file, '-o', 'json']);
    assert.equal(created.code, 0, created.stderr);
    const review = JSON.parse(created.stdout) as { kind: string; status: { authenticated?: boolean } };
    assert.equal(review.kind, 'TokenReview');
    assert.notEqual(review.status.authenticated, true);
  });

  test('a SelfSubjectAccessReview is validated on the client too: an unknown field is refused, a valid one answered', async () => {
    const review = (spec: Record<string, unknown>) =>
      JSON.stringify({ apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec });
    const bad = join(dir, 'ssar-bad.yaml');
    writeFileSync(bad, review({ resourceAttributes: { verb: 'get', resource: 'pods', bogus: 'x' } }));
    const refused = await kubectl(['create', '-f', bad]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /ValidationError\(SelfSubjectAccessReview\.spec\.resourceAttributes\): unknown field "bogus" in io\.k8s\.api\.authorization\.v1\.ResourceAttributes/);
    const good = join(dir, 'ssar.yaml');
    writeFileSync(good, review({ resourceAttributes: { verb: 'get', resource: 'pods' } }));
    const created = await kubectl(['create', '-f', good, '-o', 'jsonpath={.status.allowed}']);
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, 'true');
  });

  test('CustomResourceDefinitions can be listed, as kubectl does before validating such kinds, but not yet created', async () => {
    assert.equal((await cluster.kubectlResult(['get', 'crds'])).stderr, 'No resources found\n');
    const file = join(dir, 'crd.yaml');
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        names: { kind: 'Widget', plural: 'widgets' },
        scope: 'Namespaced',
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
      },
    };
    writeFileSync(file, JSON.stringify(crd));
    const refused = await kubectl(['create', '-f', file]);
    assert.notEqual(refused.code, 0);
    assert.equal(
      refused.stderr,
      `Error from server (MethodNotAllowed): error when creating "${file}": create is not supported on resources of kind "customresourcedefinitions.apiextensions.k8s.io"\n`,
    );
  });
});
