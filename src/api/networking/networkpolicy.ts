// NetworkPolicy (networking.k8s.io/v1): upstream pkg/registry/networking/networkpolicy,
// networking/v1 defaults and networking validation.
import type { ApiObject, KindStrategy } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { validateLabelSelector } from '../../machinery/labels.js';
import { isValidPortName, isValidPortNum } from '../../machinery/validation.js';
import { ageCell, ageColumn, column, nameColumn } from '../core/printers.js';
import { ensureMap, invalidRendered, isMap, listOf, mapOf, mapsOf, stringOf, type JsonMap } from '../core/util.js';
import { formatLabelSelector, labelSelectorOf } from '../workloads-common.js';
import { INVALID_CIDR, isStrictSubset, parseCidr } from './ip.js';

const SPEC = FieldPath.of('spec');
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const POLICY_TYPES = ['Ingress', 'Egress'];

function defaults(obj: ApiObject): void {
  const spec = ensureMap(obj, 'spec');
  ensureMap(spec, 'podSelector');
  for (const rule of [...mapsOf(spec.ingress), ...mapsOf(spec.egress)]) {
    for (const port of mapsOf(rule.ports)) port.protocol ??= 'TCP';
  }
  if (listOf(spec.policyTypes).length === 0) {
    spec.policyTypes = listOf(spec.egress).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

function validatePort(port: JsonMap, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (port.protocol !== undefined && port.protocol !== null && !PROTOCOLS.includes(stringOf(port.protocol))) {
    errs.push(FieldError.notSupported(path.child('protocol'), stringOf(port.protocol), PROTOCOLS));
  }
  const endPort = typeof port.endPort === 'number' ? port.endPort : undefined;
  if (typeof port.port === 'number') {
    const value = port.port;
    errs.push(...isValidPortNum(value).map((msg) => FieldError.invalid(path.child('port'), value, msg)));
    if (endPort !== undefined) {
      if (endPort < value) errs.push(FieldError.invalid(path.child('endPort'), value, 'must be greater than or equal to `port`'));
      errs.push(...isValidPortNum(endPort).map((msg) => FieldError.invalid(path.child('endPort'), endPort, msg)));
    }
  } else if (typeof port.port === 'string') {
    const name = port.port;
    if (endPort !== undefined) errs.push(FieldError.invalid(path.child('endPort'), endPort, 'may not be specified when `port` is non-numeric'));
    errs.push(...isValidPortName(name).map((msg) => FieldError.invalid(path.child('port'), name, msg)));
  } else if (endPort !== undefined) {
    errs.push(FieldError.invalid(path.child('endPort'), endPort, 'may not be specified when `port` is not specified'));
  }
  return errs;
}

function validateIPBlock(block: JsonMap, path: FieldPath): FieldError[] {
  const cidrText = stringOf(block.cidr);
  if (cidrText === '') return [FieldError.required(path.child('cidr'), '')];
  const cidr = parseCidr(cidrText);
  if (!cidr) return [FieldError.invalid(path.child('cidr'), cidrText, INVALID_CIDR)];
  return listOf(block.except).flatMap((e, i) => {
    const text = stringOf(e);
    const except = parseCidr(text);
    if (!except) return [FieldError.invalid(path.child('except').index(i), text, INVALID_CIDR)];
    return isStrictSubset(except, cidr) ? [] : [FieldError.invalid(path.child('except').index(i), text, 'must be a strict subset of `cidr`')];
  });
}

function validatePeer(peer: JsonMap, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let count = 0;
  for (const key of ['podSelector', 'namespaceSelector'] as const) {
    if (!isMap(peer[key])) continue;
    count++;
    errs.push(...validateLabelSelector(labelSelectorOf(peer[key]), path.child(key)));
  }
  if (isMap(peer.ipBlock)) {
    count++;
    errs.push(...validateIPBlock(peer.ipBlock, path.child('ipBlock')));
  }
  if (count === 0) errs.push(FieldError.required(path, 'must specify a peer'));
  else if (count > 1 && isMap(peer.ipBlock)) errs.push(FieldError.forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

function validateRules(rules: JsonMap[], path: FieldPath, peersKey: 'from' | 'to'): FieldError[] {
  return rules.flatMap((rule, i) => [
    ...mapsOf(rule.ports).flatMap((port, j) => validatePort(port, path.index(i).child('ports').index(j))),
    ...mapsOf(rule[peersKey]).flatMap((peer, j) => validatePeer(peer, path.index(i).child(peersKey).index(j))),
  ]);
}

/** ValidateNetworkPolicySpec. */
export function validateNetworkPolicySpec(spec: JsonMap, path: FieldPath): FieldError[] {
  const errs = validateLabelSelector(labelSelectorOf(spec.podSelector), path.child('podSelector'));
  errs.push(...validateRules(mapsOf(spec.ingress), path.child('ingress'), 'from'));
  errs.push(...validateRules(mapsOf(spec.egress), path.child('egress'), 'to'));
  const types = listOf(spec.policyTypes).map(stringOf);
  if (types.length > POLICY_TYPES.length) {
    const rendered = `&[]networking.PolicyType{${types.map((t) => JSON.stringify(t)).join(', ')}}`;
    return [...errs, invalidRendered(path.child('policyTypes'), rendered, 'may not specify more than two policyTypes')];
  }
  types.forEach((t, i) => {
    if (!POLICY_TYPES.includes(t)) errs.push(FieldError.notSupported(path.child('policyTypes').index(i), t, POLICY_TYPES));
  });
  return errs;
}

export const networkPolicyStrategy: KindStrategy = {
  names: {
    group: 'networking.k8s.io',
    version: 'v1',
    kind: 'NetworkPolicy',
    plural: 'networkpolicies',
    singular: 'networkpolicy',
    shortNames: ['netpol'],
    namespaced: true,
  },
  generation: true,
  defaults,
  validate: (obj) => validateNetworkPolicySpec(mapOf(obj.spec), SPEC),
  table: {
    columns: [nameColumn, column('Pod-Selector', 'Selects the pods to which this NetworkPolicy object applies.'), ageColumn],
    cells: (obj) => [stringOf(obj.metadata?.name), formatLabelSelector(mapOf(obj.spec).podSelector), ageCell(obj)],
  },
};
