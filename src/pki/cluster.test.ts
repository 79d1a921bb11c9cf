import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureClusterPki, writeAdminKubeconfig, type ClusterPkiOptions } from './cluster.js';
import { certificateSubject, subjectAlternativeNames } from './certs.js';
import { loadKubeconfig } from './kubeconfig.js';
import { joinTokenMatchesCa } from './tokens.js';

const options: ClusterPkiOptions = {
  serviceIPs: ['10.43.0.1'],
  extraSANs: ['api.example.com', '192.0.2.10'],
  hostname: 'Server-1',
  hostIPs: ['192.0.2.2', 'fd00::2'],
};

async function dataDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-pki-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('first start creates the CA, serving and admin certificates under tls/', async (t) => {
  const dir = await dataDir(t);
  const pki = await ensureClusterPki(dir, options);
  assert.equal(pki.paths.tlsDir, join(dir, 'tls'));
  for (const key of [pki.paths.caKey, pki.paths.servingKey, pki.paths.adminKey, pki.paths.token]) {
    assert.equal((await stat(key)).mode & 0o777, 0o600, key);
  }
  assert.equal(await readFile(pki.paths.caCert, 'utf8'), pki.caCertPem);
  const ca = new X509Certificate(pki.caCertPem);
  for (const pem of [pki.servingCertPem, pki.adminCertPem]) {
    const cert = new X509Certificate(pem);
    assert.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey));
  }
  assert.deepEqual(subjectAlternativeNames(pki.servingCertPem), {
    dnsNames: [
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
      'localhost',
      'server-1',
      'api.example.com',
    ],
    ips: ['127.0.0.1', '::1', '10.43.0.1', '192.0.2.2', 'fd00::2', '192.0.2.10'],
  });
  assert.deepEqual(certificateSubject(pki.adminCertPem), { commonName: 'system:admin', organizations: ['system:masters'] });
  assert.ok(joinTokenMatchesCa(pki.token, pki.caCertPem));
});

test('by default the serving certificate covers the host name and non-internal addresses', async (t) => {
  const dir = await dataDir(t);
  const pki = await ensureClusterPki(dir, { serviceIPs: ['10.43.0.1'] });
  const cert = new X509Certificate(pki.servingCertPem);
  const { hostname, networkInterfaces } = await import('node:os');
  assert.ok(cert.checkHost(hostname()));
  for (const address of Object.values(networkInterfaces()).flatMap((a) => a ?? [])) {
    if (!address.internal) assert.ok(cert.checkIP(address.address), address.address);
  }
  assert.ok(cert.checkIP('10.43.0.1'));
});

test('a restart reuses every file', async (t) => {
  const dir = await dataDir(t);
  const first = await ensureClusterPki(dir, options);
  const second = await ensureClusterPki(dir, options);
  assert.deepEqual(second, first);
});

test('a restart with a new SAN reissues only the serving certificate', async (t) => {
  const dir = await dataDir(t);
  const first = await ensureClusterPki(dir, options);
  const second = await ensureClusterPki(dir, { ...options, extraSANs: ['203.0.113.9'] });
  assert.equal(second.caCertPem, first.caCertPem);
  assert.equal(second.adminCertPem, first.adminCertPem);
  assert.equal(second.token, first.token);
  assert.notEqual(second.servingCertPem, first.servingCertPem);
  assert.ok(new X509Certificate(second.servingCertPem).checkIP('203.0.113.9'));
  // Fewer SANs wanted than present: nothing is missing, the certificate stays.
  const third = await ensureClusterPki(dir, { ...options, extraSANs: [] });
  assert.equal(third.servingCertPem, second.servingCertPem);
});

test('a deleted leaf is reissued; a CA certificate without its key is an error', async (t) => {
  const dir = await dataDir(t);
  const first = await ensureClusterPki(dir, options);
  await unlink(first.paths.adminKey);
  const second = await ensureClusterPki(dir, options);
  assert.notEqual(second.adminCertPem, first.adminCertPem);
  assert.equal(second.servingCertPem, first.servingCertPem);
  await unlink(first.paths.caKey);
  await assert.rejects(ensureClusterPki(dir, options), /ca\.crt exists but .*ca\.key is missing/);
});

test('a new CA (both files removed) reissues every leaf and rebinds the token', async (t) => {
  const dir = await dataDir(t);
  const first = await ensureClusterPki(dir, options);
  await unlink(first.paths.caKey);
  await unlink(first.paths.caCert);
  const second = await ensureClusterPki(dir, options);
  assert.notEqual(second.caCertPem, first.caCertPem);
  assert.notEqual(second.servingCertPem, first.servingCertPem);
  assert.notEqual(second.adminCertPem, first.adminCertPem);
  assert.ok(joinTokenMatchesCa(second.token, second.caCertPem));
  assert.equal(second.token.split('::')[1], first.token.split('::')[1], 'the credentials survive');
});

test('writeAdminKubeconfig writes <dataDir>/kubeconfig.yaml and the extra path', async (t) => {
  const dir = await dataDir(t);
  const pki = await ensureClusterPki(dir, options);
  const extra = join(dir, 'elsewhere', 'k3s.yaml');
  const written = await writeAdminKubeconfig(pki, 'https://127.0.0.1:6443', { extraPath: extra, mode: 0o644 });
  assert.deepEqual(written, [join(dir, 'kubeconfig.yaml'), extra]);
  assert.equal((await stat(extra)).mode & 0o777, 0o644);
  const resolved = await loadKubeconfig(extra);
  assert.equal(resolved.contextName, 'default');
  assert.equal(resolved.server, 'https://127.0.0.1:6443');
  assert.equal(resolved.caCertPem, pki.caCertPem);
  assert.equal(resolved.clientCertPem, pki.adminCertPem);
  assert.equal(resolved.clientKeyPem, pki.adminKeyPem);
});
