// What a request asks for, read off its method and path as upstream's
// RequestInfoFactory does: /api/v1/namespaces/ns/pods/name/status.

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceRequest {
  isResourceRequest: true;
  verb: Verb;
  /** `api` or `apis`. */
  apiPrefix: string;
  group: string;
  version: string;
  namespace: string;
  resource: string;
  name: string;
  subresource: string;
  path: string;
}

export interface NonResourceRequest {
  isResourceRequest: false;
  verb: string;
  path: string;
}

export type RequestInfo = ResourceRequest | NonResourceRequest;

/** Subresources of a namespace that are not resources inside it. */
const namespaceSubresources = new Set(['status', 'finalize']);

export function requestInfo(method: string, url: URL): RequestInfo {
  const path = url.pathname;
  const parts = path.split('/').filter((p) => p !== '').map(decodeURIComponent);
  const nonResource: NonResourceRequest = { isResourceRequest: false, verb: method.toLowerCase(), path };
  if (parts[0] !== 'api' && parts[0] !== 'apis') return nonResource;
  const apiPrefix = parts[0];
  let rest = parts.slice(1);
  let group = '';
  if (apiPrefix === 'apis') {
    if (rest.length < 2) return nonResource;
    group = rest[0];
    rest = rest.slice(1);
  }
  if (rest.length < 2) return nonResource;
  const version = rest[0];
  rest = rest.slice(1);

  let legacyWatch = false;
  if (rest[0] === 'watch') {
    legacyWatch = true;
    rest = rest.slice(1);
  }
  let namespace = '';
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !namespaceSubresources.has(rest[2])) rest = rest.slice(2);
  }
  const [resource = '', name = '', subresource = ''] = rest;
  // The proxy subresource carries a path of its own: .../pods/web/proxy/some/path.
  if ((rest.length > 3 && subresource !== 'proxy') || resource === '') return nonResource;
  if (resource === 'namespaces' && rest.length <= 3 && namespace !== '' && name === namespace) namespace = '';
  const watchParam = url.searchParams.get('watch');
  const watching = legacyWatch || watchParam === 'true' || watchParam === '1';
  return {
    isResourceRequest: true,
    verb: verbOf(method, name !== '', watching),
    apiPrefix,
    group,
    version,
    namespace,
    resource,
    name,
    subresource,
    path,
  };
}

function verbOf(method: string, named: boolean, watching: boolean): Verb {
  switch (method) {
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return named ? 'delete' : 'deletecollection';
    default:
      if (watching) return 'watch';
      return named ? 'get' : 'list';
  }
}
