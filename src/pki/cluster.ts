import { hostname, networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { loadOrCreateCertificateAuthority } from './ca.js';
import {
  canonicalIP,
  certificateSubject,
  isUsableCertificate,
  issueClientCertificate,
  issueServingCertificate,
  missingSubjectAlternativeNames,
  type CertificateAndKey,
  type CertificateAuthority,
  type SubjectAlternativeNames,
} from './certs.js';
import { PUBLIC_FILE_MODE, SECRET_FILE_MODE, readFileIfExists, writeFileAtomic } from './files.js';
import { ensureJoinToken, joinTokenPath } from './tokens.js';
import { buildKubeconfig, writeKubeconfig } from './kubeconfig.js';

export interface ClusterPkiOptions {
  /** IPs of the `kubernetes` Service, e.g. the first IP of the service CIDR (10.43.0.1). */
  serviceIPs?: string[];
  /** Extra names and IPs for the serving certificate (k3s --tls-san); IPs are recognised. */
  extraSANs?: string[];
  /** Defaults to os.hostname(). */
  hostname?: string;
  /** Defaults to every non-internal address of os.networkInterfaces(). */
  hostIPs?: string[];
  /** A join token to adopt (`--token`); otherwise the stored one or a new random one. */
  token?: string;
}

export interface ClusterPkiPaths {
  tlsDir: string;
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  adminCert: string;
  adminKey: string;
  token: string;
  kubeconfig: string;
}

export interface ClusterPki {
  caCertPem: string;
  caKeyPem: string;
  servingCertPem: string;
  servingKeyPem: string;
  adminCertPem: string;
  adminKeyPem: string;
  /** Cluster join token, `K10<ca hash>::server:<password>`. */
  token: string;
  /** The CA, to pass to issueClientCertificate / issueServingCertificate. */
  ca: CertificateAuthority;
  paths: ClusterPkiPaths;
}

export const ADMIN_USER = 'system:admin';
export const ADMIN_GROUP = 'system:masters';

/** File locations in a data dir (certificates under `<dataDir>/tls/`). */
export function clusterPkiPaths(dataDir: string): ClusterPkiPaths {
  const tlsDir = join(dataDir, 'tls');
  return {
    tlsDir,
    caCert: join(tlsDir, 'ca.crt'),
    caKey: join(tlsDir, 'ca.key'),
    servingCert: join(tlsDir, 'serving-kube-apiserver.crt'),
    servingKey: join(tlsDir, 'serving-kube-apiserver.key'),
    adminCert: join(tlsDir, 'client-admin.crt'),
    adminKey: join(tlsDir, 'client-admin.key'),
    token: joinTokenPath(dataDir),
    kubeconfig: join(dataDir, 'kubeconfig.yaml'),
  };
}

/**
 * Creates (first start) or loads (restart) the cluster CA, the API server's serving
 * certificate, the admin client certificate and the join token. Existing files are
 * reused; a leaf certificate is reissued only when it is missing, no longer chains to
 * the CA, does not match its key, expires within 90 days, or (serving) lacks a SAN.
 */
export async function ensureClusterPki(dataDir: string, options: ClusterPkiOptions = {}): Promise<ClusterPki> {
  const paths = clusterPkiPaths(dataDir);
  const ca = await loadOrCreateCertificateAuthority({ certPath: paths.caCert, keyPath: paths.caKey });
  const wanted = apiServerSubjectAlternativeNames(options);
  const serving = await ensureLeaf(ca, paths.servingCert, paths.servingKey, {
    isCurrent: (pair) => isCovering(pair.certPem, wanted),
    issue: () => issueServingCertificate(ca, { commonName: 'kube-apiserver', ...wanted }),
  });
  const admin = await ensureLeaf(ca, paths.adminCert, paths.adminKey, {
    isCurrent: (pair) => isAdmin(pair.certPem),
    issue: () => issueClientCertificate(ca, { commonName: ADMIN_USER, organizations: [ADMIN_GROUP] }),
  });
  const token = await ensureJoinToken(dataDir, ca.certPem, options.token);
  return {
    caCertPem: ca.certPem,
    caKeyPem: ca.keyPem,
    servingCertPem: serving.certPem,
    servingKeyPem: serving.keyPem,
    adminCertPem: admin.certPem,
    adminKeyPem: admin.keyPem,
    token,
    ca,
    paths,
  };
}

/** The names the API server must answer to, as kube-apiserver and k3s put in its certificate. */
export function apiServerSubjectAlternativeNames(options: ClusterPkiOptions = {}): SubjectAlternativeNames {
  const host = options.hostname ?? hostname();
  const extras = options.extraSANs ?? [];
  const dnsNames = [
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
    'localhost',
    ...(host && !isIP(host) ? [host.toLowerCase()] : []),
    ...extras.filter((name) => !isIP(name)),
  ];
  const ips = [
    '127.0.0.1',
    '::1',
    ...(options.serviceIPs ?? []),
    ...(options.hostIPs ?? hostAddresses()),
    ...extras.filter((name) => isIP(name)),
  ];
  return { dnsNames: [...new Set(dnsNames)], ips: [...new Set(ips.map(canonicalIP))] };
}

/** Every non-internal IPv4/IPv6 address of this machine. */
export function hostAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((addresses) => addresses ?? [])
    .filter((address) => !address.internal)
    .map((address) => address.address);
}

/** Writes the admin kubeconfig to `<dataDir>/kubeconfig.yaml` and, if given, also to `extraPath`. */
export async function writeAdminKubeconfig(
  pki: ClusterPki,
  server: string,
  options: { extraPath?: string; mode?: number } = {},
): Promise<string[]> {
  const config = buildKubeconfig({
    server,
    caCertPem: pki.caCertPem,
    clientCertPem: pki.adminCertPem,
    clientKeyPem: pki.adminKeyPem,
  });
  const targets = [pki.paths.kubeconfig, ...(options.extraPath ? [options.extraPath] : [])];
  for (const path of targets) await writeKubeconfig(path, config, options.mode);
  return targets;
}

interface LeafPolicy {
  isCurrent: (pair: CertificateAndKey) => boolean;
  issue: () => Promise<CertificateAndKey>;
}

async function ensureLeaf(ca: CertificateAuthority, certPath: string, keyPath: string, policy: LeafPolicy): Promise<CertificateAndKey> {
  const certPem = await readFileIfExists(certPath);
  const keyPem = await readFileIfExists(keyPath);
  if (certPem !== undefined && keyPem !== undefined) {
    const pair = { certPem, keyPem };
    if (isUsableCertificate(pair, ca.certPem) && policy.isCurrent(pair)) return pair;
  }
  const pair = await policy.issue();
  await writeFileAtomic(keyPath, pair.keyPem, SECRET_FILE_MODE);
  await writeFileAtomic(certPath, pair.certPem, PUBLIC_FILE_MODE);
  return pair;
}

function isCovering(certPem: string, wanted: SubjectAlternativeNames): boolean {
  const missing = missingSubjectAlternativeNames(certPem, wanted);
  return missing.dnsNames.length === 0 && missing.ips.length === 0;
}

function isAdmin(certPem: string): boolean {
  const subject = certificateSubject(certPem);
  return subject.commonName === ADMIN_USER && subject.organizations.includes(ADMIN_GROUP);
}
