// EndpointSlice (discovery.k8s.io/v1): upstream pkg/registry/discovery/endpointslice,
// discovery/v1 defaults and pkg/apis/discovery/validation.
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { isDNS1123Label, isValidLabelValue, nameIsDNSSubdomain, validateImmutableField, validateLabelName, validateLabels } from '../../machinery/validation.js';
import { ageCell, ageColumn, column, nameColumn } from '../core/printers.js';
import { isMap, listOf, mapsOf, numberOf, stringMapOf, stringOf, type JsonMap } from '../core/util.js';
import { validateFullyQualifiedName } from '../workloads-common.js';
import { ipFamily, ipToBigInt } from '../networking/ip.js';

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const MAX_TOPOLOGY_LABELS = 16;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20_000;
const MAX_ENDPOINTS = 1000;
const MAX_ZONE_HINTS = 8;
const ZONE_LABEL = 'topology.kubernetes.io/zone';

function defaults(obj: ApiObject): void {
  for (const port of mapsOf(obj.ports)) {
    port.name ??= '';
    port.protocol ??= 'TCP';
  }
}

function inRange(value: bigint, base: bigint, prefix: number, bits: number): boolean {
  const shift = BigInt(bits - prefix);
  return value >> shift === base >> shift;
}

/** ValidateEndpointIP: no unspecified, loopback or link-local endpoints. */
export function validateEndpointIP(ip: string, path: FieldPath): FieldError[] {
  const family = ipFamily(ip);
  const value = ipToBigInt(ip);
  if (!family || value === undefined) return [FieldError.invalid(path, ip, 'must be a valid IP address')];
  const v4 = family === 4;
  const bits = v4 ? 32 : 128;
  const errs: FieldError[] = [];
  if (value === 0n) errs.push(FieldError.invalid(path, ip, `may not be unspecified (${ip})`));
  if (v4 ? inRange(value, 0x7f000000n, 8, bits) : value === 1n) errs.push(FieldError.invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (v4 ? inRange(value, 0xa9fe0000n, 16, bits) : inRange(value, 0xfe80n << 112n, 10, bits)) {
    errs.push(FieldError.invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  }
  if (v4 ? inRange(value, 0xe0000000n, 24, bits) : inRange(value, 0xff02n << 112n, 16, bits)) {
    errs.push(FieldError.invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  }
  return errs;
}

function validateAddress(address: string, addressType: string, path: FieldPath): FieldError[] {
  if (addressType === 'FQDN') return validateFullyQualifiedName(path, address, 2);
  if (addressType !== 'IPv4' && addressType !== 'IPv6') return [];
  const wanted = addressType === 'IPv4' ? 4 : 6;
  const errs = ipFamily(address) === wanted ? [] : [FieldError.invalid(path, address, `must be a valid ${addressType} address`)];
  return errs.concat(validateEndpointIP(address, path));
}

function validateHints(hints: JsonMap, path: FieldPath): FieldError[] {
  const zones = mapsOf(hints.forZones);
  const zonesPath = path.child('forZones');
  if (zones.length > MAX_ZONE_HINTS) return [FieldError.tooMany(zonesPath, zones.length, MAX_ZONE_HINTS)];
  const seen = new Set<string>();
  return zones.flatMap((zone, i) => {
    const name = stringOf(zone.name);
    const zonePath = zonesPath.index(i).child('name');
    const errs = seen.has(name) ? [FieldError.duplicate(zonePath, name)] : [];
    seen.add(name);
    return errs.concat(isValidLabelValue(name).map((msg) => FieldError.invalid(zonePath, name, msg)));
  });
}

function validateEndpoint(endpoint: JsonMap, addressType: string, path: FieldPath): FieldError[] {
  const addresses = listOf(endpoint.addresses).map(stringOf);
  const addressPath = path.child('addresses');
  const errs: FieldError[] = [];
  if (addresses.length === 0) errs.push(FieldError.required(addressPath, 'must contain at least 1 address'));
  else if (addresses.length > MAX_ADDRESSES) errs.push(FieldError.tooMany(addressPath, addresses.length, MAX_ADDRESSES));
  addresses.forEach((a, i) => errs.push(...validateAddress(a, addressType, addressPath.index(i))));
  if (typeof endpoint.nodeName === 'string') {
    const nodeName = endpoint.nodeName;
    errs.push(...nameIsDNSSubdomain(nodeName, false).map((msg) => FieldError.invalid(path.child('nodeName'), nodeName, msg)));
  }
  const topology = stringMapOf(endpoint.deprecatedTopology);
  const topologyPath = path.child('deprecatedTopology');
  if (Object.keys(topology).length > MAX_TOPOLOGY_LABELS) errs.push(FieldError.tooMany(topologyPath, Object.keys(topology).length, MAX_TOPOLOGY_LABELS));
  errs.push(...validateLabels(topology, topologyPath));
  if (ZONE_LABEL in topology) errs.push(FieldError.internal(topologyPath.key(ZONE_LABEL), 'reserved key was not removed in conversion'));
  if (typeof endpoint.hostname === 'string') {
    const hostname = endpoint.hostname;
    errs.push(...isDNS1123Label(hostname).map((msg) => FieldError.invalid(path.child('hostname'), hostname, msg)));
  }
  if (isMap(endpoint.hints)) errs.push(...validateHints(endpoint.hints, path.child('hints')));
  return errs;
}

function validatePort(port: JsonMap, path: FieldPath, names: Set<string>): FieldError[] {
  const name = stringOf(port.name);
  const errs = name ? isDNS1123Label(name).map((msg) => FieldError.invalid(path.child('name'), name, msg)) : [];
  if (names.has(name)) errs.push(FieldError.duplicate(path.child('name'), name));
  names.add(name);
  if (port.protocol === undefined || port.protocol === null) errs.push(FieldError.required(path.child('protocol'), ''));
  else if (!PROTOCOLS.includes(stringOf(port.protocol))) errs.push(FieldError.notSupported(path.child('protocol'), stringOf(port.protocol), PROTOCOLS));
  if (typeof port.appProtocol === 'string') errs.push(...validateLabelName(port.appProtocol, path.child('appProtocol')));
  return errs;
}

function validate(obj: ApiObject): FieldError[] {
  const addressType = stringOf(obj.addressType);
  const typePath = FieldPath.of('addressType');
  const errs: FieldError[] = [];
  if (addressType === '') errs.push(FieldError.required(typePath, ''));
  else if (!ADDRESS_TYPES.includes(addressType)) errs.push(FieldError.notSupported(typePath, addressType, ADDRESS_TYPES));
  const endpoints = mapsOf(obj.endpoints);
  const endpointsPath = FieldPath.of('endpoints');
  if (endpoints.length > MAX_ENDPOINTS) errs.push(FieldError.tooMany(endpointsPath, endpoints.length, MAX_ENDPOINTS));
  else endpoints.forEach((e, i) => errs.push(...validateEndpoint(e, addressType, endpointsPath.index(i))));
  const ports = mapsOf(obj.ports);
  const portsPath = FieldPath.of('ports');
  const names = new Set<string>();
  if (ports.length > MAX_PORTS) errs.push(FieldError.tooMany(portsPath, ports.length, MAX_PORTS));
  else ports.forEach((p, i) => errs.push(...validatePort(p, portsPath.index(i), names)));
  return errs;
}

/** listWithMoreString: three items, then `+ N more...`; `<unset>` for none. */
function listWithMore(items: string[]): string {
  if (items.length > 3) return `${items.slice(0, 3).join(',')} + ${items.length - 3} more...`;
  return items.length === 0 ? '<unset>' : items.join(',');
}

function portsCell(obj: ApiObject): string {
  return listWithMore(mapsOf(obj.ports).map((p) => (numberOf(p.port) !== undefined ? String(p.port) : typeof p.name === 'string' ? p.name : '*')));
}

function endpointsCell(obj: ApiObject): string {
  return listWithMore(mapsOf(obj.endpoints).flatMap((e) => listOf(e.addresses).map(stringOf)));
}

export const endpointSliceStrategy: KindStrategy = {
  names: {
    group: 'discovery.k8s.io',
    version: 'v1',
    kind: 'EndpointSlice',
    plural: 'endpointslices',
    singular: 'endpointslice',
    namespaced: true,
  },
  generation: true,
  defaults,
  validate,
  validateUpdate: (obj, old) => validateImmutableField(stringOf(obj.addressType), stringOf(old.addressType), FieldPath.of('addressType')),
  table: {
    columns: [
      nameColumn,
      column('AddressType', 'addressType specifies the type of address carried by this EndpointSlice.'),
      column('Ports', 'ports specifies the list of network ports exposed by each endpoint in this slice.'),
      column('Endpoints', 'endpoints is a list of unique endpoints in this slice.'),
      ageColumn,
    ],
    cells: (obj) => [stringOf(obj.metadata?.name), stringOf(obj.addressType), portsCell(obj), endpointsCell(obj), ageCell(obj)],
  },
};
