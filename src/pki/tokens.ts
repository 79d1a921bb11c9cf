import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { join } from 'node:path';
import { SECRET_FILE_MODE, readFileIfExists, writeFileAtomic } from './files.js';

/**
 * A cluster join token, in k3s's "secure" format `K10<sha256(ca.crt)>::<username>:<password>`.
 * The CA hash lets a joining agent pin the server's CA before trusting it; a bare
 * password (k3s's short format) is accepted too.
 */
export interface JoinToken {
  /** Hex SHA-256 of the CA certificate PEM bytes, when the token carries it. */
  caHash?: string;
  username: string;
  password: string;
}

const PREFIX = 'K10';
const DEFAULT_USERNAME = 'server';

/** Hex SHA-256 of the CA bundle as served (the PEM bytes), as k3s computes it. */
export function caCertHash(caCertPem: string): string {
  return createHash('sha256').update(caCertPem).digest('hex');
}

/** Parses a secure (`K10…::user:pass`) or short (bare password) join token. */
export function parseJoinToken(token: string): JoinToken {
  const trimmed = token.trim();
  if (trimmed === '') throw new Error('join token is empty');
  if (!trimmed.startsWith(PREFIX) || !trimmed.includes('::')) {
    return { username: DEFAULT_USERNAME, password: trimmed };
  }
  const [hashPart, credentials] = splitOnce(trimmed.slice(PREFIX.length), '::');
  const [username, password] = credentials.includes(':') ? splitOnce(credentials, ':') : [DEFAULT_USERNAME, credentials];
  if (!/^[0-9a-f]{64}$/i.test(hashPart)) throw new Error('join token has an invalid CA hash');
  if (password === '') throw new Error('join token has an empty password');
  return { caHash: hashPart.toLowerCase(), username, password };
}

/** Formats a join token in the secure format. */
export function formatJoinToken(token: JoinToken): string {
  if (!token.caHash) return token.password;
  return `${PREFIX}${token.caHash}::${token.username}:${token.password}`;
}

/** Whether a token's CA hash (if any) matches the given CA certificate. */
export function joinTokenMatchesCa(token: string, caCertPem: string): boolean {
  const { caHash } = parseJoinToken(token);
  return caHash === undefined || caHash === caCertHash(caCertPem);
}

/** Whether a presented token carries the same credentials as the cluster's token. */
export function joinTokenCredentialsEqual(presented: string, expected: string): boolean {
  const a = parseJoinToken(presented);
  const b = parseJoinToken(expected);
  const left = Buffer.from(`${a.username}:${a.password}`);
  const right = Buffer.from(`${b.username}:${b.password}`);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Path of the join token file in a data dir. */
export function joinTokenPath(dataDir: string): string {
  return join(dataDir, 'token');
}

/**
 * Returns the cluster join token stored in `<dataDir>/token`, creating it on first
 * start. A `requested` token (from `--token`) is adopted: a bare password is
 * upgraded to the secure format bound to this CA and written to the file.
 */
export async function ensureJoinToken(dataDir: string, caCertPem: string, requested?: string): Promise<string> {
  const path = joinTokenPath(dataDir);
  const stored = (await readFileIfExists(path))?.trim();
  const source = requested?.trim() || stored;
  const password = source ? parseJoinToken(source).password : randomBytes(16).toString('hex');
  const username = source ? parseJoinToken(source).username : DEFAULT_USERNAME;
  const token = formatJoinToken({ caHash: caCertHash(caCertPem), username, password });
  if (requested && !joinTokenMatchesCa(requested, caCertPem)) {
    throw new Error('the requested token was issued for a different cluster CA');
  }
  if (token !== stored) await writeFileAtomic(path, `${token}\n`, SECRET_FILE_MODE);
  return token;
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, ''] : [text.slice(0, at), text.slice(at + separator.length)];
}
