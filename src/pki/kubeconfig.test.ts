import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildKubeconfig,
  loadKubeconfig,
  parseKubeconfig,
  readKubeconfig,
  serializeKubeconfig,
  writeKubeconfig,
} from './kubeconfig.js';

const credentials = {
  server: 'https://127.0.0.1:6443',
  caCertPem: 'CA PEM\n',
  clientCertPem: 'CERT PEM\n',
  clientKeyPem: 'KEY PEM\n',
};

test('a written kubeconfig has the k3s shape and reads back', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-kubeconfig-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, 'sub', 'kubeconfig.yaml');
  await writeKubeconfig(path, buildKubeconfig(credentials));
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  const text = await readFile(path, 'utf8');
  assert.match(text, /^apiVersion: v1\nkind: Config\n/);
  assert.match(text, /current-context: default/);
  assert.match(text, /certificate-authority-data: Q0EgUEVNCg==/);
  const config = await readKubeconfig(path);
  assert.deepEqual(config.clusters, [
    { name: 'default', cluster: { server: credentials.server, 'certificate-authority-data': 'Q0EgUEVNCg==' } },
  ]);
  assert.deepEqual(config.contexts, [{ name: 'default', context: { cluster: 'default', user: 'default' } }]);
  const resolved = await loadKubeconfig(path);
  assert.equal(resolved.server, credentials.server);
  assert.equal(resolved.caCertPem, credentials.caCertPem);
  assert.equal(resolved.clientCertPem, credentials.clientCertPem);
  assert.equal(resolved.clientKeyPem, credentials.clientKeyPem);
});

test('loadKubeconfig resolves file references relative to the kubeconfig and selects a context', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-kubeconfig-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'ca.crt'), 'CA FILE');
  await writeFile(join(dir, 'token'), 'abc\n');
  const text = `
apiVersion: v1
kind: Config
clusters:
- name: a
  cluster: {server: "https://a:6443", certificate-authority: ca.crt}
- name: b
  cluster: {server: "https://b:6443", insecure-skip-tls-verify: true}
users:
- name: u
  user: {tokenFile: token}
contexts:
- name: one
  context: {cluster: a, user: u, namespace: kube-system}
- name: two
  context: {cluster: b, user: nobody}
current-context: one
`;
  await writeFile(join(dir, 'config'), text);
  const one = await loadKubeconfig(join(dir, 'config'));
  assert.equal(one.caCertPem, 'CA FILE');
  assert.equal(one.token, 'abc');
  assert.equal(one.namespace, 'kube-system');
  const two = await loadKubeconfig(join(dir, 'config'), 'two');
  assert.equal(two.server, 'https://b:6443');
  assert.equal(two.insecureSkipTLSVerify, true);
  assert.equal(two.clientCertPem, undefined);
  await assert.rejects(loadKubeconfig(join(dir, 'config'), 'three'), /context "three" not found/);
});

test('parseKubeconfig rejects malformed documents and round-trips serialisation', () => {
  assert.throws(() => parseKubeconfig('- a list'), /not a YAML mapping/);
  assert.throws(() => parseKubeconfig('clusters: 3'), /clusters must be a list/);
  assert.throws(() => parseKubeconfig('users: [{name: x}]'), /users\[0\] must have a name and a user mapping/);
  const config = buildKubeconfig({ ...credentials, name: 'k8ts', token: 't' });
  assert.deepEqual(parseKubeconfig(serializeKubeconfig(config)), config);
  assert.deepEqual(parseKubeconfig(JSON.stringify(config)), config);
});
