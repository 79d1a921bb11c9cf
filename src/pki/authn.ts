import type { TLSSocket } from 'node:tls';

/** The user a verified client certificate identifies: CN is the name, each O a group. */
export interface CertificateUser {
  username: string;
  groups: string[];
}

const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';

/**
 * The Kubernetes x509 authenticator for a TLS connection accepted with
 * `requestCert: true, rejectUnauthorized: false` and the cluster CA as `ca`.
 * Returns undefined when no client certificate was presented, or it did not verify
 * against the CA, or it is not for client authentication — the request is then
 * anonymous (or left to the next authenticator) and an unauthenticated request
 * gets 401 Unauthorized.
 */
export function userFromClientCertificate(socket: TLSSocket): CertificateUser | undefined {
  if (!socket.authorized) return undefined;
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0 || !cert.subject) return undefined;
  const usages = cert.ext_key_usage;
  if (usages && usages.length > 0 && !usages.includes(CLIENT_AUTH)) return undefined;
  const username = valuesOf(cert.subject.CN)[0];
  if (!username) return undefined;
  return { username, groups: valuesOf(cert.subject.O) };
}

/** Node reports a multi-valued subject attribute as an array, a single one as a string. */
function valuesOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}
