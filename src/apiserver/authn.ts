// Authentication: who a request comes from — a client certificate signed by the
// cluster CA, or a service account token the server issued.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { userFromClientCertificate, type ServiceAccountTokens, type VerifiedToken } from '../pki/index.js';
import type { ResourceMap } from './registry/resource-map.js';

// A TLS connection presents its certificate once: keep-alive requests reuse what it proved.
const certificateUsers = new WeakMap<TLSSocket, UserInfo | null>();

function certificateUser(socket: TLSSocket): UserInfo | undefined {
  let user = certificateUsers.get(socket);
  if (user === undefined) {
    const cert = userFromClientCertificate(socket);
    user = cert ? { username: cert.username, groups: withAuthenticated(cert.groups) } : null;
    certificateUsers.set(socket, user);
  }
  return user ? { ...user, groups: [...user.groups] } : undefined;
}

/** user.Info: what authorization and the review kinds see of a caller. */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

const AUTHENTICATED = 'system:authenticated';

export class Authenticator {
  constructor(
    private readonly resources: ResourceMap,
    readonly tokens?: ServiceAccountTokens,
    /** The loopback client's token (upstream's system:apiserver, a cluster admin). */
    private readonly loopbackToken?: string,
  ) {}

  async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
    const cert = certificateUser(req.socket as TLSSocket);
    if (cert) return cert;
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) return undefined;
    if (this.isLoopbackToken(match[1])) return { username: 'system:apiserver', groups: withAuthenticated(['system:masters']) };
    return this.authenticateToken(match[1]);
  }

  private isLoopbackToken(token: string): boolean {
    if (!this.loopbackToken) return false;
    const given = Buffer.from(token);
    const expected = Buffer.from(this.loopbackToken);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** A service account token's user, if the token verifies and its service account (and bound object) still exist. */
  async authenticateToken(token: string, audiences?: string[]): Promise<UserInfo | undefined> {
    const verified = this.tokens?.verify(token, audiences);
    if (!verified || !(await this.stillValid(verified))) return undefined;
    const extra: Record<string, string[]> = { 'authentication.kubernetes.io/credential-id': [`JTI=${verified.jti}`] };
    if (verified.bound?.kind === 'Pod') {
      extra['authentication.kubernetes.io/pod-name'] = [verified.bound.name];
      extra['authentication.kubernetes.io/pod-uid'] = [verified.bound.uid];
    }
    return {
      username: `system:serviceaccount:${verified.namespace}:${verified.name}`,
      uid: verified.uid,
      groups: withAuthenticated(['system:serviceaccounts', `system:serviceaccounts:${verified.namespace}`]),
      extra,
    };
  }

  private async stillValid(token: VerifiedToken): Promise<boolean> {
    const sa = await this.resources.get('', 'serviceaccounts').get(token.namespace, token.name).catch(() => undefined);
    if (!sa || sa.metadata?.uid !== token.uid) return false;
    if (!token.bound) return true;
    const plural = { Pod: 'pods', Secret: 'secrets', Node: 'nodes' }[token.bound.kind];
    const namespace = token.bound.kind === 'Node' ? '' : token.namespace;
    const bound = await this.resources.get('', plural).get(namespace, token.bound.name).catch(() => undefined);
    return bound !== undefined && bound.metadata?.uid === token.bound.uid && !bound.metadata?.deletionTimestamp;
  }
}

function withAuthenticated(groups: string[]): string[] {
  return groups.includes(AUTHENTICATED) ? groups : [...groups, AUTHENTICATED];
}
