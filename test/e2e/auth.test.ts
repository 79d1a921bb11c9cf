// Who am I and what may I do: kubectl auth whoami / can-i, service account
// tokens (kubectl create token) and bearer-token authentication.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { apiClient, type ApiClient } from '../helpers/api.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

type Status = { code: number; message: string };

describe('authentication and the review kinds', () => {
  let cluster: TestCluster;
  let api: ApiClient;
  let anonymous: ApiClient;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  before(async () => {
    cluster = await startTestCluster();
    api = await apiClient(cluster.kubeconfig);
    anonymous = await apiClient(cluster.kubeconfig, false);
    await cluster.kubectl(['create', 'serviceaccount', 'robot']);
  });
  after(async () => cluster.stop());

  test('kubectl auth whoami shows the admin certificate user', async () => {
    const out = await cluster.kubectl(['auth', 'whoami']);
    assert.match(out, /^ATTRIBUTE\s+VALUE\nUsername\s+system:admin\nGroups\s+\[system:masters system:authenticated\]\n$/);
  });

  test('kubectl auth can-i answers yes for the admin, with the wildcard rules in --list', async () => {
    assert.equal((await cluster.kubectl(['auth', 'can-i', 'create', 'deployments'])).trim(), 'yes');
    assert.equal((await cluster.kubectl(['auth', 'can-i', 'delete', 'nodes', '--all-namespaces'])).trim(), 'yes');
    const list = await cluster.kubectl(['auth', 'can-i', '--list']);
    assert.match(list, /\*\.\*\s+\[\]\s+\[\]\s+\[\*\]/);
    assert.match(list, /\[\*\]\s+\[\]\s+\[\*\]/);
  });

  test('an access review names exactly one kind of attributes', async () => {
    const res = await api.request('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: {},
    });
    assert.equal(res.status, 422);
    assert.match((res.body as Status).message, /spec\.resourceAttributes: Required value: one of resourceAttributes or nonResourceAttributes must be specified/);
    const get = await api.request('GET', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews');
    assert.equal(get.status, 405);
  });

  test('kubectl create token issues a token that authenticates as the service account', async () => {
    const token = (await cluster.kubectl(['create', 'token', 'robot'])).trim();
    assert.equal(token.split('.').length, 3);
    const review = await anonymous.request(
      'POST',
      '/apis/authentication.k8s.io/v1/selfsubjectreviews',
      { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' },
      bearer(token),
    );
    assert.equal(review.status, 201, review.text);
    const info = (review.body as { status: { userInfo: { username: string; groups: string[]; uid: string } } }).status.userInfo;
    assert.equal(info.username, 'system:serviceaccount:default:robot');
    assert.deepEqual(info.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
    const list = await anonymous.request('GET', '/api/v1/namespaces/default/configmaps', undefined, bearer(token));
    assert.equal(list.status, 200);

    const tokenReview = await api.request('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token },
    });
    assert.equal(tokenReview.status, 201);
    assert.equal((tokenReview.body as { status: { authenticated: boolean } }).status.authenticated, true);

    const forged = `${token.slice(0, -4)}AAAA`;
    assert.equal((await anonymous.request('GET', '/api/v1/namespaces', undefined, bearer(forged))).status, 401);
  });

  test('a token dies with its service account or its bound pod', async () => {
    await cluster.kubectl(['create', 'serviceaccount', 'short-lived']);
    const token = (await cluster.kubectl(['create', 'token', 'short-lived'])).trim();
    assert.equal((await anonymous.request('GET', '/api/v1/namespaces', undefined, bearer(token))).status, 200);
    await cluster.kubectl(['delete', 'serviceaccount', 'short-lived']);
    assert.equal((await anonymous.request('GET', '/api/v1/namespaces', undefined, bearer(token))).status, 401);

    await cluster.kubectl(['run', 'holder', '--image=busybox', '--overrides={"spec":{"schedulerName":"none"}}']);
    const bound = (await cluster.kubectl(['create', 'token', 'robot', '--bound-object-kind=Pod', '--bound-object-name=holder'])).trim();
    assert.equal((await anonymous.request('GET', '/api/v1/namespaces', undefined, bearer(bound))).status, 200);
    await cluster.kubectl(['delete', 'pod', 'holder', '--grace-period=0', '--force']);
    assert.equal((await anonymous.request('GET', '/api/v1/namespaces', undefined, bearer(bound))).status, 401);
  });

  test('token requests are validated as upstream', async () => {
    const res = await api.request('POST', '/api/v1/namespaces/default/serviceaccounts/robot/token', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { expirationSeconds: 599 },
    });
    assert.equal(res.status, 422);
    assert.equal((res.body as Status).message, 'TokenRequest.authentication.k8s.io "robot" is invalid: spec.expirationSeconds: Invalid value: 599: may not specify a duration less than 10 minutes');
    const missing = await cluster.kubectlResult(['create', 'token', 'nobody']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /serviceaccounts "nobody" not found/);
  });
});
