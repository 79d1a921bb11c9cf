// Protobuf field tables for k8s.io/api/rbac/v1, as kubectl 1.33 encodes them. Notation: ./notation.ts.
import type { ProtoPackage } from './notation.js';

export const rbacV1: ProtoPackage = {
  name: 'rbac.v1',
  groupVersion: 'rbac.authorization.k8s.io/v1',
  kinds: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  messages: {
    Role: 'metadata=1:meta.v1.ObjectMeta rules=2:[PolicyRule]!',
    PolicyRule: `
      verbs=1:[string]! apiGroups=2:[string] resources=3:[string] resourceNames=4:[string]
      nonResourceURLs=5:[string]
    `,
    ClusterRole: 'metadata=1:meta.v1.ObjectMeta rules=2:[PolicyRule]! aggregationRule=3:AggregationRule?',
    AggregationRule: 'clusterRoleSelectors=1:[meta.v1.LabelSelector]',
    RoleBinding: 'metadata=1:meta.v1.ObjectMeta subjects=2:[Subject] roleRef=3:RoleRef',
    Subject: 'kind=1:string! apiGroup=2:string name=3:string! namespace=4:string',
    RoleRef: 'apiGroup=1:string! kind=2:string! name=3:string!',
    ClusterRoleBinding: 'metadata=1:meta.v1.ObjectMeta subjects=2:[Subject] roleRef=3:RoleRef',
  },
};
