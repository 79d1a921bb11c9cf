// The [sig-instrumentation] Events and [sig-auth] SubjectReview and ServiceAccountIssuerDiscovery conformance
// behaviours at the API level (upstream test/e2e/instrumentation/{core_events,events}.go,
// test/e2e/auth/{subjectreviews,service_accounts}.go), each test named after its testname in conformance.yaml.
import assert from 'node:assert/strict';
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { apiClient, type ApiClient, type ApiResponse } from '../helpers/api.js';
import { startApiCluster, type TestCluster } from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';

interface EventJson {
  metadata: { name: string; namespace: string; resourceVersion?: string; managedFields?: unknown; labels?: Record<string, string> };
  [field: string]: unknown;
}
interface ListJson<T = EventJson> {
  items: T[];
}

const STRATEGIC = { 'Content-Type': 'application/strategic-merge-patch+json' };
/** metav1.MicroTime of time.Unix(1505828956, 0), as upstream's tests use. */
const SOME_TIME = '2017-09-19T13:49:16.000000Z';

describe('events and auth conformance (API level)', () => {
  let cluster: TestCluster;
  let api: ApiClient;
  let namespaces = 0;

  before(async () => {
    ({ cluster, api } = await startApiCluster());
  });
  after(async () => cluster.stop());

  async function call(method: string, path: string, body?: unknown, headers?: Record<string, string>, want = [200, 201]): Promise<ApiResponse> {
    const res = await api.request(method, path, body, headers);
    assert.ok(want.includes(res.status), `${method} ${path}: ${res.status} ${res.text}`);
    return res;
  }
  /** A fresh namespace per test, as upstream's framework gives each test its own. */
  async function namespace(prefix: string): Promise<string> {
    const name = `${prefix}-${++namespaces}`;
    await call('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    return name;
  }
  const listed = async (path: string, ns: string, name: string) =>
    ((await call('GET', path)).body as ListJson).items.some((e) => e.metadata.name === name && e.metadata.namespace === ns);
  /** The object without what the control plane sets on every write. */
  const withoutWriteMeta = (obj: EventJson) => {
    const { resourceVersion: _rv, managedFields: _mf, ...metadata } = obj.metadata;
    return { ...obj, metadata };
  };

  describe('core/v1 Events', () => {
    const coreEvent = (ns: string, name: string, labels: Record<string, string>, message: string) => ({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, labels },
      message,
      reason: 'Test',
      type: 'Normal',
      count: 1,
      involvedObject: { namespace: ns },
    });

    test('Event, manage lifecycle of an Event', async () => {
      const ns = await namespace('events');
      const events = `/api/v1/namespaces/${ns}/events`;
      await call('POST', events, coreEvent(ns, 'event-test', { 'testevent-constant': 'true' }, 'This is a test event'));
      assert.ok(await listed('/api/v1/events?labelSelector=testevent-constant%3Dtrue', ns, 'event-test'), 'the event is listed in all namespaces');

      const patchedMessage = 'This is a test event - patched';
      await call('PATCH', `${events}/event-test`, { message: patchedMessage }, STRATEGIC);
      const event = (await call('GET', `${events}/event-test`)).body as EventJson;
      assert.equal(event.message, patchedMessage);

      // An update without resourceVersion: Events allow unconditional updates.
      const series = { count: 100, lastObservedTime: SOME_TIME };
      const updated = { ...withoutWriteMeta(event), series };
      await call('PUT', `${events}/event-test`, updated);
      const afterUpdate = (await call('GET', `${events}/event-test`)).body as EventJson;
      assert.deepEqual(afterUpdate.series, series);
      assert.deepEqual(withoutWriteMeta(afterUpdate), JSON.parse(JSON.stringify(updated)));

      await call('DELETE', `${events}/event-test`);
      assert.ok(!(await listed('/api/v1/events?labelSelector=testevent-constant%3Dtrue', ns, 'event-test')), 'the event is gone from all namespaces');
    });

    test('Event, delete a collection', async () => {
      const ns = await namespace('events');
      const events = `/api/v1/namespaces/${ns}/events`;
      const names = ['test-event-1', 'test-event-2', 'test-event-3'];
      for (const name of names) await call('POST', events, coreEvent(ns, name, { 'testevent-set': 'true' }, `This is ${name}`));
      await call('POST', events, coreEvent(ns, 'other-event', { 'testevent-set': 'false' }, 'This is another'));
      const selected = async () => ((await call('GET', `${events}?labelSelector=testevent-set%3Dtrue`)).body as ListJson).items.map((e) => e.metadata.name).sort();
      assert.deepEqual(await selected(), names);
      await call('DELETE', `${events}?labelSelector=testevent-set%3Dtrue`);
      await eventually('the collection deleted', async () => (await selected()).length === 0);
      assert.ok(await listed(events, ns, 'other-event'), 'events outside the selector stay');
    });
  });

  describe('events.k8s.io/v1 Events', () => {
    const newEvent = (ns: string, name: string, label: string) => ({
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name, labels: { [label]: 'true' } },
      regarding: { namespace: ns },
      eventTime: SOME_TIME,
      note: `This is ${name}`,
      action: 'Do',
      reason: 'Test',
      type: 'Normal',
      reportingController: 'test-controller',
      reportingInstance: 'test-node',
    });

    test('New Event resource lifecycle, testing a single event', async () => {
      const ns = await namespace('events');
      const events = `/apis/events.k8s.io/v1/namespaces/${ns}/events`;
      await call('POST', events, newEvent(ns, 'event-test', 'testevent-constant'));
      assert.ok(await listed('/apis/events.k8s.io/v1/events?labelSelector=testevent-constant%3Dtrue', ns, 'event-test'), 'listed with cluster scope');
      assert.ok(await listed(`${events}?labelSelector=testevent-constant%3Dtrue`, ns, 'event-test'), 'listed with namespace scope');

      const bySource = (await call('GET', `/api/v1/namespaces/${ns}/events?fieldSelector=source%3Dtest-controller`)).body as ListJson;
      assert.deepEqual(bySource.items.map((e) => e.metadata.name), ['event-test'], 'core/v1 field selector on source');
      const byController = (await call('GET', `${events}?fieldSelector=reportingController%3Dtest-controller`)).body as ListJson;
      assert.deepEqual(byController.items.map((e) => e.metadata.name), ['event-test'], 'events.k8s.io/v1 field selector on reportingController');

      const testEvent = (await call('GET', `${events}/event-test`)).body as EventJson;
      const patchedNote = 'This is a test event - patched';
      await call('PATCH', `${events}/event-test`, { note: patchedNote }, STRATEGIC);
      const patched = (await call('GET', `${events}/event-test`)).body as EventJson;
      assert.deepEqual(withoutWriteMeta(patched), withoutWriteMeta({ ...testEvent, note: patchedNote }));

      const withSeries = { ...withoutWriteMeta(patched), series: { count: 100, lastObservedTime: SOME_TIME } };
      await call('PUT', `${events}/event-test`, withSeries);
      const updated = (await call('GET', `${events}/event-test`)).body as EventJson;
      assert.deepEqual(withoutWriteMeta(updated), JSON.parse(JSON.stringify(withSeries)));

      await call('DELETE', `${events}/event-test`);
      assert.ok(!(await listed('/apis/events.k8s.io/v1/events?labelSelector=testevent-constant%3Dtrue', ns, 'event-test')), 'gone with cluster scope');
      assert.ok(!(await listed(`${events}?labelSelector=testevent-constant%3Dtrue`, ns, 'event-test')), 'gone with namespace scope');
    });

    test('New Event resource lifecycle, testing a list of events', async () => {
      const ns = await namespace('events');
      const events = `/apis/events.k8s.io/v1/namespaces/${ns}/events`;
      const names = ['test-event-1', 'test-event-2', 'test-event-3'];
      for (const name of names) await call('POST', events, newEvent(ns, name, 'testevent-set'));
      const selected = async () => ((await call('GET', `${events}?labelSelector=testevent-set%3Dtrue`)).body as ListJson).items.map((e) => e.metadata.name).sort();
      assert.deepEqual(await selected(), names);
      await call('DELETE', `${events}?labelSelector=testevent-set%3Dtrue`);
      assert.deepEqual(await selected(), []);
    });
  });

  test('SubjectReview, API Operations', async () => {
    const ns = await namespace('subjectreview');
    const sa = (await call('POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'e2e' } })).body as {
      metadata: { uid: string };
    };
    const username = `system:serviceaccount:${ns}:e2e`;
    const groups = ['system:authenticated', 'system:serviceaccounts', `system:serviceaccounts:${ns}`];
    const uid = sa.metadata.uid;
    const resourceAttributes = { verb: 'list', resource: 'configmaps', namespace: ns, version: 'v1' };

    const sar = (
      await call('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: { resourceAttributes, user: username, groups, uid },
      })
    ).body as { status: { allowed: boolean } };
    const expectedAllowed = sar.status.allowed;

    // The real kubectl impersonating the service account (Impersonate-User, -Uid and one Impersonate-Group each).
    const as = [`--as=${username}`, `--as-uid=${uid}`, ...groups.map((g) => `--as-group=${g}`)];
    const whoami = JSON.parse(await cluster.kubectl(['auth', 'whoami', ...as, '-o', 'json'])) as { status: { userInfo: object } };
    assert.deepEqual(whoami.status.userInfo, { username, uid, groups });
    const listing = await cluster.kubectlResult(['get', 'configmaps', '-n', ns, ...as]);
    const forbidden = /Error from server \(Forbidden\)/.test(listing.stderr);
    assert.ok(listing.code === 0 || forbidden, listing.stderr);
    const actuallyAllowed = listing.code === 0;
    assert.equal(actuallyAllowed, expectedAllowed, 'the SubjectAccessReview answers what the impersonated request met');

    const lsar = (
      await call('POST', `/apis/authorization.k8s.io/v1/namespaces/${ns}/localsubjectaccessreviews`, {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'LocalSubjectAccessReview',
        metadata: { namespace: ns },
        spec: { resourceAttributes, user: 'e2e', groups, uid },
      })
    ).body as { metadata: { namespace: string }; status: { allowed: boolean } };
    assert.equal(lsar.status.allowed, actuallyAllowed);
    assert.equal(lsar.metadata.namespace, ns);
  });

  test('OIDC Discovery (ServiceAccountIssuerDiscovery)', async () => {
    const ns = await namespace('svcaccounts');
    await eventually('the default service account', async () => (await api.getIfExists(`/api/v1/namespaces/${ns}/serviceaccounts/default`)) !== undefined);
    const audience = 'oidc-discovery-test';
    const tokenRequest = (
      await call('POST', `/api/v1/namespaces/${ns}/serviceaccounts/default/token`, {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        spec: { audiences: [audience], expirationSeconds: 3600 },
      })
    ).body as { status: { token: string } };
    const token = tokenRequest.status.token;

    // The discovery documents, read with the service account's own token (upstream lets service accounts read them).
    const anonymous = await apiClient(cluster.kubeconfig, false);
    const asPod = { Authorization: `Bearer ${await defaultToken(ns)}` };
    const config = await anonymous.request('GET', '/.well-known/openid-configuration', undefined, asPod);
    assert.equal(config.status, 200, config.text);
    assert.equal(config.headers['content-type'], 'application/json');
    const discovery = config.body as Record<string, unknown>;
    // jwks_uri names the server's external address: the one /api advertises, on the port it listens on.
    const server = new URL((await cluster.kubectl(['config', 'view', '--minify', '-o', 'jsonpath={.clusters[0].cluster.server}'])).trim());
    const [{ serverAddress }] = ((await call('GET', '/api')).body as { serverAddressByClientCIDRs: { serverAddress: string }[] }).serverAddressByClientCIDRs;
    assert.equal(new URL(`https://${serverAddress}`).port, server.port);
    assert.deepEqual(discovery, {
      issuer: 'https://kubernetes.default.svc.cluster.local',
      jwks_uri: `https://${serverAddress}/openid/v1/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['ES256'],
    });

    const jwksResponse = await anonymous.request('GET', '/openid/v1/jwks', undefined, asPod);
    assert.equal(jwksResponse.status, 200, jwksResponse.text);
    assert.equal(jwksResponse.headers['content-type'], 'application/jwk-set+json');
    const keys = (jwksResponse.body as { keys: (JsonWebKey & { kid: string; use: string; alg: string })[] }).keys;
    assert.ok(keys.length >= 1);

    // The token verifies against the published key with the issuer's claims, as an OIDC relying party checks it.
    const [header, payload, signature] = token.split('.');
    const { kid, alg } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string; alg: string };
    const jwk = keys.find((k) => k.kid === kid);
    assert.ok(jwk, `a key with the token's kid ${kid}`);
    assert.equal(jwk.use, 'sig');
    assert.equal(jwk.alg, alg);
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    assert.ok(verify('sha256', Buffer.from(`${header}.${payload}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url')), 'the signature verifies');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { iss: string; sub: string; aud: string[]; exp: number };
    assert.equal(claims.iss, discovery.issuer);
    assert.equal(claims.sub, `system:serviceaccount:${ns}:default`);
    assert.deepEqual(claims.aud, [audience]);
    assert.ok(claims.exp * 1000 > Date.now());

    // Without credentials the documents are not served (upstream binds them to authenticated service accounts only).
    assert.equal((await anonymous.request('GET', '/openid/v1/jwks')).status, 401);
  });

  /** A token for the namespace's default service account with the API server's own audience. */
  async function defaultToken(ns: string): Promise<string> {
    const res = await call('POST', `/api/v1/namespaces/${ns}/serviceaccounts/default/token`, {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: {},
    });
    return (res.body as { status: { token: string } }).status.token;
  }
});
