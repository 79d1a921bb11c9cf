// Public API of src/pki: the cluster's CA, certificates, join token and kubeconfigs.
export {
  ensureClusterPki,
  clusterPkiPaths,
  apiServerSubjectAlternativeNames,
  hostAddresses,
  writeAdminKubeconfig,
  ADMIN_USER,
  ADMIN_GROUP,
  type ClusterPki,
  type ClusterPkiOptions,
  type ClusterPkiPaths,
} from './cluster.js';
export { createCertificateAuthority, loadOrCreateCertificateAuthority, CA_VALIDITY_DAYS } from './ca.js';
export {
  issueClientCertificate,
  issueServingCertificate,
  subjectAlternativeNames,
  missingSubjectAlternativeNames,
  isUsableCertificate,
  certificateSubject,
  canonicalIP,
  type CertificateAndKey,
  type CertificateAuthority,
  type ClientCertificateRequest,
  type ServingCertificateRequest,
  type SubjectAlternativeNames,
} from './certs.js';
export {
  buildKubeconfig,
  serializeKubeconfig,
  writeKubeconfig,
  parseKubeconfig,
  readKubeconfig,
  resolveKubeconfig,
  loadKubeconfig,
  type Kubeconfig,
  type KubeconfigCredentials,
  type ResolvedKubeconfig,
} from './kubeconfig.js';
export {
  ensureJoinToken,
  parseJoinToken,
  formatJoinToken,
  caCertHash,
  joinTokenMatchesCa,
  joinTokenCredentialsEqual,
  type JoinToken,
} from './tokens.js';
export { userFromClientCertificate, type CertificateUser } from './authn.js';
export { DEFAULT_ISSUER, ServiceAccountTokens, ensureServiceAccountKey, type BoundObject, type TokenSubject, type VerifiedToken } from './service-account-tokens.js';
export { parseCertificateRequest, createCertificateRequest, signCertificateRequest, type CertificateRequestInfo, type NewCertificateRequest } from './csr.js';
