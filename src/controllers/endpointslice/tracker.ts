// EndpointSliceTracker: remembers the slices this controller wrote so a sync
// never acts on an informer cache that has not caught up with its own writes
// (which would create duplicate slices).
import type { EndpointSlice } from '../endpoints/types.js';

export class EndpointSliceTracker {
  /** service key → slice name → generation written (undefined: deleted). */
  private readonly expected = new Map<string, Map<string, number | undefined>>();

  written(serviceKey: string, slice: EndpointSlice): void {
    this.forService(serviceKey).set(slice.metadata!.name!, slice.metadata?.generation ?? 0);
  }

  deleted(serviceKey: string, slice: EndpointSlice): void {
    this.forService(serviceKey).set(slice.metadata!.name!, undefined);
  }

  /** Whether the cached slices of a Service reflect every write made for it; forgets what they confirm. */
  caughtUp(serviceKey: string, cached: EndpointSlice[]): boolean {
    const expected = this.expected.get(serviceKey);
    if (!expected) return true;
    const byName = new Map(cached.map((s) => [s.metadata?.name ?? '', s]));
    for (const [name, generation] of expected) {
      const slice = byName.get(name);
      const done = generation === undefined ? !slice : !!slice && (slice.metadata?.generation ?? 0) >= generation;
      if (done) expected.delete(name);
    }
    if (expected.size === 0) this.expected.delete(serviceKey);
    return expected.size === 0;
  }

  forget(serviceKey: string): void {
    this.expected.delete(serviceKey);
  }

  private forService(key: string): Map<string, number | undefined> {
    let m = this.expected.get(key);
    if (!m) this.expected.set(key, (m = new Map()));
    return m;
  }
}
