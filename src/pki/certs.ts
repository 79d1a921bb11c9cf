import { X509Certificate as NodeX509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { x509 } from './x509.js';
import { generateKeyPair, importKeyPair, privateKeyToPem, type SigningKeyPair } from './keys.js';

/** A PEM certificate with its PEM private key. */
export interface CertificateAndKey {
  certPem: string;
  keyPem: string;
}

/** The cluster CA: its certificate and the key that signs everything else. */
export type CertificateAuthority = CertificateAndKey;

export interface ClientCertificateRequest {
  /** Becomes the Kubernetes user name (e.g. `system:admin`, `system:node:worker-1`). */
  commonName: string;
  /** Become the Kubernetes groups (e.g. `system:masters`, `system:nodes`). */
  organizations?: string[];
  validityDays?: number;
}

export interface ServingCertificateRequest {
  commonName?: string;
  dnsNames: string[];
  ips: string[];
  validityDays?: number;
}

export interface SubjectAlternativeNames {
  dnsNames: string[];
  ips: string[];
}

export const DAY_MS = 24 * 60 * 60 * 1000;
/** Leaf certificates live a year, as k3s issues them. */
export const LEAF_VALIDITY_DAYS = 365;
/** notBefore is set this far in the past to tolerate clock skew between machines. */
export const BACKDATE_MS = 60 * 60 * 1000;

/** A random positive serial number of 16 bytes whose DER encoding is minimal. */
export function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! % 0x7f) + 1;
  return bytes.toString('hex');
}

/** The validity window of a new certificate starting now. */
export function validityWindow(days: number, now = new Date()): { notBefore: Date; notAfter: Date } {
  return { notBefore: new Date(now.getTime() - BACKDATE_MS), notAfter: new Date(now.getTime() + days * DAY_MS) };
}

/** Builds an X.509 name from a common name and organizations: CN=…, O=…, O=… */
export function distinguishedName(commonName: string, organizations: string[] = []): x509.JsonName {
  return [{ CN: [commonName] }, ...organizations.map((o) => ({ O: [o] }))];
}

/** Issues a client certificate (ExtendedKeyUsage clientAuth) signed by the CA. */
export async function issueClientCertificate(
  ca: CertificateAuthority,
  request: ClientCertificateRequest,
): Promise<CertificateAndKey> {
  return issueLeafCertificate(ca, {
    subject: distinguishedName(request.commonName, request.organizations),
    extendedKeyUsages: [x509.ExtendedKeyUsage.clientAuth],
    validityDays: request.validityDays ?? LEAF_VALIDITY_DAYS,
  });
}

/** Issues a serving certificate (ExtendedKeyUsage serverAuth) for the given names and IPs. */
export async function issueServingCertificate(
  ca: CertificateAuthority,
  request: ServingCertificateRequest,
): Promise<CertificateAndKey> {
  const commonName = request.commonName ?? request.dnsNames[0] ?? request.ips[0] ?? 'k8ts';
  return issueLeafCertificate(ca, {
    subject: distinguishedName(commonName),
    extendedKeyUsages: [x509.ExtendedKeyUsage.serverAuth],
    validityDays: request.validityDays ?? LEAF_VALIDITY_DAYS,
    subjectAlternativeNames: { dnsNames: request.dnsNames, ips: request.ips },
  });
}

interface LeafProfile {
  subject: x509.JsonName;
  extendedKeyUsages: string[];
  validityDays: number;
  subjectAlternativeNames?: SubjectAlternativeNames;
}

async function issueLeafCertificate(ca: CertificateAuthority, profile: LeafProfile): Promise<CertificateAndKey> {
  const signer = await importKeyPair(ca.keyPem);
  const caCert = new x509.X509Certificate(ca.certPem);
  const keys = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerialNumber(),
    subject: profile.subject,
    issuer: caCert.subjectName,
    ...validityWindow(profile.validityDays),
    publicKey: keys.publicKey,
    signingKey: signer.privateKey,
    extensions: await leafExtensions(profile, keys, signer),
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await privateKeyToPem(keys.privateKey) };
}

async function leafExtensions(
  profile: LeafProfile,
  keys: SigningKeyPair,
  signer: SigningKeyPair,
): Promise<x509.Extension[]> {
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(profile.extendedKeyUsages, false),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(signer.publicKey),
  ];
  const names = profile.subjectAlternativeNames;
  if (names) extensions.push(subjectAlternativeNameExtension(names));
  return extensions;
}

function subjectAlternativeNameExtension(names: SubjectAlternativeNames): x509.SubjectAlternativeNameExtension {
  const general: x509.JsonGeneralName[] = [
    ...unique(names.dnsNames).map((value) => ({ type: 'dns' as const, value })),
    ...unique(names.ips.map(canonicalIP)).map((value) => ({ type: 'ip' as const, value })),
  ];
  return new x509.SubjectAlternativeNameExtension(general, false);
}

/** The DNS names and IP addresses (canonical text form) a certificate is valid for. */
export function subjectAlternativeNames(certPem: string): SubjectAlternativeNames {
  const extension = new x509.X509Certificate(certPem).getExtension(x509.SubjectAlternativeNameExtension);
  const result: SubjectAlternativeNames = { dnsNames: [], ips: [] };
  for (const name of extension?.names.toJSON() ?? []) {
    if (name.type === 'dns') result.dnsNames.push(name.value);
    if (name.type === 'ip') result.ips.push(canonicalIP(name.value));
  }
  return result;
}

/** The names in `required` that the certificate does not cover (exact match; no wildcards). */
export function missingSubjectAlternativeNames(
  certPem: string,
  required: SubjectAlternativeNames,
): SubjectAlternativeNames {
  const present = subjectAlternativeNames(certPem);
  const dns = new Set(present.dnsNames.map((n) => n.toLowerCase()));
  const ips = new Set(present.ips);
  return {
    dnsNames: required.dnsNames.filter((n) => !dns.has(n.toLowerCase())),
    ips: required.ips.map(canonicalIP).filter((ip) => !ips.has(ip)),
  };
}

/** Normalises an IP address to the WHATWG URL canonical text form (::1, 10.0.0.1, fe80::1). */
export function canonicalIP(ip: string): string {
  const family = isIP(ip);
  if (family === 4) return new URL(`http://${ip}/`).hostname;
  if (family === 6) return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
  throw new Error(`invalid IP address ${JSON.stringify(ip)}`);
}

export interface LeafCheckOptions {
  /** Renew when fewer than this many ms of validity remain (k3s renews within 90 days). */
  renewBeforeMs?: number;
  now?: Date;
}

/**
 * Whether a stored certificate/key pair is still usable: parses, is signed by the CA,
 * the key matches, and it is valid for at least `renewBeforeMs` more.
 */
export function isUsableCertificate(
  pair: CertificateAndKey,
  caCertPem: string,
  options: LeafCheckOptions = {},
): boolean {
  try {
    const cert = new NodeX509Certificate(pair.certPem);
    const ca = new NodeX509Certificate(caCertPem);
    if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return false;
    if (!cert.checkPrivateKey(createPrivateKey(pair.keyPem))) return false;
    const now = (options.now ?? new Date()).getTime();
    const renewBefore = options.renewBeforeMs ?? 90 * DAY_MS;
    return new Date(cert.validFrom).getTime() <= now && new Date(cert.validTo).getTime() - now > renewBefore;
  } catch {
    return false;
  }
}

/** Common name and organizations of a certificate's subject. */
export function certificateSubject(certPem: string): { commonName: string | undefined; organizations: string[] } {
  const name = new x509.X509Certificate(certPem).subjectName;
  return { commonName: name.getField('CN')[0], organizations: name.getField('O') };
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}
