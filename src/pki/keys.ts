import { createPrivateKey, createPublicKey, webcrypto, type KeyObject } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;

/** A key pair usable by @peculiar/x509 to sign certificates. */
export interface SigningKeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

const ECDSA_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** Generates a fresh ECDSA P-256 key pair. */
export async function generateKeyPair(): Promise<SigningKeyPair> {
  const pair = await webcrypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify']);
  return { privateKey: pair.privateKey, publicKey: pair.publicKey };
}

/** Exports a private key as PEM: "EC PRIVATE KEY" (SEC1) for EC keys, as k3s writes them. */
export async function privateKeyToPem(key: CryptoKey): Promise<string> {
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const keyObject = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  const type = keyObject.asymmetricKeyType === 'ec' ? 'sec1' : 'pkcs8';
  return keyObject.export({ format: 'pem', type }).toString();
}

/** Imports a PEM private key (SEC1, PKCS#1 or PKCS#8; EC P-256/P-384 or RSA) for signing. */
export async function importKeyPair(privateKeyPem: string): Promise<SigningKeyPair> {
  const privateObject = createPrivateKey(privateKeyPem);
  const algorithm = signingAlgorithmOf(privateObject);
  const pkcs8 = privateObject.export({ format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateObject).export({ format: 'der', type: 'spki' });
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, algorithm, true, ['sign']);
  const publicKey = await webcrypto.subtle.importKey('spki', spki, algorithm, true, ['verify']);
  return { privateKey, publicKey };
}

type ImportAlgorithm = webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams;

const CURVES: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

function signingAlgorithmOf(key: KeyObject): ImportAlgorithm {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'ec') {
    const namedCurve = CURVES[details.namedCurve ?? ''];
    if (namedCurve) return { name: 'ECDSA', namedCurve };
    throw new Error(`unsupported EC curve ${details.namedCurve ?? '(unknown)'}`);
  }
  if (key.asymmetricKeyType === 'rsa') return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  throw new Error(`unsupported private key type ${key.asymmetricKeyType ?? '(unknown)'}`);
}
