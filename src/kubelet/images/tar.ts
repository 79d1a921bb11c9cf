// A minimal ustar writer: enough for image layers and OCI layout archives
// (directories, regular files, symlinks; names up to 255 bytes).
export interface TarEntry {
  name: string;
  type: 'file' | 'dir' | 'symlink';
  mode?: number;
  data?: Buffer;
  linkname?: string;
  uid?: number;
  gid?: number;
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

function header(e: TarEntry): Buffer {
  const h = Buffer.alloc(512);
  const full = e.type === 'dir' && !e.name.endsWith('/') ? `${e.name}/` : e.name;
  // Long names go to the ustar prefix field, split at a slash.
  const cut = Buffer.byteLength(full) > 100 ? full.indexOf('/', full.length - 101) : -1;
  if (Buffer.byteLength(full) > 100 && (cut < 0 || cut > 155)) throw new Error(`tar: name too long: ${full}`);
  const prefix = cut >= 0 ? full.slice(0, cut) : '';
  const name = cut >= 0 ? full.slice(cut + 1) : full;
  const size = e.type === 'file' ? (e.data?.length ?? 0) : 0;
  h.write(name, 0, 100);
  h.write(octal(e.mode ?? (e.type === 'dir' ? 0o755 : e.type === 'symlink' ? 0o777 : 0o644), 8), 100);
  h.write(octal(e.uid ?? 0, 8), 108);
  h.write(octal(e.gid ?? 0, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(0, 12), 136);
  h.write('        ', 148);
  h.write(e.type === 'dir' ? '5' : e.type === 'symlink' ? '2' : '0', 156);
  if (e.linkname) h.write(e.linkname, 157, 100);
  h.write('ustar\0', 257);
  h.write('00', 263);
  h.write('root', 265);
  h.write('root', 297);
  if (prefix) h.write(prefix, 345, 155);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148);
  return h;
}

/** The archive of the entries, in order, with the two zero blocks at the end. */
export function tar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(header(e));
    if (e.type === 'file' && e.data && e.data.length > 0) {
      parts.push(e.data);
      const pad = (512 - (e.data.length % 512)) % 512;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
