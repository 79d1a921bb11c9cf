// Writing a set of files into a volume so a reader never sees half an update
// (upstream's AtomicWriter, the contract of configMap, secret, downwardAPI and
// projected volumes): the files live in a timestamped directory `..<date>`;
// `..data` is a symlink to it, replaced by rename(2); each user-visible name
// is a symlink through `..data`. An update writes a new timestamped
// directory, swaps `..data` in one step, then removes what is stale.
import { randomInt } from 'node:crypto';
import { chmod, lstat, mkdir, readdir, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';

/** One file of a volume: its content and permission bits. */
export interface FileProjection {
  data: Buffer;
  mode: number;
}

/** Relative path → file. */
export type Payload = Map<string, FileProjection>;

export const DATA_DIR_NAME = '..data';
const DATA_DIR_TMP_NAME = '..data_tmp';

/** Upstream's checks on a payload path: relative, no `..` element, not starting with `..`. */
export function validatePayloadPath(path: string): string | undefined {
  if (path === '') return 'invalid path: must not be empty';
  if (path.startsWith('/')) return `invalid path: must be relative path: ${path}`;
  if (path.length > 4096) return `invalid path: must be less than or equal to 4096 characters`;
  if (path.split('/').includes('..')) return `invalid path: must not contain '..': ${path}`;
  if (path.startsWith('..')) return `invalid path: must not start with '..': ${path}`;
  return undefined;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** `..2006_01_02_15_04_05.<random>` as Go's os.MkdirTemp names it. */
function timestampDirName(now = new Date()): string {
  const d = now;
  const stamp = `${d.getUTCFullYear()}_${pad(d.getUTCMonth() + 1)}_${pad(d.getUTCDate())}_${pad(d.getUTCHours())}_${pad(d.getUTCMinutes())}_${pad(d.getUTCSeconds())}`;
  return `..${stamp}.${randomInt(1_000_000_000, 4_294_967_295)}`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Files under dir, as relative paths with their content and mode. */
async function readTree(dir: string, prefix = ''): Promise<Payload> {
  const out: Payload = new Map();
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      for (const [k, v] of await readTree(dir, rel)) out.set(k, v);
    } else {
      const path = join(dir, rel);
      out.set(rel, { data: await readFile(path), mode: (await lstat(path)).mode & 0o7777 });
    }
  }
  return out;
}

function samePayload(a: Payload, b: Payload): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w || w.mode !== v.mode || !w.data.equals(v.data)) return false;
  }
  return true;
}

function topLevel(payload: Payload): Set<string> {
  return new Set([...payload.keys()].map((p) => p.split('/')[0]));
}

/**
 * Makes targetDir hold exactly `payload`; returns whether anything changed.
 * Throws on an invalid path before touching anything.
 */
export async function writePayload(targetDir: string, payload: Payload): Promise<boolean> {
  for (const path of payload.keys()) {
    const problem = validatePayloadPath(path);
    if (problem) throw new Error(problem);
  }
  const dataLink = join(targetDir, DATA_DIR_NAME);
  let oldTsName: string | undefined;
  try {
    oldTsName = await readlink(dataLink);
  } catch {
    oldTsName = undefined;
  }
  const wanted = topLevel(payload);
  const visible = (await readdir(targetDir)).filter((n) => !n.startsWith('..'));
  const stale = visible.filter((n) => !wanted.has(n));
  if (oldTsName && stale.length === 0 && (await exists(join(targetDir, oldTsName)))) {
    const current = await readTree(join(targetDir, oldTsName));
    const linksPresent = await Promise.all([...wanted].map((n) => exists(join(targetDir, n))));
    if (samePayload(current, payload) && linksPresent.every(Boolean)) return false;
  }

  const tsName = timestampDirName();
  const tsDir = join(targetDir, tsName);
  await mkdir(tsDir, { mode: 0o755 });
  await chmod(tsDir, 0o755);
  for (const [path, file] of payload) {
    const full = join(tsDir, ...path.split('/'));
    await mkdir(dirname(full), { recursive: true, mode: 0o755 });
    await writeFile(full, file.data, { mode: file.mode });
    // writeFile's mode is filtered by the umask; the payload's mode is exact.
    await chmod(full, file.mode);
  }

  const tmpLink = join(targetDir, DATA_DIR_TMP_NAME);
  await rm(tmpLink, { force: true });
  await symlink(tsName, tmpLink);
  await rename(tmpLink, dataLink);

  for (const name of wanted) {
    const link = join(targetDir, name);
    if (!(await exists(link))) await symlink(join(DATA_DIR_NAME, name), link);
  }
  for (const name of stale) await rm(join(targetDir, name), { recursive: true, force: true });
  if (oldTsName && !oldTsName.includes(sep) && oldTsName.startsWith('..') && oldTsName !== tsName) {
    await rm(join(targetDir, oldTsName), { recursive: true, force: true });
  }
  return true;
}
