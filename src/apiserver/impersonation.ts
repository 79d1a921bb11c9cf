// User impersonation (upstream's WithImpersonation filter): an authenticated caller acts as another user
// through the Impersonate-User, Impersonate-Uid, Impersonate-Group and Impersonate-Extra-<key> headers
// (kubectl --as, --as-uid, --as-group). Every authenticated user may impersonate until RBAC lands.
import type { IncomingMessage } from 'node:http';
import { internalError } from '../machinery/status.js';
import type { UserInfo } from './authn.js';

const AUTHENTICATED = 'system:authenticated';
const UNAUTHENTICATED = 'system:unauthenticated';
const ANONYMOUS = 'system:anonymous';
const EXTRA_PREFIX = 'impersonate-extra-';
const SERVICE_ACCOUNT = /^system:serviceaccount:([^:]+):([^:]+)$/;

/** The user the request acts as: `user` itself, or whom its Impersonate-* headers name. */
export function impersonatedUser(req: IncomingMessage, user: UserInfo): UserInfo {
  if (!hasImpersonateHeader(req.rawHeaders)) return user;
  const headers = req.headersDistinct;
  const username = headers['impersonate-user']?.[0];
  const uid = headers['impersonate-uid']?.[0];
  const groups = headers['impersonate-group'] ?? [];
  const extra: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(headers)) {
    if (name.startsWith(EXTRA_PREFIX) && values) extra[decodeURIComponent(name.slice(EXTRA_PREFIX.length)).toLowerCase()] = values;
  }
  const others = [...(groups.length ? ['Impersonate-Group'] : []), ...(Object.keys(extra).length ? ['Impersonate-Extra'] : []), ...(uid !== undefined ? ['Impersonate-Uid'] : [])];
  if (username === undefined) {
    if (others.length) throw internalError(`requested ${others.join(', ')} without impersonating a user`);
    return user;
  }
  return {
    username,
    ...(uid ? { uid } : {}),
    groups: withAllGroup(username, groups.length ? groups : serviceAccountGroups(username)),
    ...(Object.keys(extra).length ? { extra } : {}),
  };
}

/** Whether any header starts with Impersonate- (most requests have none: skip building the header map). */
function hasImpersonateHeader(rawHeaders: string[]): boolean {
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length > 12 && name.slice(0, 12).toLowerCase() === 'impersonate-') return true;
  }
  return false;
}

/** A service account impersonated without groups gets the groups its tokens would give it. */
function serviceAccountGroups(username: string): string[] {
  const sa = SERVICE_ACCOUNT.exec(username);
  return sa ? ['system:serviceaccounts', `system:serviceaccounts:${sa[1]}`] : [];
}

/** system:authenticated (system:unauthenticated for anonymous) joins the groups unless either is named. */
function withAllGroup(username: string, groups: string[]): string[] {
  if (groups.includes(AUTHENTICATED) || groups.includes(UNAUTHENTICATED)) return groups;
  return [...groups, username === ANONYMOUS ? UNAUTHENTICATED : AUTHENTICATED];
}
