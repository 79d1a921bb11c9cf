// Service (upstream pkg/registry/core/service: strategy and the pure parts of
// its REST layer; ValidateService). Allocation of cluster IPs and node ports
// is not done here.
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidPortNum, nameIsDNS1035Label, validateLabels } from '../../machinery/validation.js';
import { validatePortNumOrName, validateProtocol } from './container.js';
import { isValidIP, validateIP } from './podspec-validation.js';
import { ageCell, ageColumn, column, formatLabelsOrNone, nameColumn } from './printers.js';
import { cloneJson, duplicateRendered, ensureMap, goStrings, invalidRendered, isMap, listOf, mapOf, mapsOf, numberOf, sameJson, setDefault, stringMapOf, stringOf, type JsonMap } from './util.js';

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const DEFAULT_CLIENT_IP_TIMEOUT = 10800;
const MAX_CLIENT_IP_TIMEOUT = 86400;

function specOf(obj: ApiObject): JsonMap {
  return mapOf(obj.spec);
}

function typeOf(spec: JsonMap): string {
  return stringOf(spec.type);
}

function isHeadless(spec: JsonMap): boolean {
  const ips = listOf(spec.clusterIPs);
  return ips.length === 1 && ips[0] === 'None';
}

/** ExternallyAccessible: reachable from outside the cluster network. */
function externallyAccessible(spec: JsonMap): boolean {
  const type = typeOf(spec);
  return type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && listOf(spec.externalIPs).length > 0);
}

export function needsHealthCheck(spec: JsonMap): boolean {
  return typeOf(spec) === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
}

export function needsNodePort(spec: JsonMap): boolean {
  return typeOf(spec) === 'NodePort' || typeOf(spec) === 'LoadBalancer';
}

function defaultPorts(spec: JsonMap): void {
  for (const port of mapsOf(spec.ports)) {
    setDefault(port, 'protocol', 'TCP');
    if (port.targetPort === undefined || port.targetPort === null || port.targetPort === 0 || port.targetPort === '') {
      port.targetPort = port.port;
    }
  }
}

/** SetDefaults_Service. */
function defaults(obj: ApiObject): void {
  const spec = ensureMap(obj, 'spec');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP' && numberOf(mapOf(mapOf(spec.sessionAffinityConfig).clientIP).timeoutSeconds) === undefined) {
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: DEFAULT_CLIENT_IP_TIMEOUT } };
  }
  setDefault(spec, 'type', 'ClusterIP');
  defaultPorts(spec);
  if (externallyAccessible(spec)) setDefault(spec, 'externalTrafficPolicy', 'Cluster');
  if (['NodePort', 'LoadBalancer', 'ClusterIP'].includes(typeOf(spec))) setDefault(spec, 'internalTrafficPolicy', 'Cluster');
  if (typeOf(spec) === 'LoadBalancer') {
    if (typeof spec.allocateLoadBalancerNodePorts !== 'boolean') spec.allocateLoadBalancerNodePorts = true;
    for (const ingress of mapsOf(mapOf(mapOf(obj.status).loadBalancer).ingress)) {
      if (stringOf(ingress.ip)) setDefault(ingress, 'ipMode', 'VIP');
    }
  }
}

function sameList(a: unknown, b: unknown): boolean {
  return sameJson(listOf(a), listOf(b));
}

/** NormalizeClusterIPs: keep clusterIP and clusterIPs in step for clients that set one. */
export function normalizeClusterIPs(spec: JsonMap, oldSpec?: JsonMap): void {
  const ip = stringOf(spec.clusterIP);
  if (!oldSpec) {
    if (ip && listOf(spec.clusterIPs).length === 0) spec.clusterIPs = [ip];
    return;
  }
  const oldIP = stringOf(oldSpec.clusterIP);
  if (listOf(oldSpec.clusterIPs).length > 0 && listOf(spec.clusterIPs).length === 0 && oldIP === ip) {
    spec.clusterIPs = cloneJson(oldSpec.clusterIPs);
  }
  if (oldIP !== ip) {
    if (oldIP && !ip && sameList(oldSpec.clusterIPs, spec.clusterIPs)) delete spec.clusterIPs;
    if (ip && sameList(oldSpec.clusterIPs, spec.clusterIPs)) spec.clusterIPs = [ip];
  }
}

/** patchAllocatedValues: a PUT without the allocated values keeps the old ones. */
function patchAllocatedValues(spec: JsonMap, oldSpec: JsonMap): void {
  if (typeOf(oldSpec) !== 'ExternalName' && typeOf(spec) !== 'ExternalName') {
    if (!stringOf(spec.clusterIP) && stringOf(oldSpec.clusterIP)) spec.clusterIP = oldSpec.clusterIP;
    if (listOf(spec.clusterIPs).length === 0 && listOf(oldSpec.clusterIPs).length > 0) spec.clusterIPs = cloneJson(oldSpec.clusterIPs);
  }
  if (needsNodePort(oldSpec) && needsNodePort(spec)) {
    const nodePorts = (s: JsonMap): Set<number> => new Set(mapsOf(s.ports).map((p) => numberOf(p.nodePort) ?? 0).filter((n) => n !== 0));
    const newPorts = nodePorts(spec);
    const used = new Set([...nodePorts(oldSpec)].filter((n) => newPorts.has(n)));
    const byName = new Map(mapsOf(oldSpec.ports).map((p) => [stringOf(p.name), numberOf(p.nodePort) ?? 0]));
    for (const port of mapsOf(spec.ports)) {
      const old = byName.get(stringOf(port.name)) ?? 0;
      if (!numberOf(port.nodePort) && old !== 0 && !used.has(old)) port.nodePort = old;
    }
  }
  if (needsHealthCheck(oldSpec) && needsHealthCheck(spec) && !numberOf(spec.healthCheckNodePort) && numberOf(oldSpec.healthCheckNodePort)) {
    spec.healthCheckNodePort = oldSpec.healthCheckNodePort;
  }
}

function familyOf(ip: string): string {
  return ip.includes(':') ? 'IPv6' : 'IPv4';
}

/**
 * initIPFamilyFields for a single-stack cluster: the policy defaults to
 * SingleStack (RequireDualStack for headless services without a selector)
 * and the families follow the cluster IPs, else the cluster's family.
 */
export function initIPFamilies(spec: JsonMap, oldSpec: JsonMap | undefined, defaultFamily = 'IPv4'): void {
  if (typeOf(spec) === 'ExternalName') return;
  const selectorless = Object.keys(mapOf(spec.selector)).length === 0;
  if (spec.ipFamilyPolicy === undefined || spec.ipFamilyPolicy === null) {
    if (oldSpec && typeof oldSpec.ipFamilyPolicy === 'string') spec.ipFamilyPolicy = oldSpec.ipFamilyPolicy;
    else spec.ipFamilyPolicy = spec.clusterIP === 'None' && selectorless ? 'RequireDualStack' : 'SingleStack';
  }
  const families = listOf(spec.ipFamilies).map(stringOf);
  listOf(spec.clusterIPs).map(stringOf).forEach((ip, i) => {
    if (ip === 'None' || i < families.length || !isValidIP(ip)) return;
    families.push(familyOf(ip));
  });
  if (spec.clusterIP === 'None' && selectorless) {
    if (families.length === 0) families.push(defaultFamily);
    if (families.length < 2 && spec.ipFamilyPolicy !== 'SingleStack') families.push(families[0] === 'IPv4' ? 'IPv6' : 'IPv4');
  } else if (families.length === 0) families.push(defaultFamily);
  spec.ipFamilies = families;
}

/** dropTypeDependentFields: wipe what a type change made meaningless, if the user left it unchanged. */
function dropTypeDependentFields(obj: ApiObject, old: ApiObject): void {
  const spec = ensureMap(obj, 'spec');
  const oldSpec = specOf(old);
  if (typeOf(oldSpec) !== 'ExternalName' && typeOf(spec) === 'ExternalName') {
    if (sameList(oldSpec.clusterIPs, spec.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (sameList(oldSpec.ipFamilies, spec.ipFamilies)) delete spec.ipFamilies;
    if (oldSpec.ipFamilyPolicy === spec.ipFamilyPolicy) delete spec.ipFamilyPolicy;
  }
  const nodePortsOf = (s: JsonMap): unknown[] => mapsOf(s.ports).map((p) => p.nodePort ?? 0);
  if (needsNodePort(oldSpec) && !needsNodePort(spec) && sameJson(nodePortsOf(oldSpec), nodePortsOf(spec))) {
    for (const port of mapsOf(spec.ports)) delete port.nodePort;
  }
  if (needsHealthCheck(oldSpec) && !needsHealthCheck(spec) && oldSpec.healthCheckNodePort === spec.healthCheckNodePort) delete spec.healthCheckNodePort;
  if (typeOf(oldSpec) === 'LoadBalancer' && typeOf(spec) !== 'LoadBalancer') {
    if (typeof spec.allocateLoadBalancerNodePorts === 'boolean' && spec.allocateLoadBalancerNodePorts === oldSpec.allocateLoadBalancerNodePorts) {
      delete spec.allocateLoadBalancerNodePorts;
    }
    if ((spec.loadBalancerClass ?? null) === (oldSpec.loadBalancerClass ?? null)) delete spec.loadBalancerClass;
  }
  if (externallyAccessible(oldSpec) && !externallyAccessible(spec) && spec.externalTrafficPolicy === oldSpec.externalTrafficPolicy) {
    delete spec.externalTrafficPolicy;
  }
  if (typeOf(spec) !== 'LoadBalancer' && isMap(obj.status)) obj.status.loadBalancer = {};
}

function prepareForCreate(obj: ApiObject): void {
  obj.status = { loadBalancer: {} };
  const spec = ensureMap(obj, 'spec');
  normalizeClusterIPs(spec);
  initIPFamilies(spec, undefined);
}

function prepareForUpdate(obj: ApiObject, old: ApiObject): void {
  obj.status = cloneJson(old.status);
  const spec = ensureMap(obj, 'spec');
  normalizeClusterIPs(spec, specOf(old));
  patchAllocatedValues(spec, specOf(old));
  dropTypeDependentFields(obj, old);
  initIPFamilies(spec, specOf(old));
}

function validateServicePort(port: JsonMap, requireName: boolean, names: Set<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = stringOf(port.name);
  if (requireName && !name) errs.push(FieldError.required(path.child('name')));
  else if (name) {
    errs.push(...isDNS1123Label(name).map((m) => FieldError.invalid(path.child('name'), name, m)));
    if (names.has(name)) errs.push(FieldError.duplicate(path.child('name'), name));
    else names.add(name);
  }
  const portNum = numberOf(port.port) ?? 0;
  errs.push(...isValidPortNum(portNum).map((m) => FieldError.invalid(path.child('port'), portNum, m)));
  errs.push(...validateProtocol(port.protocol, path.child('protocol')));
  errs.push(...validatePortNumOrName(port.targetPort, path.child('targetPort')));
  if (typeof port.appProtocol === 'string') {
    errs.push(...isQualifiedName(port.appProtocol).map((m) => FieldError.invalid(path.child('appProtocol'), port.appProtocol, m)));
  }
  return errs;
}

function validateTypeSpecific(spec: JsonMap, path: FieldPath): FieldError[] {
  const type = typeOf(spec);
  const first = stringOf(listOf(spec.clusterIPs)[0]);
  if ((type === 'LoadBalancer' || type === 'NodePort') && isHeadless(spec)) {
    return [FieldError.invalid(path.child('clusterIPs').index(0), first, `may not be set to 'None' for ${type} services`)];
  }
  if (type !== 'ExternalName') return [];
  const errs: FieldError[] = [];
  if (listOf(spec.clusterIPs).length > 0) errs.push(FieldError.forbidden(path.child('clusterIPs'), 'may not be set for ExternalName services'));
  if (listOf(spec.ipFamilies).length > 0) errs.push(FieldError.forbidden(path.child('ipFamilies'), 'may not be set for ExternalName services'));
  if (spec.ipFamilyPolicy !== undefined && spec.ipFamilyPolicy !== null) {
    errs.push(FieldError.forbidden(path.child('ipFamilyPolicy'), 'may not be set for ExternalName services'));
  }
  const cname = stringOf(spec.externalName).replace(/\.$/, '');
  if (cname) errs.push(...isDNS1123Subdomain(cname).map((m) => FieldError.invalid(path.child('externalName'), cname, m)));
  else errs.push(FieldError.required(path.child('externalName')));
  return errs;
}

function validateSessionAffinity(spec: JsonMap, path: FieldPath): FieldError[] {
  const affinity = stringOf(spec.sessionAffinity);
  if (!affinity) return [FieldError.required(path.child('sessionAffinity'))];
  if (affinity !== 'ClientIP' && affinity !== 'None') return [FieldError.notSupported(path.child('sessionAffinity'), affinity, ['ClientIP', 'None'])];
  const configPath = path.child('sessionAffinityConfig');
  if (affinity === 'None') {
    return spec.sessionAffinityConfig ? [FieldError.forbidden(configPath, 'must not be set when session affinity is None')] : [];
  }
  if (!isMap(spec.sessionAffinityConfig)) return [FieldError.required(configPath, 'when session affinity type is ClientIP')];
  const clientIP = spec.sessionAffinityConfig.clientIP;
  if (!isMap(clientIP)) return [FieldError.required(configPath.child('clientIP'), 'when session affinity type is ClientIP')];
  const timeout = numberOf(clientIP.timeoutSeconds);
  const timeoutPath = configPath.child('clientIP').child('timeoutSeconds');
  if (timeout === undefined) return [FieldError.required(timeoutPath, 'when session affinity type is ClientIP')];
  if (timeout <= 0 || timeout > MAX_CLIENT_IP_TIMEOUT) {
    return [FieldError.invalid(timeoutPath, timeout, `must be greater than 0 and less than ${MAX_CLIENT_IP_TIMEOUT}`)];
  }
  return [];
}

/** ValidateServiceClusterIPsRelatedFields. */
function validateClusterIPs(spec: JsonMap, path: FieldPath): FieldError[] {
  if (typeOf(spec) === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ips = listOf(spec.clusterIPs).map(stringOf);
  const clusterIP = stringOf(spec.clusterIP);
  const ipsPath = path.child('clusterIPs');
  if (clusterIP) {
    if (ips.length === 0) errs.push(FieldError.required(ipsPath));
    else if (ips[0] !== clusterIP) errs.push(invalidRendered(ipsPath, goStrings(ips), 'first value must match `clusterIP`'));
  } else if (ips.length > 0) {
    errs.push(invalidRendered(ipsPath, goStrings(ips), 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  listOf(spec.ipFamilies).map(stringOf).forEach((family, i) => {
    if (family !== 'IPv4' && family !== 'IPv6') errs.push(FieldError.notSupported(path.child('ipFamilies').index(i), family, ['IPv4', 'IPv6']));
    if (seen.has(family)) errs.push(FieldError.duplicate(path.child('ipFamilies').index(i), family));
    seen.add(family);
  });
  const policies = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
  if (typeof spec.ipFamilyPolicy === 'string' && !policies.includes(spec.ipFamilyPolicy)) {
    errs.push(FieldError.notSupported(path.child('ipFamilyPolicy'), spec.ipFamilyPolicy, policies));
  }
  let invalidIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        invalidIPs = true;
        errs.push(invalidRendered(ipsPath, goStrings(ips), "'None' must be the first and only value"));
      }
      return;
    }
    const ipErrs = validateIP(ip, ipsPath.index(i));
    invalidIPs ||= ipErrs.length > 0;
    errs.push(...ipErrs);
  });
  if (ips.length > 2) errs.push(invalidRendered(ipsPath, goStrings(ips), 'may only hold up to 2 values'));
  if (invalidIPs) return errs;
  if (ips.length > 1 && new Set(ips.map(familyOf)).size !== ips.length) {
    errs.push(invalidRendered(ipsPath, goStrings(ips), 'may specify no more than one IP for each IP family'));
  }
  const families = listOf(spec.ipFamilies).map(stringOf);
  if (!isHeadless(spec)) {
    ips.forEach((ip, i) => {
      if (i >= families.length) return;
      const want = families[i];
      if (want === 'IPv4' && familyOf(ip) === 'IPv6') {
        errs.push(FieldError.invalid(ipsPath.index(i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      }
      if (want === 'IPv6' && familyOf(ip) !== 'IPv6') {
        errs.push(FieldError.invalid(ipsPath.index(i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
      }
    });
  }
  return errs;
}

/** A single-stack IPv4 cluster: dual-stack and IPv6 requests cannot be met. */
function validateClusterFamilies(spec: JsonMap, path: FieldPath, clusterFamilies: readonly string[]): FieldError[] {
  if (typeOf(spec) === 'ExternalName' || (spec.clusterIP === 'None' && Object.keys(mapOf(spec.selector)).length === 0)) return [];
  const errs: FieldError[] = [];
  if (spec.ipFamilyPolicy === 'RequireDualStack' && clusterFamilies.length < 2) {
    errs.push(FieldError.invalid(path.child('ipFamilyPolicy'), 'RequireDualStack', 'this cluster is not configured for dual-stack services'));
  }
  listOf(spec.ipFamilies).map(stringOf).forEach((family, i) => {
    if (!clusterFamilies.includes(family)) errs.push(FieldError.invalid(path.child('ipFamilies').index(i), family, 'not configured on this cluster'));
  });
  return errs;
}

function validateExternalIPs(spec: JsonMap, path: FieldPath): FieldError[] {
  return listOf(spec.externalIPs).map(stringOf).flatMap((ip, i) => {
    const ipErrs = validateIP(ip, path.child('externalIPs').index(i));
    return ipErrs.length > 0 ? ipErrs : validateNonSpecialIP(ip, path.child('externalIPs').index(i));
  });
}

const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

function validateSourceRanges(obj: ApiObject, spec: JsonMap, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ranges = listOf(spec.loadBalancerSourceRanges).map(stringOf);
  const annotation = obj.metadata?.annotations?.[SOURCE_RANGES_ANNOTATION];
  if (ranges.length > 0) {
    // Upstream's path capitalizes the field here.
    const rangesPath = path.child('LoadBalancerSourceRanges');
    if (typeOf(spec) !== 'LoadBalancer') errs.push(FieldError.forbidden(rangesPath, "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => errs.push(...validateCIDR(r.trim(), rangesPath.index(i))));
  } else if (annotation !== undefined) {
    const annPath = FieldPath.of('metadata', 'annotations').key(SOURCE_RANGES_ANNOTATION);
    if (typeOf(spec) !== 'LoadBalancer') errs.push(FieldError.forbidden(annPath, "may only be used when `type` is 'LoadBalancer'"));
    const value = annotation.trim();
    if (value) value.split(',').forEach((r) => errs.push(...validateCIDR(r.trim(), annPath)));
  }
  return errs;
}

export function validateCIDR(value: string, path: FieldPath): FieldError[] {
  const [ip, bits, extra] = value.split('/');
  const max = ip !== undefined && ip.includes(':') ? 128 : 32;
  const ok = extra === undefined && bits !== undefined && /^\d+$/.test(bits) && Number(bits) <= max && isValidIP(ip);
  return ok ? [] : [FieldError.invalid(path, value, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)')];
}

/** ValidateNonSpecialIP: no unspecified, loopback or link-local addresses. */
export function validateNonSpecialIP(ip: string, path: FieldPath): FieldError[] {
  const v4 = /^(\d+)\.(\d+)\./.exec(ip);
  const lower = ip.toLowerCase();
  if (ip === '0.0.0.0' || lower === '::') return [FieldError.invalid(path, ip, `may not be unspecified (${ip})`)];
  if ((v4 && v4[1] === '127') || lower === '::1') return [FieldError.invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)')];
  if ((v4 && v4[1] === '169' && v4[2] === '254') || /^fe[89ab]/.test(lower)) {
    return [FieldError.invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)')];
  }
  if (ip.startsWith('224.0.0.') || /^ff02:/.test(lower)) {
    return [FieldError.invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)')];
  }
  return [];
}

function validateServicePorts(spec: JsonMap, path: FieldPath): FieldError[] {
  const ports = mapsOf(spec.ports);
  const names = new Set<string>();
  return ports.flatMap((p, i) => validateServicePort(p, ports.length > 1, names, path.child('ports').index(i)));
}

function validateNodePortsAndDuplicates(spec: JsonMap, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const portsPath = path.child('ports');
  const ports = mapsOf(spec.ports);
  if (typeOf(spec) === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (numberOf(p.nodePort)) errs.push(FieldError.forbidden(portsPath.index(i).child('nodePort'), "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    const nodePort = numberOf(p.nodePort) ?? 0;
    if (nodePort === 0) return;
    const key = `${stringOf(p.protocol)}/${nodePort}`;
    if (nodePorts.has(key)) errs.push(FieldError.duplicate(portsPath.index(i).child('nodePort'), nodePort));
    nodePorts.add(key);
  });
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const port = numberOf(p.port) ?? 0;
    const key = `${stringOf(p.protocol)}/${port}`;
    // Upstream prints the (protocol, port) key as a whole ServicePort struct.
    const rendered = `core.ServicePort{Name:"", Protocol:"${stringOf(p.protocol)}", AppProtocol:(*string)(nil), Port:${port}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
    if (seen.has(key)) errs.push(duplicateRendered(portsPath.index(i), rendered));
    seen.add(key);
  });
  return errs;
}

function validatePolicies(spec: JsonMap, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const etp = stringOf(spec.externalTrafficPolicy);
  if (!externallyAccessible(spec)) {
    if (etp) errs.push(FieldError.invalid(path.child('externalTrafficPolicy'), etp, 'may only be set for externally-accessible services'));
  } else if (!etp) errs.push(FieldError.required(path.child('externalTrafficPolicy')));
  else if (etp !== 'Cluster' && etp !== 'Local') errs.push(FieldError.notSupported(path.child('externalTrafficPolicy'), etp, ['Cluster', 'Local']));
  const hc = numberOf(spec.healthCheckNodePort) ?? 0;
  if (!needsHealthCheck(spec)) {
    if (hc !== 0) {
      errs.push(FieldError.invalid(path.child('healthCheckNodePort'), hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
    }
  } else if (hc === 0) errs.push(FieldError.required(path.child('healthCheckNodePort')));
  else errs.push(...isValidPortNum(hc).map((m) => FieldError.invalid(path.child('healthCheckNodePort'), hc, m)));
  const itp = spec.internalTrafficPolicy;
  if ((itp === undefined || itp === null) && ['NodePort', 'LoadBalancer', 'ClusterIP'].includes(typeOf(spec))) {
    errs.push(FieldError.required(path.child('internalTrafficPolicy')));
  }
  if (itp !== undefined && itp !== null && itp !== 'Cluster' && itp !== 'Local') {
    errs.push(FieldError.notSupported(path.child('internalTrafficPolicy'), itp, ['Cluster', 'Local']));
  }
  if (spec.trafficDistribution !== undefined && spec.trafficDistribution !== null && spec.trafficDistribution !== 'PreferClose') {
    errs.push(FieldError.notSupported(path.child('trafficDistribution'), spec.trafficDistribution, ['PreferClose']));
  }
  return errs;
}

function validateLoadBalancerFields(spec: JsonMap, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const isLB = typeOf(spec) === 'LoadBalancer';
  if (typeof spec.allocateLoadBalancerNodePorts === 'boolean' && !isLB) {
    errs.push(FieldError.forbidden(path.child('allocateLoadBalancerNodePorts'), "may only be used when `type` is 'LoadBalancer'"));
  }
  // Upstream's path omits `spec` here.
  if (isLB && typeof spec.allocateLoadBalancerNodePorts !== 'boolean') errs.push(FieldError.required(FieldPath.of('allocateLoadBalancerNodePorts')));
  if (typeof spec.loadBalancerClass === 'string') {
    const cls = spec.loadBalancerClass;
    if (isLB) errs.push(...isQualifiedName(cls).map((m) => FieldError.invalid(path.child('loadBalancerClass'), cls, m)));
    else errs.push(FieldError.forbidden(path.child('loadBalancerClass'), "may only be used when `type` is 'LoadBalancer'"));
  }
  return errs;
}

/** ValidateService, checked on create and update, in upstream's order. */
export function validateService(obj: ApiObject, clusterFamilies: readonly string[] = ['IPv4']): FieldError[] {
  const spec = specOf(obj);
  const path = FieldPath.of('spec');
  const errs: FieldError[] = [];
  if (mapsOf(spec.ports).length === 0 && !isHeadless(spec) && typeOf(spec) !== 'ExternalName') errs.push(FieldError.required(path.child('ports')));
  errs.push(...validateTypeSpecific(spec, path));
  errs.push(...validateServicePorts(spec, path));
  if (isMap(spec.selector)) errs.push(...validateLabels(stringMapOf(spec.selector), path.child('selector')));
  errs.push(...validateSessionAffinity(spec, path));
  errs.push(...validateClusterIPs(spec, path));
  errs.push(...validateExternalIPs(spec, path));
  const type = typeOf(spec);
  if (!type) errs.push(FieldError.required(path.child('type')));
  else if (!TYPES.includes(type)) errs.push(FieldError.notSupported(path.child('type'), type, TYPES));
  errs.push(...validateNodePortsAndDuplicates(spec, path));
  errs.push(...validateSourceRanges(obj, spec, path));
  errs.push(...validateLoadBalancerFields(spec, path));
  errs.push(...validatePolicies(spec, path));
  return errs.concat(validateClusterFamilies(spec, path, clusterFamilies));
}

/** validateUpgradeDowngradeClusterIPs: the primary cluster IP never changes. */
function validateClusterIPsUpdate(spec: JsonMap, oldSpec: JsonMap): FieldError[] {
  if (typeOf(spec) === 'ExternalName' || typeOf(oldSpec) === 'ExternalName') return [];
  if (isHeadless(spec) && isHeadless(oldSpec)) return [];
  const ips = listOf(spec.clusterIPs).map(stringOf);
  const oldIPs = listOf(oldSpec.clusterIPs).map(stringOf);
  const path = FieldPath.of('spec', 'clusterIPs');
  const errs: FieldError[] = [];
  if (ips.length === oldIPs.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== ips[i]) errs.push(invalidRendered(path.index(i), goStrings(ips), 'may not change once set'));
    });
  } else if (oldIPs.length > ips.length) {
    if (ips.length === 0) errs.push(invalidRendered(path.index(0), goStrings(ips), 'primary clusterIP can not be unset'));
    if (oldIPs.length > 0 && ips.length > 0 && ips[0] !== oldIPs[0]) errs.push(invalidRendered(path.index(0), goStrings(ips), 'may not change once set'));
    if (ips.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(FieldError.invalid(FieldPath.of('spec', 'ipFamilyPolicy'), spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
    errs.push(invalidRendered(path.index(0), goStrings(ips), 'may not change once set'));
  }
  return errs;
}

function validateUpdate(obj: ApiObject, old: ApiObject): FieldError[] {
  const spec = specOf(obj);
  const oldSpec = specOf(old);
  const errs = validateClusterIPsUpdate(spec, oldSpec);
  const bothInternal = typeOf(spec) !== 'ExternalName' && typeOf(oldSpec) !== 'ExternalName';
  if (bothInternal && isHeadless(spec) === isHeadless(oldSpec) && !isHeadless(spec)) {
    const families = listOf(spec.ipFamilies);
    const oldFamilies = listOf(oldSpec.ipFamilies);
    if (families.length > 0 && oldFamilies.length > 0 && families[0] !== oldFamilies[0]) {
      errs.push(invalidRendered(FieldPath.of('spec', 'ipFamilies').index(0), goStrings(families), 'may not change once set'));
    }
  }
  if (typeOf(spec) === 'LoadBalancer' && typeOf(oldSpec) === 'LoadBalancer' && (spec.loadBalancerClass ?? null) !== (oldSpec.loadBalancerClass ?? null)) {
    errs.push(FieldError.invalid(FieldPath.of('spec', 'loadBalancerClass'), spec.loadBalancerClass ?? null, 'may not change once set'));
  }
  if (needsHealthCheck(oldSpec) && needsHealthCheck(spec) && spec.healthCheckNodePort !== oldSpec.healthCheckNodePort) {
    errs.push(FieldError.forbidden(FieldPath.of('spec', 'healthCheckNodePort'), 'field is immutable'));
  }
  return errs;
}

function validateStatusUpdate(obj: ApiObject): FieldError[] {
  const path = FieldPath.of('status', 'loadBalancer', 'ingress');
  const ingress = mapsOf(mapOf(mapOf(obj.status).loadBalancer).ingress);
  if (typeOf(specOf(obj)) !== 'LoadBalancer' && ingress.length > 0) return [FieldError.forbidden(path, "may only be used when `spec.type` is 'LoadBalancer'")];
  const errs: FieldError[] = [];
  ingress.forEach((ing, i) => {
    const ip = stringOf(ing.ip);
    if (ip) errs.push(...validateIP(ip, path.index(i).child('ip')));
    if ((ing.ipMode === undefined || ing.ipMode === null) && ip) errs.push(FieldError.required(path.index(i).child('ipMode'), 'must be specified when `ip` is set'));
    else if (ing.ipMode !== undefined && ing.ipMode !== null && !ip) errs.push(FieldError.forbidden(path.index(i).child('ipMode'), 'may not be specified when `ip` is not set'));
    else if (ing.ipMode !== undefined && ing.ipMode !== null && ing.ipMode !== 'Proxy' && ing.ipMode !== 'VIP') {
      errs.push(FieldError.notSupported(path.index(i).child('ipMode'), ing.ipMode, ['Proxy', 'VIP']));
    }
    const host = stringOf(ing.hostname);
    if (host) {
      errs.push(...isDNS1123Subdomain(host).map((m) => FieldError.invalid(path.index(i).child('hostname'), host, m)));
      if (isValidIP(host)) errs.push(FieldError.invalid(path.index(i).child('hostname'), host, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}

/** EXTERNAL-IP as kubectl shows it. */
function externalIPCell(obj: ApiObject): string {
  const spec = specOf(obj);
  const externalIPs = listOf(spec.externalIPs).map(stringOf);
  switch (typeOf(spec)) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress = mapsOf(mapOf(mapOf(obj.status).loadBalancer).ingress);
      const lb = [...new Set(ingress.map((i) => stringOf(i.ip) || stringOf(i.hostname)).filter((s) => s !== ''))].sort();
      if (externalIPs.length > 0) return [...lb, ...externalIPs].join(',');
      return lb.length > 0 ? lb.join(',') : '<pending>';
    }
    case 'ExternalName':
      return stringOf(spec.externalName);
    default:
      return '<unknown>';
  }
}

function portsCell(spec: JsonMap): string {
  const text = mapsOf(spec.ports)
    .map((p) => {
      const nodePort = numberOf(p.nodePort) ?? 0;
      const port = numberOf(p.port) ?? 0;
      return nodePort > 0 ? `${port}:${nodePort}/${stringOf(p.protocol)}` : `${port}/${stringOf(p.protocol)}`;
    })
    .join(',');
  return text || '<none>';
}

export const serviceStrategy: KindStrategy = {
  names: {
    group: '',
    version: 'v1',
    kind: 'Service',
    plural: 'services',
    singular: 'service',
    shortNames: ['svc'],
    categories: ['all'],
    namespaced: true,
  },
  statusSubresource: true,
  nameValidation: nameIsDNS1035Label,
  defaults,
  prepareForCreate,
  prepareForUpdate,
  prepareForStatusUpdate: (obj, old) => {
    obj.spec = cloneJson(old.spec);
  },
  validate: (obj) => validateService(obj),
  validateUpdate,
  validateStatusUpdate,
  table: {
    columns: [
      nameColumn,
      column('Type', 'type determines how the Service is exposed. Defaults to ClusterIP.'),
      column('Cluster-IP', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
      column('External-IP', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
      column('Port(s)', 'The list of ports that are exposed by this service.'),
      ageColumn,
      column('Selector', 'Route service traffic to pods with label keys and values matching this selector.', 1),
    ],
    cells: (obj) => {
      const spec = specOf(obj);
      const clusterIP = stringOf(listOf(spec.clusterIPs)[0]) || '<none>';
      return [obj.metadata?.name ?? '', typeOf(spec), clusterIP, externalIPCell(obj), portsCell(spec), ageCell(obj), formatLabelsOrNone(spec.selector)];
    },
  },
  selectableFields: (obj) => ({ 'spec.clusterIP': stringOf(specOf(obj).clusterIP), 'spec.type': typeOf(specOf(obj)) }),
};
