// Protobuf field tables for k8s.io/api/authentication/v1, as kubectl 1.33 encodes them. Notation: ./notation.ts.
import type { ProtoPackage } from './notation.js';

export const authenticationV1: ProtoPackage = {
  name: 'authentication.v1',
  groupVersion: 'authentication.k8s.io/v1',
  kinds: ['SelfSubjectReview', 'TokenRequest'],
  messages: {
    SelfSubjectReview: 'metadata=1:meta.v1.ObjectMeta status=2:SelfSubjectReviewStatus',
    SelfSubjectReviewStatus: 'userInfo=1:UserInfo',
    UserInfo: 'username=1:string uid=2:string groups=3:[string] extra=4:{string:StringList}',
    TokenRequest: 'metadata=1:meta.v1.ObjectMeta spec=2:TokenRequestSpec status=3:TokenRequestStatus',
    TokenRequestSpec: `
      audiences=1:[string]! boundObjectRef=3:BoundObjectReference? expirationSeconds=4:int64?
    `,
    BoundObjectReference: 'kind=1:string apiVersion=2:string name=3:string uid=4:string',
    TokenRequestStatus: 'token=1:string! expirationTimestamp=2:Time',
  },
};
