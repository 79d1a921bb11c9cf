// PKCS#10 certificate signing requests: what a CertificateSigningRequest's
// spec.request holds. Parsed and verified synchronously (API validation runs
// synchronously); made and signed with @peculiar/x509.
import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import { x509 } from './x509.js';
import { generateKeyPair, importKeyPair, privateKeyToPem } from './keys.js';
import { canonicalIP, distinguishedName, randomSerialNumber, type CertificateAuthority } from './certs.js';

/** What a certificate request asks for. */
export interface CertificateRequestInfo {
  commonName: string;
  organizations: string[];
  dnsNames: string[];
  ips: string[];
  emails: string[];
  uris: string[];
  /** `ec`, `rsa`, `ed25519`, ... (node's asymmetricKeyType). */
  keyType: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)\r?\n?-----END \1-----/;

/**
 * certificates.ParseCSR and CheckSignature: the first PEM block must be a
 * CERTIFICATE REQUEST whose signature verifies with its own public key.
 * Throws an Error with upstream's message otherwise.
 */
export function parseCertificateRequest(pem: string): CertificateRequestInfo {
  const block = PEM_BLOCK.exec(pem);
  if (!block || block[1] !== 'CERTIFICATE REQUEST') throw new Error('PEM block type must be CERTIFICATE REQUEST');
  const der = Buffer.from(block[2].replace(/\s+/g, ''), 'base64');
  let request: x509.Pkcs10CertificateRequest;
  try {
    request = new x509.Pkcs10CertificateRequest(der);
  } catch {
    throw new Error('x509: malformed certificate request');
  }
  const key = createPublicKey({ key: Buffer.from(request.publicKey.rawData), format: 'der', type: 'spki' });
  checkSignature(der, request, key);
  const names = subjectAlternativeNames(request)?.names.toJSON() ?? [];
  const of = (type: string) => names.filter((n) => n.type === type).map((n) => n.value);
  return {
    commonName: request.subjectName.getField('CN')[0] ?? '',
    organizations: request.subjectName.getField('O'),
    dnsNames: of('dns'),
    ips: of('ip').map(canonicalIP),
    emails: of('email'),
    uris: of('url'),
    keyType: key.asymmetricKeyType ?? '',
  };
}

const SUBJECT_ALT_NAME_OID = '2.5.29.17';

function subjectAlternativeNames(request: x509.Pkcs10CertificateRequest): x509.SubjectAlternativeNameExtension | undefined {
  const extension = request.getExtension(SUBJECT_ALT_NAME_OID);
  return extension ? new x509.SubjectAlternativeNameExtension(extension.rawData) : undefined;
}

function checkSignature(der: Buffer, request: x509.Pkcs10CertificateRequest, key: KeyObject): void {
  const algorithm = request.signatureAlgorithm as unknown as { name: string; hash?: { name?: string } };
  const hash = (algorithm.hash?.name ?? '').replace('-', '').toLowerCase();
  const signature = Buffer.from(request.signature);
  const info = certificationRequestInfo(der);
  let valid: boolean;
  if (algorithm.name === 'ECDSA' && hash) valid = verifySignature(hash, info, key, signature);
  else if (algorithm.name === 'RSASSA-PKCS1-v1_5' && hash) valid = verifySignature(hash, info, key, signature);
  else if (algorithm.name === 'Ed25519') valid = verifySignature(null, info, key, signature);
  else throw new Error('x509: cannot verify signature: algorithm unimplemented');
  if (valid) return;
  throw new Error(algorithm.name === 'ECDSA' ? 'x509: ECDSA verification failure' : algorithm.name === 'Ed25519' ? 'x509: Ed25519 verification failure' : 'crypto/rsa: verification error');
}

/** The signed part of a CertificationRequest: the first element of its outer SEQUENCE, as encoded. */
function certificationRequestInfo(der: Buffer): Buffer {
  const outer = derHeader(der, 0);
  const inner = derHeader(der, outer.contentStart);
  return der.subarray(outer.contentStart, inner.contentStart + inner.length);
}

function derHeader(der: Buffer, at: number): { contentStart: number; length: number } {
  const first = der[at + 1];
  if (first === undefined) throw new Error('x509: malformed certificate request');
  if (first < 0x80) return { contentStart: at + 2, length: first };
  const octets = first & 0x7f;
  let length = 0;
  for (let i = 0; i < octets; i++) length = length * 256 + der[at + 2 + i];
  return { contentStart: at + 2 + octets, length };
}

export interface NewCertificateRequest {
  commonName: string;
  organizations?: string[];
  dnsNames?: string[];
  ips?: string[];
}

/** A new ECDSA P-256 key and a request for it (what a kubelet or a user sends in a CertificateSigningRequest). */
export async function createCertificateRequest(request: NewCertificateRequest): Promise<{ csrPem: string; keyPem: string }> {
  const keys = await generateKeyPair();
  const names = [...(request.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })), ...(request.ips ?? []).map((value) => ({ type: 'ip' as const, value }))];
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: distinguishedName(request.commonName, request.organizations),
    keys,
    signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    extensions: names.length > 0 ? [new x509.SubjectAlternativeNameExtension(names, false)] : [],
  });
  return { csrPem: csr.toString('pem') + '\n', keyPem: await privateKeyToPem(keys.privateKey) };
}

/** Key usages and extended key usages of certificates.k8s.io KeyUsage values (upstream's keyUsageDict / extKeyUsageDict). */
const KEY_USAGES: Record<string, number> = {
  signing: x509.KeyUsageFlags.digitalSignature,
  'digital signature': x509.KeyUsageFlags.digitalSignature,
  'content commitment': x509.KeyUsageFlags.nonRepudiation,
  'key encipherment': x509.KeyUsageFlags.keyEncipherment,
  'key agreement': x509.KeyUsageFlags.keyAgreement,
  'data encipherment': x509.KeyUsageFlags.dataEncipherment,
  'cert sign': x509.KeyUsageFlags.keyCertSign,
  'crl sign': x509.KeyUsageFlags.cRLSign,
  'encipher only': x509.KeyUsageFlags.encipherOnly,
  'decipher only': x509.KeyUsageFlags.decipherOnly,
};

const EXTENDED_KEY_USAGES: Record<string, string> = {
  any: '2.5.29.37.0',
  'server auth': '1.3.6.1.5.5.7.3.1',
  'client auth': '1.3.6.1.5.5.7.3.2',
  'code signing': '1.3.6.1.5.5.7.3.3',
  'email protection': '1.3.6.1.5.5.7.3.4',
  's/mime': '1.3.6.1.5.5.7.3.4',
  'ipsec end system': '1.3.6.1.5.5.7.3.5',
  'ipsec tunnel': '1.3.6.1.5.5.7.3.6',
  'ipsec user': '1.3.6.1.5.5.7.3.7',
  timestamping: '1.3.6.1.5.5.7.3.8',
  'ocsp signing': '1.3.6.1.5.5.7.3.9',
  'microsoft sgc': '1.3.6.1.4.1.311.10.3.3',
  'netscape sgc': '2.16.840.1.113730.4.1',
};

/** notBefore is this far in the past (upstream's signer backdates by five minutes). */
const SIGNER_BACKDATE_MS = 5 * 60_000;

/**
 * Issues the certificate a request asks for, signed by the CA: its subject, names and key, the
 * given usages, valid for `durationMs` (never past the CA's own expiry).
 */
export async function signCertificateRequest(ca: CertificateAuthority, csrPem: string, usages: string[], durationMs: number, now = new Date()): Promise<string> {
  const request = new x509.Pkcs10CertificateRequest(csrPem);
  const signer = await importKeyPair(ca.keyPem);
  const caCert = new x509.X509Certificate(ca.certPem);
  const keyUsage = usages.reduce((flags, u) => flags | (KEY_USAGES[u] ?? 0), 0);
  const extendedKeyUsages = [...new Set(usages.map((u) => EXTENDED_KEY_USAGES[u]).filter((oid): oid is string => oid !== undefined))];
  const extensions: x509.Extension[] = [new x509.BasicConstraintsExtension(false, undefined, true)];
  if (keyUsage) extensions.push(new x509.KeyUsagesExtension(keyUsage, true));
  if (extendedKeyUsages.length > 0) extensions.push(new x509.ExtendedKeyUsageExtension(extendedKeyUsages, false));
  extensions.push(await x509.AuthorityKeyIdentifierExtension.create(signer.publicKey));
  const names = subjectAlternativeNames(request);
  if (names) extensions.push(new x509.SubjectAlternativeNameExtension(names.names.toJSON(), false));
  const notAfter = new Date(Math.min(now.getTime() + durationMs, caCert.notAfter.getTime()));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: request.subjectName,
    issuer: caCert.subjectName,
    notBefore: new Date(now.getTime() - SIGNER_BACKDATE_MS),
    notAfter,
    publicKey: request.publicKey,
    signingKey: signer.privateKey,
    extensions,
  });
  return cert.toString('pem') + '\n';
}
