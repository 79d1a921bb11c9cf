import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { createCertificateAuthority } from './ca.js';
import {
  canonicalIP,
  certificateSubject,
  isUsableCertificate,
  issueClientCertificate,
  issueServingCertificate,
  missingSubjectAlternativeNames,
  subjectAlternativeNames,
} from './certs.js';

const EKU_SERVER = '1.3.6.1.5.5.7.3.1';
const EKU_CLIENT = '1.3.6.1.5.5.7.3.2';

function chainsTo(certPem: string, caPem: string): boolean {
  const cert = new X509Certificate(certPem);
  const ca = new X509Certificate(caPem);
  return cert.checkIssued(ca) && cert.verify(ca.publicKey);
}

test('the CA is self-signed, a CA, valid about ten years, with a positive serial', async () => {
  const ca = await createCertificateAuthority({ commonName: 'test-ca' });
  const cert = new X509Certificate(ca.certPem);
  assert.equal(cert.ca, true);
  assert.equal(cert.subject, 'CN=test-ca');
  assert.equal(cert.issuer, 'CN=test-ca');
  assert.ok(chainsTo(ca.certPem, ca.certPem));
  const years = (Date.parse(cert.validTo) - Date.now()) / (365 * 24 * 3600 * 1000);
  assert.ok(years > 9.9 && years < 10.1, `validity ${years} years`);
  assert.ok(Date.parse(cert.validFrom) < Date.now() - 30 * 60 * 1000, 'notBefore is backdated');
  assert.ok(parseInt(cert.serialNumber.slice(0, 2), 16) < 0x80, 'serial is positive');
  assert.match(ca.keyPem, /^-----BEGIN EC PRIVATE KEY-----/);
  assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
});

test('a serving certificate chains to the CA and carries its SANs and serverAuth', async () => {
  const ca = await createCertificateAuthority();
  const serving = await issueServingCertificate(ca, {
    dnsNames: ['node-1', 'node-1.example.com'],
    ips: ['10.0.0.5', '0:0:0:0:0:0:0:1', 'fd00::0:2'],
  });
  assert.ok(chainsTo(serving.certPem, ca.certPem));
  const cert = new X509Certificate(serving.certPem);
  assert.equal(cert.ca, false);
  assert.deepEqual(cert.keyUsage, [EKU_SERVER]);
  assert.equal(cert.subject, 'CN=node-1');
  assert.deepEqual(subjectAlternativeNames(serving.certPem), {
    dnsNames: ['node-1', 'node-1.example.com'],
    ips: ['10.0.0.5', '::1', 'fd00::2'],
  });
  assert.ok(cert.checkHost('node-1.example.com'));
  assert.ok(cert.checkIP('::1'));
  assert.ok(isUsableCertificate(serving, ca.certPem));
});

test('a client certificate names the user (CN) and groups (O) and has clientAuth', async () => {
  const ca = await createCertificateAuthority();
  const client = await issueClientCertificate(ca, {
    commonName: 'system:node:worker-1',
    organizations: ['system:nodes', 'team-a'],
  });
  assert.ok(chainsTo(client.certPem, ca.certPem));
  assert.deepEqual(new X509Certificate(client.certPem).keyUsage, [EKU_CLIENT]);
  assert.deepEqual(certificateSubject(client.certPem), {
    commonName: 'system:node:worker-1',
    organizations: ['system:nodes', 'team-a'],
  });
});

test('isUsableCertificate rejects another CA, a mismatched key, and near expiry', async () => {
  const ca = await createCertificateAuthority();
  const other = await createCertificateAuthority();
  const a = await issueClientCertificate(ca, { commonName: 'a' });
  const b = await issueClientCertificate(ca, { commonName: 'b', validityDays: 30 });
  assert.equal(isUsableCertificate(a, other.certPem), false);
  assert.equal(isUsableCertificate({ certPem: a.certPem, keyPem: b.keyPem }, ca.certPem), false);
  assert.equal(isUsableCertificate(b, ca.certPem), false, 'expires within 90 days');
  assert.equal(isUsableCertificate(b, ca.certPem, { renewBeforeMs: 0 }), true);
  assert.equal(isUsableCertificate({ certPem: 'garbage', keyPem: a.keyPem }, ca.certPem), false);
});

test('missingSubjectAlternativeNames compares IPs canonically and names case-insensitively', async () => {
  const ca = await createCertificateAuthority();
  const serving = await issueServingCertificate(ca, { dnsNames: ['Kubernetes'], ips: ['::1'] });
  assert.deepEqual(missingSubjectAlternativeNames(serving.certPem, { dnsNames: ['kubernetes'], ips: ['0::1'] }), {
    dnsNames: [],
    ips: [],
  });
  assert.deepEqual(missingSubjectAlternativeNames(serving.certPem, { dnsNames: ['x'], ips: ['10.43.0.1'] }), {
    dnsNames: ['x'],
    ips: ['10.43.0.1'],
  });
});

test('canonicalIP normalises and rejects non-IPs', () => {
  assert.equal(canonicalIP('0:0:0:0:0:0:0:1'), '::1');
  assert.equal(canonicalIP('FD00:0::2'), 'fd00::2');
  assert.equal(canonicalIP('10.43.0.1'), '10.43.0.1');
  assert.throws(() => canonicalIP('example.com'), /invalid IP address/);
});
