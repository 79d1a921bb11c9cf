// CertificateSigningRequest (certificates.k8s.io/v1, cluster-scoped): upstream
// pkg/registry/certificates/certificates (strategy) and
// pkg/apis/certificates/validation. The main resource carries the request and who
// made it; /approval writes only the Approved/Denied conditions; /status the
// certificate and the other conditions (Failed), never the approval.
import type { ApiObject, KindStrategy, RequestUser, UpdateSubresource } from '../kind.js';
import { FieldError, FieldPath } from '../../machinery/field.js';
import { isDNS1123Label, isDNS1123Subdomain } from '../../machinery/validation.js';
import { parseCertificateRequest } from '../../pki/csr.js';
import { ageCell, ageColumn, column, humanDuration, nameColumn } from '../core/printers.js';
import { invalidRendered, isMap, listOf, mapOf, mapsOf, numberOf, sameJson, stringOf, type JsonMap } from '../core/util.js';

export const LEGACY_UNKNOWN_SIGNER = 'kubernetes.io/legacy-unknown';

/** certificates.k8s.io KeyUsage values (upstream's allValidUsages), sorted. */
export const VALID_USAGES = [
  'any', 'cert sign', 'client auth', 'code signing', 'content commitment', 'crl sign', 'data encipherment', 'decipher only',
  'digital signature', 'email protection', 'encipher only', 'ipsec end system', 'ipsec tunnel', 'ipsec user', 'key agreement',
  'key encipherment', 'microsoft sgc', 'netscape sgc', 'ocsp signing', 's/mime', 'server auth', 'signing', 'timestamping',
];

/** Condition types that may only be True. */
const TRUE_ONLY_TYPES = ['Approved', 'Denied', 'Failed'];
const ALL_STATUSES = ['False', 'True', 'Unknown'];

const SPEC = FieldPath.of('spec');
const CONDITIONS = FieldPath.of('status', 'conditions');

/** The decoded bytes of a base64 field ([]byte in the Go types). */
export function bytesOf(value: unknown): Buffer {
  return Buffer.from(stringOf(value), 'base64');
}

/** Go's %#v of a []byte, as upstream prints an invalid spec.request. */
function goBytes(bytes: Buffer): string {
  if (bytes.length === 0) return '[]byte(nil)';
  return `[]byte{${[...bytes].map((b) => `0x${b.toString(16)}`).join(', ')}}`;
}

/** Whether the conditions hold one of `type`. */
export function hasCondition(obj: unknown, type: string): boolean {
  return mapsOf(mapOf(mapOf(obj).status).conditions).some((c) => c.type === type);
}

/** ValidateSignerName: `<fully qualified domain>/<path>`. */
export function validateSignerName(path: FieldPath, signerName: string): FieldError[] {
  if (signerName === '') return [FieldError.required(path)];
  const segments = signerName.split('/');
  if (segments.length !== 2) return [FieldError.invalid(path, signerName, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  const [domain, rest] = segments;
  const errs: FieldError[] = [];
  if (domain.length > 253) errs.push(FieldError.tooLong(path, 253));
  const domainLabels = domain.split('.');
  for (const label of domainLabels) {
    const msgs = isDNS1123Label(label);
    errs.push(...msgs.map((m) => FieldError.invalid(path, domain, `validating label ${JSON.stringify(label)}: ${m}`)));
    if (msgs.length > 0) break;
  }
  if (domainLabels.length < 2) errs.push(FieldError.invalid(path, domain, 'should be a domain with at least two segments separated by dots'));
  for (const label of rest.split('.')) {
    const msgs = isDNS1123Subdomain(label);
    errs.push(...msgs.map((m) => FieldError.invalid(path, rest, `validating label ${JSON.stringify(label)}: ${m}`)));
    if (msgs.length > 0) break;
  }
  if (signerName.length > 253 + 253 + 63 + 2) errs.push(FieldError.tooLong(path, 253 + 253 + 63 + 2));
  return errs;
}

function validateRequest(spec: JsonMap): FieldError[] {
  const bytes = bytesOf(spec.request);
  try {
    parseCertificateRequest(bytes.toString('latin1'));
    return [];
  } catch (err) {
    return [invalidRendered(SPEC.child('request'), goBytes(bytes), (err as Error).message)];
  }
}

function validateUsages(usages: unknown): FieldError[] {
  const list = listOf(usages).map(stringOf);
  const path = SPEC.child('usages');
  if (list.length === 0) return [FieldError.required(path)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  list.forEach((u, i) => {
    if (!VALID_USAGES.includes(u)) errs.push(FieldError.notSupported(path.index(i), u, VALID_USAGES));
    if (seen.has(u)) errs.push(FieldError.duplicate(path.index(i), u));
    seen.add(u);
  });
  return errs;
}

function validateConditions(obj: ApiObject): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let approved = false;
  let denied = false;
  mapsOf(mapOf(obj.status).conditions).forEach((c, i) => {
    const type = stringOf(c.type);
    const status = stringOf(c.status);
    const path = CONDITIONS.index(i);
    if (type === '') errs.push(FieldError.required(path.child('type')));
    const allowed = TRUE_ONLY_TYPES.includes(type) ? ['True'] : ALL_STATUSES;
    if (status === '') errs.push(FieldError.required(path.child('status')));
    else if (!allowed.includes(status)) errs.push(FieldError.notSupported(path.child('status'), status, allowed));
    if ((type === 'Approved' && denied) || (type === 'Denied' && approved)) {
      errs.push(FieldError.invalid(path.child('type'), type, 'Approved and Denied conditions are mutually exclusive'));
    }
    if (type === 'Approved') approved = true;
    if (type === 'Denied') denied = true;
    if (seen.has(type)) errs.push(FieldError.duplicate(path.child('type'), type));
    seen.add(type);
  });
  return errs;
}

/** validateCertificate: status.certificate, when set, is one or more CERTIFICATE PEM blocks. */
function validateCertificate(certificate: unknown): FieldError[] {
  const pem = bytesOf(certificate).toString('latin1');
  if (pem === '') return [];
  const path = FieldPath.of('status', 'certificate');
  const blocks = [...pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g)];
  if (blocks.length === 0) return [FieldError.invalid(path, '<certificate data>', 'must contain at least one CERTIFICATE PEM block')];
  for (const block of blocks) {
    if (block[1] !== 'CERTIFICATE') return [FieldError.invalid(path, '<certificate data>', `only CERTIFICATE PEM blocks are allowed, found ${JSON.stringify(block[1])}`)];
    if (/^[A-Za-z-]+:/m.test(block[2])) return [FieldError.invalid(path, '<certificate data>', 'no PEM block headers are permitted')];
  }
  return [];
}

function validate(obj: ApiObject): FieldError[] {
  const spec = mapOf(obj.spec);
  const signerName = stringOf(spec.signerName);
  const expiration = numberOf(spec.expirationSeconds);
  return [
    ...validateRequest(spec),
    ...validateUsages(spec.usages),
    ...(signerName === LEGACY_UNKNOWN_SIGNER
      ? [FieldError.invalid(SPEC.child('signerName'), signerName, 'the legacy signerName is not allowed via this API version')]
      : validateSignerName(SPEC.child('signerName'), signerName)),
    ...(expiration !== undefined && expiration < 600 ? [FieldError.invalid(SPEC.child('expirationSeconds'), expiration, 'may not specify a duration less than 600 seconds (10 minutes)')] : []),
    ...validateConditions(obj),
    ...validateCertificate(mapOf(obj.status).certificate),
  ];
}

function conditionsOfType(obj: ApiObject, type: string): JsonMap[] {
  return mapsOf(mapOf(obj.status).conditions).filter((c) => c.type === type);
}

/** What every update must keep: no condition removed; approval only through /approval; the certificate only set once through /status. */
function validateUpdateRules(obj: ApiObject, old: ApiObject, allow: { approval?: boolean; certificate?: boolean }): FieldError[] {
  const errs: FieldError[] = [];
  for (const type of ['Approved', 'Denied', 'Failed']) {
    if (conditionsOfType(obj, type).length < conditionsOfType(old, type).length) errs.push(FieldError.forbidden(CONDITIONS, `updates may not remove a condition of type ${JSON.stringify(type)}`));
  }
  if (!allow.approval) {
    for (const type of ['Approved', 'Denied']) {
      const before = conditionsOfType(old, type);
      const after = conditionsOfType(obj, type);
      if (after.length > before.length) errs.push(FieldError.forbidden(CONDITIONS, `updates may not add a condition of type ${JSON.stringify(type)}`));
      else if (after.length === before.length && !sameJson(before, after)) errs.push(FieldError.forbidden(CONDITIONS, `updates may not modify a condition of type ${JSON.stringify(type)}`));
    }
  }
  const certificate = stringOf(mapOf(obj.status).certificate);
  const oldCertificate = stringOf(mapOf(old.status).certificate);
  if (!bytesOf(certificate).equals(bytesOf(oldCertificate))) {
    const path = FieldPath.of('status', 'certificate');
    if (!allow.certificate) errs.push(FieldError.forbidden(path, 'updates may not set certificate content'));
    else if (oldCertificate !== '') errs.push(FieldError.forbidden(path, 'updates may not modify existing certificate content'));
  }
  return errs;
}

/** On create the requestor is the authenticated user; clients cannot set it, nor any status. */
function prepareForCreate(obj: ApiObject, user?: RequestUser): void {
  const spec = isMap(obj.spec) ? obj.spec : (obj.spec = {});
  delete spec.username;
  delete spec.uid;
  delete spec.groups;
  delete spec.extra;
  if (user) {
    spec.username = user.username;
    if (user.uid) spec.uid = user.uid;
    spec.groups = [...user.groups];
    if (user.extra && Object.keys(user.extra).length > 0) spec.extra = structuredClone(user.extra);
  }
  obj.status = {};
}

/** The object is immutable but for its metadata, except through subresources. */
function prepareForUpdate(obj: ApiObject, old: ApiObject): void {
  obj.spec = structuredClone(old.spec);
  if (old.status === undefined) delete obj.status;
  else obj.status = structuredClone(old.status);
}

/** Conditions written without times get now (and keep the transition time of an unchanged type and status). */
function populateConditionTimestamps(obj: ApiObject, old: ApiObject): void {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const oldConditions = mapsOf(mapOf(old.status).conditions);
  for (const c of mapsOf(mapOf(obj.status).conditions)) {
    if (!c.lastUpdateTime) c.lastUpdateTime = now;
    if (!c.lastTransitionTime) {
      const same = oldConditions.find((o) => o.type === c.type && o.status === c.status && o.lastTransitionTime);
      c.lastTransitionTime = same ? same.lastTransitionTime : now;
    }
  }
}

/** /status keeps the spec and the Approved/Denied conditions as they were (same count: the old instances). */
function prepareForStatusUpdate(obj: ApiObject, old: ApiObject): void {
  obj.spec = structuredClone(old.spec);
  const conditions = listOf(mapOf(obj.status).conditions);
  const oldConditions = listOf(mapOf(old.status).conditions);
  for (const type of ['Approved', 'Denied']) {
    const newIndices = conditions.flatMap((c, i) => (mapOf(c).type === type ? [i] : []));
    const oldIndices = oldConditions.flatMap((c, i) => (mapOf(c).type === type ? [i] : []));
    if (newIndices.length !== oldIndices.length) continue;
    newIndices.forEach((n, k) => (conditions[n] = structuredClone(oldConditions[oldIndices[k]])));
  }
  populateConditionTimestamps(obj, old);
}

/** /approval changes status.conditions and metadata, nothing else. */
const approval: UpdateSubresource = {
  verbs: ['get', 'update', 'patch'],
  prepare(obj, old) {
    populateConditionTimestamps(obj, old);
    const conditions = mapOf(obj.status).conditions;
    const status: JsonMap = { ...structuredClone(mapOf(old.status)) };
    if (conditions === undefined) delete status.conditions;
    else status.conditions = conditions;
    return { ...obj, spec: structuredClone(old.spec), status };
  },
  validate: (obj, old) => [...validate(obj), ...validateUpdateRules(obj, old, { approval: true })],
};

/** extractCSRStatus: Denied or Approved or Pending, then Failed and Issued. */
export function csrCondition(obj: ApiObject): string {
  let text = hasCondition(obj, 'Denied') ? 'Denied' : hasCondition(obj, 'Approved') ? 'Approved' : 'Pending';
  if (hasCondition(obj, 'Failed')) text += ',Failed';
  if (stringOf(mapOf(obj.status).certificate) !== '') text += ',Issued';
  return text;
}

function requestedDuration(spec: JsonMap): string {
  const seconds = numberOf(spec.expirationSeconds);
  return seconds === undefined ? '<none>' : humanDuration(seconds * 1000);
}

export const certificateSigningRequestStrategy: KindStrategy = {
  names: {
    group: 'certificates.k8s.io',
    version: 'v1',
    kind: 'CertificateSigningRequest',
    plural: 'certificatesigningrequests',
    singular: 'certificatesigningrequest',
    shortNames: ['csr'],
    namespaced: false,
  },
  statusSubresource: true,
  updateSubresources: { approval },
  // Upstream does not care what certificate requests are called.
  nameValidation: () => [],
  prepareForCreate,
  prepareForUpdate,
  prepareForStatusUpdate,
  validate,
  validateUpdate: (obj, old) => validateUpdateRules(obj, old, {}),
  validateStatusUpdate: (obj, old) => [...validate(obj), ...validateUpdateRules(obj, old, { certificate: true })],
  table: {
    columns: [
      nameColumn,
      ageColumn,
      column('SignerName', 'signerName indicates the requested signer, and is a qualified name.'),
      column('Requestor', 'Name of the user who requested the CSR.'),
      column('RequestedDuration', 'expirationSeconds is the requested duration of validity of the issued certificate.'),
      column('Condition', 'conditions applied to the request. Known conditions are "Approved", "Denied", and "Failed".'),
    ],
    cells: (obj) => {
      const spec = mapOf(obj.spec);
      return [stringOf(obj.metadata?.name), ageCell(obj), stringOf(spec.signerName) || '<none>', stringOf(spec.username), requestedDuration(spec), csrCondition(obj)];
    },
  },
  selectableFields: (obj) => ({ 'spec.signerName': stringOf(mapOf(obj.spec).signerName) }),
};
