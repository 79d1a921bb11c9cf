// Endpoints (upstream pkg/registry/core/endpoint, ValidateEndpoints).
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { isDNS1123Label, isQualifiedName, isValidPortNum, nameIsDNSSubdomain } from '../../machinery/validation.js';
import { validateProtocol } from './container.js';
import { isValidIP, validateIP } from './podspec-validation.js';
import { ageCell, ageColumn, column, nameColumn } from './printers.js';
import { validateNonSpecialIP } from './service.js';
import { mapsOf, numberOf, setDefault, stringOf, type JsonMap } from './util.js';

function defaults(obj: ApiObject): void {
  for (const subset of mapsOf(obj.subsets)) for (const port of mapsOf(subset.ports)) setDefault(port, 'protocol', 'TCP');
}

function validateAddress(address: JsonMap, path: FieldPath): FieldError[] {
  const ip = stringOf(address.ip);
  const errs = validateIP(ip, path.child('ip'));
  const hostname = stringOf(address.hostname);
  if (hostname) errs.push(...isDNS1123Label(hostname).map((m) => FieldError.invalid(path.child('hostname'), hostname, m)));
  if (typeof address.nodeName === 'string') {
    const node = address.nodeName;
    errs.push(...nameIsDNSSubdomain(node, false).map((m) => FieldError.invalid(path.child('nodeName'), node, m)));
  }
  if (isValidIP(ip)) errs.push(...validateNonSpecialIP(ip, path.child('ip')));
  else errs.push(FieldError.invalid(path.child('ip'), ip, 'must be a valid IP address'));
  return errs;
}

function validatePort(port: JsonMap, requireName: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = stringOf(port.name);
  if (requireName && !name) errs.push(FieldError.required(path.child('name')));
  else if (name) errs.push(...isDNS1123Label(name).map((m) => FieldError.invalid(path.child('name'), name, m)));
  const num = numberOf(port.port) ?? 0;
  errs.push(...isValidPortNum(num).map((m) => FieldError.invalid(path.child('port'), num, m)));
  errs.push(...validateProtocol(port.protocol, path.child('protocol')));
  if (typeof port.appProtocol === 'string') {
    errs.push(...isQualifiedName(port.appProtocol).map((m) => FieldError.invalid(path.child('appProtocol'), port.appProtocol, m)));
  }
  return errs;
}

/** validateEndpointSubsets; upstream's paths start at `subsets`. */
function validate(obj: ApiObject): FieldError[] {
  const errs: FieldError[] = [];
  mapsOf(obj.subsets).forEach((subset, i) => {
    const idx = FieldPath.of('subsets').index(i);
    const addresses = mapsOf(subset.addresses);
    const notReady = mapsOf(subset.notReadyAddresses);
    if (addresses.length === 0 && notReady.length === 0) errs.push(FieldError.required(idx, 'must specify `addresses` or `notReadyAddresses`'));
    addresses.forEach((a, j) => errs.push(...validateAddress(a, idx.child('addresses').index(j))));
    notReady.forEach((a, j) => errs.push(...validateAddress(a, idx.child('notReadyAddresses').index(j))));
    const ports = mapsOf(subset.ports);
    ports.forEach((p, j) => errs.push(...validatePort(p, ports.length > 1, idx.child('ports').index(j))));
  });
  return errs;
}

/** formatEndpoints: up to three ip:port pairs, then "+ N more...". */
export function formatEndpoints(obj: ApiObject): string {
  const subsets = mapsOf(obj.subsets);
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  const add = (entry: string): void => {
    if (list.length === max) more = true;
    else list.push(entry);
  };
  for (const subset of subsets) {
    const addresses = mapsOf(subset.addresses).map((a) => stringOf(a.ip));
    const ports = mapsOf(subset.ports);
    if (ports.length === 0) {
      count += addresses.length;
      addresses.forEach(add);
      continue;
    }
    for (const port of ports) {
      count += addresses.length;
      for (const ip of addresses) add(ip.includes(':') ? `[${ip}]:${numberOf(port.port) ?? 0}` : `${ip}:${numberOf(port.port) ?? 0}`);
    }
  }
  const text = list.join(',');
  return more ? `${text} + ${count - max} more...` : text;
}

export const endpointsStrategy: KindStrategy = {
  names: { group: '', version: 'v1', kind: 'Endpoints', plural: 'endpoints', singular: 'endpoints', shortNames: ['ep'], namespaced: true },
  deprecationWarning: 'v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice',
  defaults,
  validate,
  table: {
    columns: [
      nameColumn,
      column('Endpoints', 'The set of all endpoints is the union of all subsets. Addresses are placed into subsets according to the IPs they share. A single address with multiple ports, some of which are ready and some of which are not (because they come from different containers) will result in the address being displayed in different subsets for the different ports. No address will appear in both Addresses and NotReadyAddresses in the same subset. Sets of addresses and ports that comprise a service.'),
      ageColumn,
    ],
    cells: (obj) => [obj.metadata?.name ?? '', formatEndpoints(obj), ageCell(obj)],
  },
};
