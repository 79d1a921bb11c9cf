import type { LeaseClient } from 'etcd3';

/** At most this long, and at most this share of the TTL, a lease is shared between keys. */
const maxReuseSeconds = 60;
const reuseShare = 0.05;

interface SharedLease {
  id: Promise<string>;
  /** When new keys stop joining this lease (ms since epoch). */
  joinUntil: number;
}

/**
 * Hands out etcd leases for keys with a TTL. As kube-apiserver does, keys
 * written with the same TTL within a short window share one lease granted
 * for TTL + window, so a key lives between TTL and TTL + window seconds
 * (the window is 5% of the TTL, at most a minute; short TTLs share nothing).
 */
export class LeaseManager {
  private readonly shared = new Map<number, SharedLease>();

  constructor(private readonly client: LeaseClient) {}

  /** The lease ID to attach a key with this TTL to. */
  leaseFor(ttlSeconds: number): Promise<string> {
    const ttl = Math.max(1, Math.ceil(ttlSeconds));
    const now = Date.now();
    const current = this.shared.get(ttl);
    if (current && now < current.joinUntil) return current.id;
    const reuse = Math.min(maxReuseSeconds, Math.floor(ttl * reuseShare));
    const id = this.client.leaseGrant({ TTL: ttl + reuse }).then((grant) => grant.ID);
    if (reuse > 0) {
      const lease: SharedLease = { id, joinUntil: now + reuse * 1000 };
      this.shared.set(ttl, lease);
      id.catch(() => this.forgetLease(ttl, lease));
    }
    return id;
  }

  /** Stops handing out the shared lease for this TTL (it expired or was revoked). */
  forget(ttlSeconds: number): void {
    this.shared.delete(Math.max(1, Math.ceil(ttlSeconds)));
  }

  private forgetLease(ttl: number, lease: SharedLease): void {
    if (this.shared.get(ttl) === lease) this.shared.delete(ttl);
  }
}
