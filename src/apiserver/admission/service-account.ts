// ServiceAccount admission (upstream plugin/pkg/admission/serviceaccount): a
// new pod runs as `default` unless it names a ServiceAccount, which must exist;
// unless the pod or its ServiceAccount opts out with
// automountServiceAccountToken: false, every container and init container
// mounts the projected volume kube-api-access-xxxxx (a bound token, the
// cluster CA and the namespace) at /var/run/secrets/kubernetes.io/serviceaccount.
import { randomInt } from 'node:crypto';
import type { ApiObject } from '../../api/kind.js';
import { forbidden, isApiError } from '../../machinery/status.js';
import type { ResourceMap } from '../registry/resource-map.js';
import type { AdmissionPlugin } from './plugin.js';

export const DEFAULT_SERVICE_ACCOUNT = 'default';
export const API_TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const SERVICE_ACCOUNT_VOLUME_NAME = 'kube-api-access';
/** Upstream's bound token lifetime for the default volume (warn-only expiration). */
export const TOKEN_EXPIRATION_SECONDS = 3607;
const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
/** Upstream's alphabet for generated name suffixes (no vowels, no confusable digits). */
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
}
interface Container {
  name?: string;
  volumeMounts?: VolumeMount[];
}
export interface PodSpec {
  serviceAccountName?: string;
  serviceAccount?: string;
  automountServiceAccountToken?: boolean;
  imagePullSecrets?: { name: string }[];
  volumes?: { name: string; [source: string]: unknown }[];
  containers?: Container[];
  initContainers?: Container[];
}
interface ServiceAccount extends ApiObject {
  automountServiceAccountToken?: boolean;
  imagePullSecrets?: { name: string }[];
}

const pods = { group: '', resource: 'pods' };

export function generatedVolumeName(): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return `${SERVICE_ACCOUNT_VOLUME_NAME}-${suffix}`;
}

/** The projected volume source of the API token volume (upstream TokenVolumeSource). */
export function tokenVolumeSource(): object {
  return {
    defaultMode: 0o644,
    sources: [
      { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  };
}

/** Mounts the token volume in every container without something at the mount path already. */
export function mountServiceAccountToken(spec: PodSpec): void {
  const existing = (spec.volumes ?? []).find((v) => v.name.startsWith(`${SERVICE_ACCOUNT_VOLUME_NAME}-`));
  const volumeName = existing?.name ?? generatedVolumeName();
  let needsVolume = false;
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    if ((container.volumeMounts ?? []).some((m) => m.mountPath === API_TOKEN_MOUNT_PATH)) continue;
    container.volumeMounts = [...(container.volumeMounts ?? []), { name: volumeName, readOnly: true, mountPath: API_TOKEN_MOUNT_PATH }];
    needsVolume = true;
  }
  if (!existing && needsVolume) spec.volumes = [...(spec.volumes ?? []), { name: volumeName, projected: tokenVolumeSource() }];
}

/** The name upstream admission errors show: admission runs before a generateName is resolved there. */
function nameForMessage(obj: ApiObject): string {
  const { name = '', generateName = '' } = obj.metadata ?? {};
  if (generateName && name.startsWith(generateName) && name.length === generateName.length + 5) return generateName;
  return name || 'Unknown';
}

export function serviceAccountAdmission(resources: ResourceMap, options: { defaultLookupAttempts?: number; retryIntervalMs?: number } = {}): AdmissionPlugin {
  const serviceAccounts = () => resources.get('', 'serviceaccounts');
  // `default` is created by the ServiceAccount controller shortly after its namespace: wait for it a little.
  const defaultAttempts = options.defaultLookupAttempts ?? 50;
  const interval = options.retryIntervalMs ?? 200;

  const lookup = async (namespace: string, name: string): Promise<ServiceAccount> => {
    const attempts = name === DEFAULT_SERVICE_ACCOUNT ? defaultAttempts : 1;
    for (let i = 0; i < attempts; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, interval));
      const sa = await serviceAccounts().cachedGet(namespace, name);
      if (sa) return sa as ServiceAccount;
    }
    throw new Error(`serviceaccount "${name}" not found`);
  };

  return {
    name: 'ServiceAccount',
    resources: ['/pods'],
    async admit(obj, operation) {
      if (operation !== 'create') return;
      if (obj.metadata?.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return;
      const spec = (obj.spec ?? {}) as PodSpec;
      obj.spec = spec;
      spec.serviceAccountName ||= spec.serviceAccount || DEFAULT_SERVICE_ACCOUNT;
      spec.serviceAccount = spec.serviceAccountName;
      const namespace = obj.metadata?.namespace ?? '';
      let sa: ServiceAccount;
      try {
        sa = await lookup(namespace, spec.serviceAccountName);
      } catch (err) {
        const reason = isApiError(err) ? err.status.message : (err as Error).message;
        throw forbidden(pods, nameForMessage(obj), `error looking up service account ${namespace}/${spec.serviceAccountName}: ${reason}`);
      }
      if ((spec.automountServiceAccountToken ?? sa.automountServiceAccountToken ?? true) === true) mountServiceAccountToken(spec);
      if ((spec.imagePullSecrets ?? []).length === 0 && (sa.imagePullSecrets ?? []).length > 0) {
        spec.imagePullSecrets = sa.imagePullSecrets!.map((s) => ({ name: s.name }));
      }
    },
  };
}
