import { X509Certificate as NodeX509Certificate, createPrivateKey } from 'node:crypto';
import { x509 } from './x509.js';
import { generateKeyPair, privateKeyToPem } from './keys.js';
import { distinguishedName, randomSerialNumber, validityWindow, type CertificateAuthority } from './certs.js';
import { PUBLIC_FILE_MODE, SECRET_FILE_MODE, readFileIfExists, writeFileAtomic } from './files.js';

/** The cluster CA lives ten years, as k3s's does. */
export const CA_VALIDITY_DAYS = 3650;

export interface CertificateAuthorityOptions {
  /** Defaults to `k8ts-server-ca@<unix seconds>` (k3s: `k3s-server-ca@<unix seconds>`). */
  commonName?: string;
  validityDays?: number;
}

/** Creates a self-signed CA certificate and key (ECDSA P-256). */
export async function createCertificateAuthority(options: CertificateAuthorityOptions = {}): Promise<CertificateAuthority> {
  const keys = await generateKeyPair();
  const name = distinguishedName(options.commonName ?? `k8ts-server-ca@${Math.floor(Date.now() / 1000)}`);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    name,
    keys,
    ...validityWindow(options.validityDays ?? CA_VALIDITY_DAYS),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await privateKeyToPem(keys.privateKey) };
}

export interface CertificateAuthorityPaths {
  certPath: string;
  keyPath: string;
}

/**
 * Loads the CA from its files, or creates and writes a new one when neither file exists.
 * A certificate without its key (or the reverse, or a mismatch) is an error: silently
 * replacing a CA would invalidate every kubeconfig and kubelet certificate.
 */
export async function loadOrCreateCertificateAuthority(paths: CertificateAuthorityPaths): Promise<CertificateAuthority> {
  const certPem = await readFileIfExists(paths.certPath);
  const keyPem = await readFileIfExists(paths.keyPath);
  if (certPem === undefined && keyPem === undefined) {
    const ca = await createCertificateAuthority();
    await writeFileAtomic(paths.keyPath, ca.keyPem, SECRET_FILE_MODE);
    await writeFileAtomic(paths.certPath, ca.certPem, PUBLIC_FILE_MODE);
    return ca;
  }
  if (certPem === undefined) throw new Error(`${paths.keyPath} exists but ${paths.certPath} is missing`);
  if (keyPem === undefined) throw new Error(`${paths.certPath} exists but ${paths.keyPath} is missing`);
  assertCertificateAuthority({ certPem, keyPem }, paths.certPath);
  return { certPem, keyPem };
}

function assertCertificateAuthority(ca: CertificateAuthority, where: string): void {
  const cert = new NodeX509Certificate(ca.certPem);
  if (!cert.ca) throw new Error(`${where} is not a CA certificate (BasicConstraints CA:false)`);
  if (!cert.checkPrivateKey(createPrivateKey(ca.keyPem))) throw new Error(`${where} does not match its private key`);
}
