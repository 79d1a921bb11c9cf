// The bytes read from a connection and not yet parsed into frames: chunks as
// they came, copied only when a frame spans two of them (concatenating every
// chunk onto the rest makes a large frame cost its size squared).
import { endianness } from 'node:os';

export class ByteQueue {
  private chunks: Buffer[] = [];
  private head = 0;
  length = 0;

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The first `n` bytes (n <= length), left in the queue. */
  peek(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[this.head];
    if (first.length >= n) return first;
    return this.gather(n, false);
  }

  /** Removes and returns the first `n` bytes (n <= length). */
  take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[this.head];
    if (first.length > n) {
      this.chunks[this.head] = first.subarray(n);
      this.length -= n;
      return first.subarray(0, n);
    }
    if (first.length === n) {
      this.shift();
      this.length -= n;
      return first;
    }
    return this.gather(n, true);
  }

  private shift(): void {
    this.head++;
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head > 64) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  private gather(n: number, consume: boolean): Buffer {
    const out = Buffer.allocUnsafe(n);
    let copied = 0;
    let i = this.head;
    while (copied < n) {
      const c = this.chunks[i];
      const want = Math.min(c.length, n - copied);
      c.copy(out, copied, 0, want);
      copied += want;
      if (!consume) {
        i++;
        continue;
      }
      if (want === c.length) this.shift();
      else this.chunks[this.head] = c.subarray(want);
      i = this.head;
    }
    if (consume) this.length -= n;
    return out;
  }
}

const littleEndian = endianness() === 'LE';

/** XORs `data` in place with the 4-byte WebSocket mask (RFC 6455 5.3), a word at a time where it can. */
export function applyMask(data: Buffer, mask: Buffer): void {
  const len = data.length;
  let i = 0;
  if (littleEndian && len >= 32) {
    // Bytes up to a 4-byte boundary one by one, then whole words with the mask rotated to match.
    for (; (data.byteOffset + i) % 4 !== 0; i++) data[i] ^= mask[i & 3];
    const words = new Uint32Array(data.buffer, data.byteOffset + i, (len - i) >>> 2);
    const m = mask[i & 3] | (mask[(i + 1) & 3] << 8) | (mask[(i + 2) & 3] << 16) | (mask[(i + 3) & 3] << 24);
    for (let w = 0; w < words.length; w++) words[w] ^= m;
    i += words.length * 4;
  }
  for (; i < len; i++) data[i] ^= mask[i & 3];
}
