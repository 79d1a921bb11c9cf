// ustar archives, the two directions kubectl cp needs: a simulated `tar cf -`
// writes one, `tar xf -` reads one (regular files and directories only).

export interface TarEntry {
  name: string;
  type: 'file' | 'dir';
  data: Buffer;
}

const BLOCK = 512;

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

function header(entry: TarEntry): Buffer {
  const h = Buffer.alloc(BLOCK);
  const name = entry.type === 'dir' && !entry.name.endsWith('/') ? `${entry.name}/` : entry.name;
  const nameBytes = Buffer.from(name);
  if (nameBytes.length > 100) {
    // Long names: the ustar prefix field holds the directory part.
    const cut = name.lastIndexOf('/', name.length - 2 - Math.max(0, nameBytes.length - 101));
    h.write(name.slice(cut + 1), 0, 100);
    h.write(name.slice(0, cut), 345, 155);
  } else {
    h.write(name, 0, 100);
  }
  h.write(octal(entry.type === 'dir' ? 0o755 : 0o644, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(entry.type === 'dir' ? 0 : entry.data.length, 12), 124);
  h.write(octal(Math.floor(Date.now() / 1000), 12), 136);
  h.write('        ', 148);
  h.write(entry.type === 'dir' ? '5' : '0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write('root', 265);
  h.write('root', 297);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148);
  return h;
}

export function createTar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e));
    if (e.type === 'file') {
      parts.push(e.data);
      const pad = (BLOCK - (e.data.length % BLOCK)) % BLOCK;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

function field(h: Buffer, offset: number, length: number): string {
  const raw = h.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

export function extractTar(archive: Buffer): TarEntry[] {
  const out: TarEntry[] = [];
  let longName: string | undefined;
  for (let off = 0; off + BLOCK <= archive.length; ) {
    const h = archive.subarray(off, off + BLOCK);
    if (h.every((b) => b === 0)) break;
    const size = parseInt(field(h, 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(h[156] || 48);
    const prefix = field(h, 345, 155);
    let name = longName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
    longName = undefined;
    const data = Buffer.from(archive.subarray(off + BLOCK, off + BLOCK + size));
    off += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') {
      longName = data.toString('utf8').replace(/\0+$/, '');
      continue;
    }
    name = name.replace(/^\.\//, '');
    if (type === '5') out.push({ name: name.replace(/\/$/, ''), type: 'dir', data: Buffer.alloc(0) });
    else if (type === '0' || type === '\0') out.push({ name, type: 'file', data });
  }
  return out;
}
