// Restart back-off (upstream flowcontrol.Backoff as the kubelet uses it for
// CrashLoopBackOff): starts at the base, doubles per restart up to the cap, and
// starts over once the container has run for twice the cap (10 minutes) since
// its last restart.

interface Entry {
  durationMs: number;
  lastUpdate: number;
}

export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly baseMs = 10_000,
    readonly maxMs = 300_000,
  ) {}

  private expired(entry: Entry, now: number): boolean {
    return now - entry.lastUpdate > 2 * this.maxMs;
  }

  /** Records a restart at `now` and returns the back-off that applies to the next one. */
  next(key: string, now: number = Date.now()): number {
    const entry = this.entries.get(key);
    if (!entry || this.expired(entry, now)) {
      this.entries.set(key, { durationMs: this.baseMs, lastUpdate: now });
      return this.baseMs;
    }
    entry.durationMs = Math.min(entry.durationMs * 2, this.maxMs);
    entry.lastUpdate = now;
    return entry.durationMs;
  }

  /** The current back-off for `key` (0 when none). */
  get(key: string): number {
    return this.entries.get(key)?.durationMs ?? 0;
  }

  /** Whether a restart must still wait: less than the back-off has passed since `eventTime` (the container's exit). */
  isInBackOffSince(key: string, eventTime: number, now: number = Date.now()): boolean {
    const entry = this.entries.get(key);
    if (!entry || this.expired(entry, now)) return false;
    return now - eventTime < entry.durationMs;
  }

  /** When the back-off started at `eventTime` ends (ms epoch); `now` when not backing off. */
  retryAt(key: string, eventTime: number, now: number = Date.now()): number {
    const entry = this.entries.get(key);
    if (!entry || this.expired(entry, now)) return now;
    return Math.max(now, eventTime + entry.durationMs);
  }

  /** Forgets keys with the given prefix (a pod that is gone). */
  forgetPrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}
