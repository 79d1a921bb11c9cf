import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';

/** File mode of private keys, tokens and kubeconfigs with credentials. */
export const SECRET_FILE_MODE = 0o600;
/** File mode of certificates (public material). */
export const PUBLIC_FILE_MODE = 0o644;

/** Reads a UTF-8 file, or undefined when it does not exist. */
export async function readFileIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Writes a file atomically (temporary file + rename) with the given mode, creating
 * the parent directory (0700) when needed. Readers never see a half-written key.
 */
export async function writeFileAtomic(path: string, data: string, mode: number): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, data, { mode });
  await rename(temporary, path);
}
