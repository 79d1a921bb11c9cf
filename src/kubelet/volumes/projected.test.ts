import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { projectedPlugin } from './projected.js';
import { b64, hostContext, memorySources, mountedFsType, podWith, removeRoot, tempRoot } from './testing.js';
import { TokenCache } from './token-cache.js';

const root = tempRoot('k8ts-projected');
after(() => removeRoot(root));

test('configMap, secret, downwardAPI and a pod-bound token in one tmpfs directory', async () => {
  const sources = memorySources();
  sources.configMaps.set('default/cm', { data: { color: 'blue' } });
  sources.secrets.set('default/sec', { data: { password: b64('s3cret') } });
  const pod = podWith(
    [
      {
        name: 'all-in-one',
        projected: {
          defaultMode: 0o440,
          sources: [
            { configMap: { name: 'cm', items: [{ key: 'color', path: 'config/color' }] } },
            { secret: { name: 'sec' } },
            { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
            { serviceAccountToken: { path: 'token', audience: 'vault', expirationSeconds: 7200 } },
          ],
        },
      },
    ],
    { serviceAccountName: 'builder' },
  );
  const ctx = hostContext(pod, sources, join(root, 'p1'));
  assert.deepEqual(await projectedPlugin.setUp(ctx), { path: ctx.dir, readOnly: true });
  assert.equal(mountedFsType(ctx.dir), 'tmpfs');
  assert.deepEqual(readdirSync(ctx.dir).filter((f) => !f.startsWith('..')).sort(), ['config', 'labels', 'password', 'token']);
  assert.equal(readFileSync(join(ctx.dir, 'config', 'color'), 'utf8'), 'blue');
  assert.equal(readFileSync(join(ctx.dir, 'password'), 'utf8'), 's3cret');
  assert.equal(readFileSync(join(ctx.dir, 'labels'), 'utf8'), 'app="web"');
  assert.equal(readFileSync(join(ctx.dir, 'token'), 'utf8'), 'token-1');
  assert.equal(statSync(join(ctx.dir, 'password')).mode & 0o777, 0o440);
  assert.deepEqual(sources.tokenRequests, [
    { namespace: 'default', serviceAccount: 'builder', spec: { audiences: ['vault'], expirationSeconds: 7200, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: 'uid-1' } } },
  ]);
  // Setting up again within the token's life reuses it.
  await projectedPlugin.setUp(ctx);
  assert.equal(sources.tokenRequests.length, 1);
});

test('the kube-api-access volume the ServiceAccount admission adds: token, ca.crt and namespace', async () => {
  const sources = memorySources();
  sources.configMaps.set('default/kube-root-ca.crt', { data: { 'ca.crt': '-----BEGIN CERTIFICATE-----' } });
  const pod = podWith([
    {
      name: 'kube-api-access-x7k2p',
      projected: {
        defaultMode: 0o644,
        sources: [
          { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    },
  ]);
  const ctx = hostContext(pod, sources, join(root, 'kube-api-access'));
  await projectedPlugin.setUp(ctx);
  assert.deepEqual(readdirSync(ctx.dir).filter((f) => !f.startsWith('..')).sort(), ['ca.crt', 'namespace', 'token']);
  assert.equal(readFileSync(join(ctx.dir, 'namespace'), 'utf8'), 'default');
  assert.equal(sources.tokenRequests[0].serviceAccount, 'default');
  assert.deepEqual(sources.tokenRequests[0].spec.audiences, [], 'no audience: the API server\'s own');
});

test('every failing source is reported, together', async () => {
  const pod = podWith([{ name: 'p', projected: { sources: [{ configMap: { name: 'a' } }, { secret: { name: 'b' } }, { configMap: { name: 'c', optional: true } }] } }]);
  await assert.rejects(projectedPlugin.setUp(hostContext(pod, memorySources(), join(root, 'p2'))), { message: '[configmap "a" not found, secret "b" not found]' });
});

test('a token is requested again once 80% of its life has passed', async () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const cache = new TokenCache(() => now);
  const sources = memorySources();
  sources.requestToken = async (_ns, _sa, spec) => {
    sources.tokenRequests.push({ namespace: _ns, serviceAccount: _sa, spec });
    return { token: `t${sources.tokenRequests.length}`, expirationTimestamp: new Date(now + spec.expirationSeconds * 1000).toISOString() };
  };
  const spec = { expirationSeconds: 3600, boundObjectRef: { kind: 'Pod' as const, apiVersion: 'v1' as const, name: 'web', uid: 'u' } };
  assert.equal(await cache.get(sources, 'default', 'default', spec), 't1');
  now += 2879_000; // 79.97% of an hour
  assert.equal(await cache.get(sources, 'default', 'default', spec), 't1');
  now += 2_000; // past 80%
  assert.equal(await cache.get(sources, 'default', 'default', spec), 't2');
  cache.forgetPod('u');
  assert.equal(await cache.get(sources, 'default', 'default', spec), 't3');
});
