// Service account issuer discovery (upstream's ServiceAccountIssuerDiscovery): the OpenID Connect
// discovery document and the key set that verify the service account tokens this server signs, so that
// relying parties outside the cluster can check a pod's token against the issuer.
import type { ServerResponse } from 'node:http';
import type { ServiceAccountTokens } from '../pki/index.js';

export const OPENID_CONFIGURATION_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/openid/v1/jwks';

/** Sends the discovery document or the key set for `path`; false when `path` is neither. */
export function serveIssuerDiscovery(res: ServerResponse, path: string, tokens: ServiceAccountTokens, externalAddress: string): boolean {
  if (path === OPENID_CONFIGURATION_PATH) {
    send(res, 'application/json', {
      issuer: tokens.issuer,
      jwks_uri: `https://${externalAddress}${JWKS_PATH}`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [tokens.algorithm],
    });
    return true;
  }
  if (path === JWKS_PATH) {
    send(res, 'application/jwk-set+json', { keys: [tokens.publicJwk()] });
    return true;
  }
  return false;
}

function send(res: ServerResponse, contentType: string, body: object): void {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'public, max-age=3600' });
  res.end(text);
}
