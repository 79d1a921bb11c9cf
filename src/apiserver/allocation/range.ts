// A store-backed allocator of the numbers of a range (service IPs as 32-bit
// integers, node ports). Each allocation is one key whose value names its
// owner, created with compare-and-swap, so allocations survive restarts and
// several API servers sharing one etcd never hand out the same number.
import { isStoreError, type Store } from '../../storage/store.js';

export type AllocationFailure = 'allocated' | 'notInRange' | 'full';

export class AllocationError extends Error {
  constructor(readonly reason: AllocationFailure, message: string) {
    super(message);
  }
}

export interface RangeOptions {
  /** Storage key prefix, ending in '/'. */
  prefix: string;
  first: number;
  last: number;
  format(value: number): string;
  parse(text: string): number | undefined;
  messages: Record<AllocationFailure, string>;
  /**
   * Dynamic allocations prefer values from this offset on, keeping the lower
   * band for values users ask for (upstream's KEP-3070 bands).
   */
  dynamicOffset?: number;
}

const randomTries = 16;

export class RangeAllocator {
  constructor(
    private readonly store: Store,
    private readonly options: RangeOptions,
  ) {}

  get size(): number {
    return this.options.last - this.options.first + 1;
  }

  contains(value: number): boolean {
    return value >= this.options.first && value <= this.options.last;
  }

  private key(value: number): string {
    return `${this.options.prefix}${this.options.format(value)}`;
  }

  /** Allocates a particular value; allocating again for the same owner succeeds. */
  async allocate(value: number, owner: string): Promise<void> {
    if (!this.contains(value)) throw this.failure('notInRange');
    if (!(await this.tryAllocate(value, owner))) throw this.failure('allocated');
  }

  /** Allocates a free value, preferring the dynamic band. */
  async allocateNext(owner: string): Promise<number> {
    const { first, last } = this.options;
    const bandStart = Math.min(last, first + (this.options.dynamicOffset ?? 0));
    for (const [low, high] of [
      [bandStart, last],
      [first, last],
    ]) {
      for (let i = 0; i < randomTries; i++) {
        const value = low + Math.floor(Math.random() * (high - low + 1));
        if (await this.tryAllocate(value, owner)) return value;
      }
    }
    const taken = new Set((await this.allocations()).keys());
    for (let value = first; value <= last; value++) {
      if (!taken.has(value) && (await this.tryAllocate(value, owner))) return value;
    }
    throw this.failure('full');
  }

  /** Releases a value if this owner holds it. */
  async release(value: number, owner: string): Promise<void> {
    const kv = await this.store.get(this.key(value));
    if (!kv || Buffer.from(kv.value).toString('utf8') !== owner) return;
    try {
      await this.store.delete(this.key(value), kv.modRevision);
    } catch (err) {
      if (!isStoreError(err, 'notFound') && !isStoreError(err, 'conflict')) throw err;
    }
  }

  /** Every allocation and its owner. */
  async allocations(): Promise<Map<number, string>> {
    const out = new Map<number, string>();
    let token: string | undefined;
    do {
      const page = await this.store.list(this.options.prefix, { limit: 1000, continue: token });
      for (const kv of page.items) {
        const value = this.options.parse(kv.key.slice(this.options.prefix.length));
        if (value !== undefined) out.set(value, Buffer.from(kv.value).toString('utf8'));
      }
      token = page.continue;
    } while (token);
    return out;
  }

  private async tryAllocate(value: number, owner: string): Promise<boolean> {
    try {
      await this.store.create(this.key(value), Buffer.from(owner));
      return true;
    } catch (err) {
      if (!isStoreError(err, 'exists')) throw err;
      const kv = await this.store.get(this.key(value));
      return kv !== undefined && Buffer.from(kv.value).toString('utf8') === owner;
    }
  }

  private failure(reason: AllocationFailure): AllocationError {
    return new AllocationError(reason, this.options.messages[reason]);
  }
}
