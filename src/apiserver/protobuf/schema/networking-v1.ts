// Protobuf field tables for k8s.io/api/networking/v1, as kubectl 1.33 encodes them. Notation: ./notation.ts.
import type { ProtoPackage } from './notation.js';

export const networkingV1: ProtoPackage = {
  name: 'networking.v1',
  groupVersion: 'networking.k8s.io/v1',
  kinds: ['Ingress'],
  messages: {
    Ingress: 'metadata=1:meta.v1.ObjectMeta spec=2:IngressSpec status=3:IngressStatus',
    IngressSpec: `
      defaultBackend=1:IngressBackend? tls=2:[IngressTLS] rules=3:[IngressRule]
      ingressClassName=4:string?
    `,
    IngressBackend: 'resource=3:core.v1.TypedLocalObjectReference? service=4:IngressServiceBackend?',
    IngressServiceBackend: 'name=1:string! port=2:ServiceBackendPort',
    ServiceBackendPort: 'name=1:string number=2:int32',
    IngressTLS: 'hosts=1:[string] secretName=2:string',
    IngressRule: 'host=1:string ...=2:IngressRuleValue',
    IngressRuleValue: 'http=1:HTTPIngressRuleValue?',
    HTTPIngressRuleValue: 'paths=1:[HTTPIngressPath]!',
    HTTPIngressPath: 'path=1:string backend=2:IngressBackend pathType=3:string?',
    IngressStatus: 'loadBalancer=1:IngressLoadBalancerStatus',
    IngressLoadBalancerStatus: 'ingress=1:[IngressLoadBalancerIngress]',
    IngressLoadBalancerIngress: 'ip=1:string hostname=2:string ports=4:[IngressPortStatus]',
    IngressPortStatus: 'port=1:int32! protocol=2:string! error=3:string?',
  },
};
