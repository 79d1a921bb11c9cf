// Hashes that name things: pod-template-hash and ControllerRevision names.
// Upstream hashes the Go struct dump with FNV-32a; we hash canonical JSON with
// FNV-32a, so names have upstream's shape (and stability) but not its digits.

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function fnv32a(data: Uint8Array, hash = FNV_OFFSET): number {
  let h = hash;
  for (const byte of data) {
    h ^= byte;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h >>> 0;
}

/** JSON with object keys sorted, so equal objects hash equally. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

// rand.SafeEncodeString: no vowels (no words), no 0/1/3 (no confusables).
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

function hashWithCollisionCount(data: Uint8Array, collisionCount: number | undefined): string {
  let h = fnv32a(data);
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}

/** ComputeHash: the pod-template-hash of a template and the Deployment's collisionCount. */
export function computeTemplateHash(template: unknown, collisionCount?: number): string {
  return hashWithCollisionCount(Buffer.from(canonicalJson(template)), collisionCount);
}

/** HashControllerRevision: the hash of a revision's data, suffixing the revision's name. */
export function hashControllerRevision(data: unknown, collisionCount?: number): string {
  return hashWithCollisionCount(Buffer.from(canonicalJson(data)), collisionCount);
}
