// serviceaccounts/token: a TokenRequest for a service account, answered with a
// signed token (upstream pkg/registry/core/serviceaccount/storage/token.go).
import type { ApiObject } from '../../api/kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { badRequest, conflict, invalid } from '../../machinery/status.js';
import { formatTime } from '../../machinery/time.js';
import type { BoundObject } from '../../pki/index.js';
import type { HandlerInput } from '../handlers.js';
import { readObject } from '../handlers.js';
import { sendJson } from '../http.js';
import type { ActionSubresource } from './action.js';

const defaultExpirationSeconds = 3600;
const boundPlurals: Record<string, string> = { Pod: 'pods', Secret: 'secrets', Node: 'nodes' };

interface TokenRequestSpec {
  audiences?: string[];
  expirationSeconds?: number;
  boundObjectRef?: { kind?: string; apiVersion?: string; name?: string; uid?: string } | null;
}

export const serviceAccountToken: ActionSubresource = {
  name: 'token',
  kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' },
  async serve(input: HandlerInput): Promise<void> {
    const { info, resource, authenticator } = input;
    const tokens = authenticator.tokens;
    if (!tokens) throw badRequest('this server does not issue service account tokens');
    const request = await readObject(input);
    const spec = ((request.spec ?? {}) as TokenRequestSpec);
    spec.expirationSeconds ??= defaultExpirationSeconds;
    if (!spec.audiences?.length) spec.audiences = tokens.audiences;
    const errors = validateTokenRequest(spec);
    if (errors.length > 0) throw invalid({ group: 'authentication.k8s.io', kind: 'TokenRequest' }, info.name, errors);
    const sa = await resource.get(info.namespace, info.name);
    const bound = await boundObject(input, spec);
    const { token, expirationTimestamp } = tokens.issue({
      namespace: info.namespace,
      name: info.name,
      uid: sa.metadata?.uid ?? '',
      audiences: spec.audiences,
      expirationSeconds: spec.expirationSeconds,
      bound,
    });
    const answer: ApiObject = {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name: info.name, namespace: info.namespace, creationTimestamp: null },
      spec: { audiences: spec.audiences, expirationSeconds: spec.expirationSeconds, boundObjectRef: spec.boundObjectRef ?? null },
      status: { token, expirationTimestamp: formatTime(expirationTimestamp) },
    };
    sendJson(input.res, 201, answer);
  },
};

function validateTokenRequest(spec: TokenRequestSpec): FieldError[] {
  const path = FieldPath.of('spec', 'expirationSeconds');
  const seconds = spec.expirationSeconds ?? 0;
  if (seconds < 600) return [FieldError.invalid(path, seconds, 'may not specify a duration less than 10 minutes')];
  if (seconds > 2 ** 32) return [FieldError.invalid(path, seconds, 'may not specify a duration larger than 2^32 seconds')];
  const kind = spec.boundObjectRef?.kind;
  if (spec.boundObjectRef && !(kind && kind in boundPlurals)) {
    return [FieldError.notSupported(FieldPath.of('spec', 'boundObjectRef', 'kind'), kind ?? '', Object.keys(boundPlurals))];
  }
  return [];
}

/** The object the token is bound to, which must exist (with the given uid, if any). */
async function boundObject({ info, resources }: HandlerInput, spec: TokenRequestSpec): Promise<BoundObject | undefined> {
  const ref = spec.boundObjectRef;
  if (!ref?.kind || !ref.name) return undefined;
  const plural = boundPlurals[ref.kind];
  const obj = await resources.get('', plural).get(ref.kind === 'Node' ? '' : info.namespace, ref.name);
  const uid = obj.metadata?.uid ?? '';
  if (ref.uid && ref.uid !== uid) {
    throw conflict(
      { group: '', resource: plural },
      ref.name,
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
    );
  }
  return { kind: ref.kind as BoundObject['kind'], name: ref.name, uid };
}
