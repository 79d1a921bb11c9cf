// The API objects volumes are made from, read through the kubelet's client
// (upstream reads them through the API server too; not found is undefined).
import type { IPersistentVolume } from 'kubernetes-models/v1/PersistentVolume';
import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { isNotFound } from '../../client/errors.js';
import type { KubeObject, ResourceClient } from '../../client/types.js';
import type { VolumeSources } from './plugin.js';

interface SourceClients {
  configmaps: ResourceClient<KubeObject>;
  secrets: ResourceClient<KubeObject>;
  persistentvolumeclaims: ResourceClient<KubeObject>;
  persistentvolumes: ResourceClient<KubeObject>;
  serviceaccounts: ResourceClient<KubeObject>;
}

async function getOrUndefined<T>(client: ResourceClient<KubeObject>, namespace: string | undefined, name: string): Promise<T | undefined> {
  try {
    return (await client.get(namespace, name)) as unknown as T;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export function volumeSources(api: SourceClients): VolumeSources {
  return {
    getConfigMap: (ns, name) => getOrUndefined(api.configmaps, ns, name),
    getSecret: (ns, name) => getOrUndefined(api.secrets, ns, name),
    getPersistentVolumeClaim: (ns, name) => getOrUndefined<IPersistentVolumeClaim>(api.persistentvolumeclaims, ns, name),
    getPersistentVolume: (name) => getOrUndefined<IPersistentVolume>(api.persistentvolumes, undefined, name),
    async requestToken(ns, serviceAccount, spec) {
      const answer = await api.serviceaccounts.createSubresource(ns, serviceAccount, 'token', {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenRequest',
        metadata: { name: serviceAccount, namespace: ns },
        spec,
      } as KubeObject);
      const status = (answer.status ?? {}) as { token?: string; expirationTimestamp?: string };
      return { token: status.token ?? '', expirationTimestamp: status.expirationTimestamp ?? '' };
    },
  };
}
