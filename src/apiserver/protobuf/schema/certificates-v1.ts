// Protobuf field tables for k8s.io/api/certificates/v1, as kubectl 1.33 encodes them. Notation: ./notation.ts.
import type { ProtoPackage } from './notation.js';

export const certificatesV1: ProtoPackage = {
  name: 'certificates.v1',
  groupVersion: 'certificates.k8s.io/v1',
  kinds: ['CertificateSigningRequest'],
  messages: {
    CertificateSigningRequest: `
      metadata=1:meta.v1.ObjectMeta spec=2:CertificateSigningRequestSpec
      status=3:CertificateSigningRequestStatus
    `,
    CertificateSigningRequestSpec: `
      request=1:bytes? username=2:string uid=3:string groups=4:[string] usages=5:[string]
      extra=6:{string:StringList} signerName=7:string! expirationSeconds=8:int32?
    `,
    CertificateSigningRequestStatus: 'conditions=1:[CertificateSigningRequestCondition] certificate=2:bytes?',
    CertificateSigningRequestCondition: `
      type=1:string! reason=2:string message=3:string lastUpdateTime=4:Time lastTransitionTime=5:Time
      status=6:string!
    `,
  },
};
