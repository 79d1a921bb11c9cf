// Service account tokens: JWTs (ES256) the API server signs with the key in
// <data-dir>/tls/service.key and verifies on every request that bears one.
import { createHash, createPrivateKey, createPublicKey, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SECRET_FILE_MODE, writeFileAtomic } from './files.js';
import { generateKeyPair, privateKeyToPem } from './keys.js';

export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export interface BoundObject {
  kind: 'Pod' | 'Secret' | 'Node';
  name: string;
  uid: string;
}

export interface TokenSubject {
  namespace: string;
  name: string;
  uid: string;
  audiences: string[];
  expirationSeconds: number;
  bound?: BoundObject;
}

/** What a valid token says (the `kubernetes.io` private claims, flattened). */
export interface VerifiedToken {
  namespace: string;
  name: string;
  uid: string;
  audiences: string[];
  jti: string;
  bound?: BoundObject;
}

interface Claims {
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  iss: string;
  jti: string;
  sub: string;
  'kubernetes.io': {
    namespace: string;
    serviceaccount: { name: string; uid: string };
    pod?: { name: string; uid: string };
    secret?: { name: string; uid: string };
    node?: { name: string; uid: string };
  };
}

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

/** Creates (first start) or loads the service account signing key. */
export async function ensureServiceAccountKey(dataDir: string): Promise<string> {
  const path = join(dataDir, 'tls', 'service.key');
  if (existsSync(path)) return readFileSync(path, 'utf8');
  const pem = await privateKeyToPem((await generateKeyPair()).privateKey);
  await writeFileAtomic(path, pem, SECRET_FILE_MODE);
  return pem;
}

export class ServiceAccountTokens {
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly keyId: string;

  constructor(
    privateKeyPem: string,
    readonly issuer = DEFAULT_ISSUER,
  ) {
    this.privateKey = createPrivateKey(privateKeyPem);
    this.publicKey = createPublicKey(this.privateKey);
    this.keyId = b64url(createHash('sha256').update(this.publicKey.export({ format: 'der', type: 'spki' })).digest());
  }

  /** The JWS algorithm of every token this signs. */
  readonly algorithm = 'ES256';

  /** The verification key as a JSON Web Key, as the issuer's key set publishes it. */
  publicJwk(): Record<string, string> {
    const { kty, crv, x, y } = this.publicKey.export({ format: 'jwk' });
    return { use: 'sig', kty: kty ?? 'EC', kid: this.keyId, crv: crv ?? '', alg: this.algorithm, x: x ?? '', y: y ?? '' };
  }

  /** The API server's own audiences, which tokens get when a request names none. */
  get audiences(): string[] {
    return [this.issuer];
  }

  issue(subject: TokenSubject, now = new Date()): { token: string; expirationTimestamp: Date } {
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + subject.expirationSeconds;
    const claims: Claims = {
      aud: subject.audiences,
      exp,
      iat,
      iss: this.issuer,
      jti: randomUUID(),
      'kubernetes.io': {
        namespace: subject.namespace,
        serviceaccount: { name: subject.name, uid: subject.uid },
        ...(subject.bound ? { [subject.bound.kind.toLowerCase()]: { name: subject.bound.name, uid: subject.bound.uid } } : {}),
      },
      nbf: iat,
      sub: `system:serviceaccount:${subject.namespace}:${subject.name}`,
    };
    const signingInput = `${b64url(JSON.stringify({ alg: this.algorithm, kid: this.keyId }))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key: this.privateKey, dsaEncoding: 'ieee-p1363' });
    return { token: `${signingInput}.${b64url(signature)}`, expirationTimestamp: new Date(exp * 1000) };
  }

  /** The token's subject when it is ours, unexpired and meant for one of `audiences`; else undefined. */
  verify(token: string, audiences = this.audiences, now = new Date()): VerifiedToken | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const ok = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key: this.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(parts[2], 'base64url'));
    if (!ok) return undefined;
    let claims: Claims;
    try {
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as Claims;
    } catch {
      return undefined;
    }
    const seconds = Math.floor(now.getTime() / 1000);
    if (claims.iss !== this.issuer || seconds >= claims.exp || seconds < claims.nbf - 60) return undefined;
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.some((a) => audiences.includes(a))) return undefined;
    const k8s = claims['kubernetes.io'];
    const bound = k8s.pod ? { kind: 'Pod' as const, ...k8s.pod } : k8s.secret ? { kind: 'Secret' as const, ...k8s.secret } : k8s.node ? { kind: 'Node' as const, ...k8s.node } : undefined;
    return { namespace: k8s.namespace, name: k8s.serviceaccount.name, uid: k8s.serviceaccount.uid, audiences: aud, jti: claims.jti, ...(bound ? { bound } : {}) };
  }
}
