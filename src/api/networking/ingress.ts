// Ingress (networking.k8s.io/v1): upstream pkg/registry/networking/ingress and
// pkg/apis/networking/validation. pathType has no default in v1: it is required.
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { isDNS1123Subdomain, isValidPortName, isValidPortNum, nameIsDNS1035Label, nameIsDNSSubdomain, validatePathSegmentName } from '../../machinery/validation.js';
import { ageCell, ageColumn, column, nameColumn } from '../core/printers.js';
import { invalidRendered, isMap, listOf, mapOf, mapsOf, numberOf, stringOf, type JsonMap } from '../core/util.js';
import { statusWrites } from '../workloads-common.js';
import { ipFamily } from './ip.js';
import { wildcardDNS1123SubdomainErrors } from './names.js';

const SPEC = FieldPath.of('spec');
const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];
export const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

const invalidMessages = (path: FieldPath, value: string, msgs: string[]) => msgs.map((msg) => FieldError.invalid(path, value, msg));

/** A TypedLocalObjectReference (resource backends, IngressClass parameters). */
export function validateTypedLocalObjectReference(ref: JsonMap, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (ref.apiGroup !== undefined && ref.apiGroup !== null) {
    errs.push(...invalidMessages(path.child('apiGroup'), stringOf(ref.apiGroup), isDNS1123Subdomain(stringOf(ref.apiGroup))));
  }
  for (const key of ['kind', 'name'] as const) {
    const value = stringOf(ref[key]);
    if (value === '') errs.push(FieldError.required(path.child(key), `${key} is required`));
    else errs.push(...invalidMessages(path.child(key), value, validatePathSegmentName(value, false)));
  }
  return errs;
}

function validateServiceBackend(backend: JsonMap, path: FieldPath): FieldError[] {
  const service = mapOf(backend.service);
  const name = stringOf(service.name);
  const namePath = path.child('service', 'name');
  const errs = name === '' ? [FieldError.required(namePath, '')] : invalidMessages(namePath, name, nameIsDNS1035Label(name, false));
  const port = mapOf(service.port);
  const portName = stringOf(port.name);
  const portNumber = numberOf(port.number) ?? 0;
  if (portName && portNumber) errs.push(FieldError.invalid(path, '', 'cannot set both port name & port number'));
  else if (portName) errs.push(...invalidMessages(path.child('service', 'port', 'name'), portName, isValidPortName(portName)));
  else if (portNumber) errs.push(...isValidPortNum(portNumber).map((msg) => FieldError.invalid(path.child('service', 'port', 'number'), portNumber, msg)));
  else errs.push(FieldError.required(path, 'port name or number is required'));
  return errs;
}

/** validateIngressBackend. */
export function validateIngressBackend(backend: JsonMap, path: FieldPath): FieldError[] {
  const hasResource = isMap(backend.resource);
  const hasService = isMap(backend.service);
  if (hasResource && hasService) return [FieldError.invalid(path, '', 'cannot set both resource and service backends')];
  if (hasResource) return validateTypedLocalObjectReference(mapOf(backend.resource), path.child('resource'));
  if (hasService) return validateServiceBackend(backend, path);
  return [FieldError.invalid(path, '', 'resource or service backend is required')];
}

function validatePathValue(pathType: string, value: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (pathType === 'ImplementationSpecific') {
    if (value.length > 0 && !value.startsWith('/')) errs.push(FieldError.invalid(path, value, 'must be an absolute path'));
    return errs;
  }
  if (!value.startsWith('/')) errs.push(FieldError.invalid(path, value, 'must be an absolute path'));
  for (const seq of INVALID_PATH_SEQUENCES) if (value.includes(seq)) errs.push(FieldError.invalid(path, value, `must not contain '${seq}'`));
  for (const suffix of INVALID_PATH_SUFFIXES) if (value.endsWith(suffix)) errs.push(FieldError.invalid(path, value, `cannot end with '${suffix}'`));
  return errs;
}

function validateHTTPIngressPath(httpPath: JsonMap, path: FieldPath): FieldError[] {
  if (httpPath.pathType === undefined || httpPath.pathType === null) return [FieldError.required(path.child('pathType'), 'pathType must be specified')];
  const pathType = stringOf(httpPath.pathType);
  const errs = PATH_TYPES.includes(pathType)
    ? validatePathValue(pathType, stringOf(httpPath.path), path.child('path'))
    : [FieldError.notSupported(path.child('pathType'), pathType, PATH_TYPES)];
  errs.push(...validateIngressBackend(mapOf(httpPath.backend), path.child('backend')));
  return errs;
}

function validateHost(host: string, path: FieldPath): FieldError[] {
  const errs = ipFamily(host) ? [FieldError.invalid(path, host, 'must be a DNS name, not an IP address')] : [];
  const msgs = host.includes('*') ? wildcardDNS1123SubdomainErrors(host) : isDNS1123Subdomain(host);
  return errs.concat(invalidMessages(path, host, msgs));
}

function validateRule(rule: JsonMap, path: FieldPath): FieldError[] {
  const host = stringOf(rule.host);
  const errs = host ? validateHost(host, path.child('host')) : [];
  if (!isMap(rule.http)) return errs;
  const paths = mapsOf(rule.http.paths);
  if (paths.length === 0) errs.push(FieldError.required(path.child('http', 'paths'), ''));
  paths.forEach((p, i) => errs.push(...validateHTTPIngressPath(p, path.child('http', 'paths').index(i))));
  return errs;
}

function validateTLS(tls: JsonMap[], path: FieldPath): FieldError[] {
  return tls.flatMap((entry, i) => {
    const errs = listOf(entry.hosts).flatMap((h, j) => {
      const host = stringOf(h);
      const msgs = host.includes('*') ? wildcardDNS1123SubdomainErrors(host) : isDNS1123Subdomain(host);
      return invalidMessages(path.index(i).child('hosts').index(j), host, msgs);
    });
    const secretName = stringOf(entry.secretName);
    if (secretName) errs.push(...invalidMessages(path.index(i).child('secretName'), secretName, nameIsDNSSubdomain(secretName, false)));
    return errs;
  });
}

function goRules(rules: unknown): string {
  return Array.isArray(rules) ? '[]networking.IngressRule{}' : '[]networking.IngressRule(nil)';
}

/** ValidateIngressSpec. */
export function validateIngressSpec(spec: JsonMap, path: FieldPath): FieldError[] {
  const rules = mapsOf(spec.rules);
  const errs: FieldError[] = [];
  if (rules.length === 0 && !isMap(spec.defaultBackend)) errs.push(invalidRendered(path, goRules(spec.rules), 'either `defaultBackend` or `rules` must be specified'));
  if (isMap(spec.defaultBackend)) errs.push(...validateIngressBackend(spec.defaultBackend, path.child('defaultBackend')));
  rules.forEach((rule, i) => errs.push(...validateRule(rule, path.child('rules').index(i))));
  errs.push(...validateTLS(mapsOf(spec.tls), path.child('tls')));
  if (typeof spec.ingressClassName === 'string') {
    errs.push(...invalidMessages(path.child('ingressClassName'), spec.ingressClassName, nameIsDNSSubdomain(spec.ingressClassName, false)));
  }
  return errs;
}

function validate(obj: ApiObject): FieldError[] {
  const spec = mapOf(obj.spec);
  const errs = validateIngressSpec(spec, SPEC);
  const annotation = obj.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION];
  if (annotation !== undefined && typeof spec.ingressClassName === 'string' && annotation !== spec.ingressClassName) {
    errs.push(FieldError.invalid(FieldPath.of('annotations').child(INGRESS_CLASS_ANNOTATION), annotation, 'must match `ingressClassName` when both are specified'));
  }
  return errs;
}

function validateStatusUpdate(obj: ApiObject): FieldError[] {
  const path = FieldPath.of('status', 'loadBalancer', 'ingress');
  return mapsOf(mapOf(mapOf(obj.status).loadBalancer).ingress).flatMap((entry, i) => {
    const errs: FieldError[] = [];
    const ip = stringOf(entry.ip);
    if (ip && !ipFamily(ip)) errs.push(FieldError.invalid(path.index(i).child('ip'), ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'));
    const hostname = stringOf(entry.hostname);
    if (hostname) {
      errs.push(...invalidMessages(path.index(i).child('hostname'), hostname, isDNS1123Subdomain(hostname)));
      if (ipFamily(hostname)) errs.push(FieldError.invalid(path.index(i).child('hostname'), hostname, 'must be a DNS name, not an IP address'));
    }
    return errs;
  });
}

/** formatHosts: up to three hosts, `*` when none. */
function hostsCell(rules: JsonMap[]): string {
  const list: string[] = [];
  let more = false;
  for (const rule of rules) {
    if (list.length === 3) more = true;
    const host = stringOf(rule.host);
    if (!more && host !== '') list.push(host);
  }
  if (list.length === 0) return '*';
  return more ? `${list.join(',')} + ${rules.length - 3} more...` : list.join(',');
}

/** The load balancer IPs or hostnames, sorted and unique. */
export function loadBalancerCell(status: unknown): string {
  const entries = mapsOf(mapOf(mapOf(status).loadBalancer).ingress).map((e) => stringOf(e.ip) || stringOf(e.hostname)).filter((v) => v !== '');
  return [...new Set(entries)].sort().join(',');
}

function cells(obj: ApiObject): string[] {
  const spec = mapOf(obj.spec);
  return [
    stringOf(obj.metadata?.name),
    typeof spec.ingressClassName === 'string' ? spec.ingressClassName : '<none>',
    hostsCell(mapsOf(spec.rules)),
    loadBalancerCell(obj.status),
    mapsOf(spec.tls).length > 0 ? '80, 443' : '80',
    ageCell(obj),
  ];
}

export const ingressStrategy: KindStrategy = {
  names: {
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'Ingress',
    plural: 'ingresses',
    singular: 'ingress',
    shortNames: ['ing'],
    namespaced: true,
  },
  statusSubresource: true,
  generation: true,
  ...statusWrites(() => ({ loadBalancer: {} })),
  validate,
  validateStatusUpdate,
  table: {
    columns: [
      nameColumn,
      column('Class', 'The name of the IngressClass resource that should be used for additional configuration'),
      column('Hosts', 'Hosts that incoming requests are matched against before the ingress rule'),
      column('Address', 'Address is a list containing ingress points for the load-balancer'),
      column('Ports', 'Ports of TLS configurations that open'),
      ageColumn,
    ],
    cells,
  },
};
