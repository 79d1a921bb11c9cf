// Service account tokens for projected volumes (upstream's kubelet token
// manager): one TokenRequest per (pod, service account, audience, lifetime),
// reused until 80% of its life has passed (or 24 hours), then requested again.
import type { TokenRequestSpec, VolumeSources } from './plugin.js';

interface CachedToken {
  token: string;
  issuedAt: number;
  expiresAt: number;
}

const MAX_TTL_MS = 24 * 3600_000;

export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>();

  constructor(private readonly now: () => number = Date.now) {}

  async get(sources: VolumeSources, namespace: string, serviceAccount: string, spec: TokenRequestSpec): Promise<string> {
    const key = [namespace, serviceAccount, spec.boundObjectRef.uid, (spec.audiences ?? []).join(','), spec.expirationSeconds].join('/');
    const cached = this.tokens.get(key);
    if (cached && !this.needsRefresh(cached)) return cached.token;
    const issuedAt = this.now();
    const answer = await sources.requestToken(namespace, serviceAccount, spec);
    const expiresAt = Date.parse(answer.expirationTimestamp) || issuedAt + spec.expirationSeconds * 1000;
    this.tokens.set(key, { token: answer.token, issuedAt, expiresAt });
    return answer.token;
  }

  private needsRefresh(t: CachedToken): boolean {
    const now = this.now();
    if (now >= t.expiresAt) return true;
    const ttl = t.expiresAt - t.issuedAt;
    return now - t.issuedAt > 0.8 * ttl || now - t.issuedAt > MAX_TTL_MS;
  }

  /** Drops the tokens bound to a pod that is gone. */
  forgetPod(uid: string): void {
    for (const key of this.tokens.keys()) if (key.split('/')[2] === uid) this.tokens.delete(key);
  }
}
