// The built-in signers (upstream pkg/controller/certificates/signer and
// pkg/apis/certificates helpers): which requests each one signs. A request
// for a signer that breaks its rules fails; legacy-unknown is never signed.
import type { CertificateRequestInfo } from '../../pki/index.js';

export const KUBE_APISERVER_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client';
export const KUBE_APISERVER_CLIENT_KUBELET_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';
export const KUBELET_SERVING_SIGNER = 'kubernetes.io/kubelet-serving';

export const BUILT_IN_SIGNERS = [KUBE_APISERVER_CLIENT_SIGNER, KUBE_APISERVER_CLIENT_KUBELET_SIGNER, KUBELET_SERVING_SIGNER];

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** sets.String.List(): sorted, printed as Go prints a []string with %v. */
const goList = (values: string[]) => `[${[...values].sort().join(' ')}]`;

function checkKubeAPIServerClient(usages: string[]): string | undefined {
  for (const u of usages) {
    if (u !== 'digital signature' && u !== 'key encipherment' && u !== 'client auth') return `invalid usage for client certificate: ${u}`;
  }
  if (!usages.includes('client auth')) return 'missing required usage for client certificate: client auth';
  return undefined;
}

const KUBELET_CLIENT_USAGES = ['digital signature', 'key encipherment', 'client auth'];

function checkKubeletClient(req: CertificateRequestInfo, usages: string[]): string | undefined {
  if (!sameSet(req.organizations, ['system:nodes'])) return 'subject organization is not system:nodes';
  if (req.dnsNames.length > 0) return 'DNS subjectAltNames are not allowed';
  if (req.emails.length > 0) return 'Email subjectAltNames are not allowed';
  if (req.ips.length > 0) return 'IP subjectAltNames are not allowed';
  if (req.uris.length > 0) return 'URI subjectAltNames are not allowed';
  if (!req.commonName.startsWith('system:node:')) return 'subject common name does not begin with system:node:';
  if (!sameSet(usages, KUBELET_CLIENT_USAGES) && !sameSet(usages, ['digital signature', 'client auth'])) return `usages did not match ${goList(KUBELET_CLIENT_USAGES)}`;
  return undefined;
}

const KUBELET_SERVING_USAGES = ['digital signature', 'key encipherment', 'server auth'];

function checkKubeletServing(req: CertificateRequestInfo, usages: string[]): string | undefined {
  if (req.organizations.length !== 1 || req.organizations[0] !== 'system:nodes') return 'subject organization is not system:nodes';
  if (req.dnsNames.length === 0 && req.ips.length === 0) return 'DNS or IP subjectAltName is required';
  if (req.emails.length > 0) return 'Email subjectAltNames are not allowed';
  if (req.uris.length > 0) return 'URI subjectAltNames are not allowed';
  if (!sameSet(usages, KUBELET_SERVING_USAGES) && !sameSet(usages, ['digital signature', 'server auth'])) return `usages did not match ${goList(KUBELET_SERVING_USAGES)}`;
  if (!req.commonName.startsWith('system:node:')) return 'subject common name does not begin with system:node:';
  return undefined;
}

/** Why `signerName` refuses the request (the Failed condition's message), or undefined when it signs it. */
export function signerRefusal(signerName: string, req: CertificateRequestInfo, usages: string[]): string | undefined {
  switch (signerName) {
    case KUBE_APISERVER_CLIENT_SIGNER:
      return checkKubeAPIServerClient(usages);
    case KUBE_APISERVER_CLIENT_KUBELET_SIGNER:
      return checkKubeletClient(req, usages);
    case KUBELET_SERVING_SIGNER:
      return checkKubeletServing(req, usages);
  }
  throw new Error(`${signerName} is not a built-in signer`);
}

/** --cluster-signing-duration's default: a year. */
export const DEFAULT_CLUSTER_SIGNING_DURATION_MS = 365 * 24 * 3_600_000;
const MIN_DURATION_MS = 10 * 60_000;

/** How long a certificate lives: the request's expirationSeconds, within [10 minutes, the signing duration]. */
export function certificateDuration(signingDurationMs: number, expirationSeconds: number | undefined): number {
  if (expirationSeconds === undefined) return signingDurationMs;
  return Math.max(MIN_DURATION_MS, Math.min(signingDurationMs, expirationSeconds * 1000));
}
