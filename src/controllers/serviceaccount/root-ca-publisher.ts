// The root CA publisher (upstream pkg/controller/certificates/rootcacertpublisher):
// every active namespace holds the ConfigMap `kube-root-ca.crt` whose `ca.crt`
// is the cluster CA, so pods can verify the API server; it is recreated when
// deleted and put back when changed.
import * as resources from '../../client/resources.js';
import { WorkQueue } from '../../client/workqueue.js';
import type { KubeObject } from '../../client/types.js';
import type { Controller, ControllerContext } from '../context.js';
import { isAlreadyExists, isNotFound, runQueue } from '../controller-utils/run.js';
import { isActive } from './serviceaccounts-controller.js';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
export const ROOT_CA_KEY = 'ca.crt';
export const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
export const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.';

interface ConfigMap extends KubeObject {
  data?: Record<string, string>;
}

export class RootCAPublisher {
  private readonly queue = new WorkQueue<string>();
  private readonly namespaces;
  private readonly configMaps;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly rootCA: string,
  ) {
    this.namespaces = ctx.informers.informerFor<KubeObject>(resources.namespaces);
    this.configMaps = ctx.informers.informerFor<ConfigMap>(resources.configmaps);
    const enqueue = (ns: KubeObject) => this.queue.add(ns.metadata!.name!);
    this.namespaces.addEventHandler({ onAdd: enqueue, onUpdate: (_old, ns) => enqueue(ns) });
    const onConfigMap = (cm: ConfigMap) => {
      if (cm.metadata?.name === ROOT_CA_CONFIGMAP) this.queue.add(cm.metadata.namespace!);
    };
    this.configMaps.addEventHandler({ onUpdate: (_old, cm) => onConfigMap(cm), onDelete: onConfigMap });
  }

  run(signal: AbortSignal): Promise<void> {
    return runQueue(this.ctx, signal, this.queue, 2, (ns) => this.sync(ns));
  }

  async sync(namespace: string): Promise<void> {
    if (!isActive(this.namespaces.lister.get(undefined, namespace))) return;
    const client = this.ctx.client.resource<ConfigMap>(resources.configmaps);
    const data = { [ROOT_CA_KEY]: this.rootCA };
    const cm = this.configMaps.lister.get(namespace, ROOT_CA_CONFIGMAP);
    try {
      if (!cm) {
        await client.create(namespace, { metadata: { name: ROOT_CA_CONFIGMAP, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data });
        return;
      }
      const dataMatches = JSON.stringify(cm.data ?? {}) === JSON.stringify(data) && Object.keys(cm).every((k) => k !== 'binaryData');
      if (dataMatches && cm.metadata?.annotations?.[DESCRIPTION_ANNOTATION]) return;
      const { binaryData: _binary, ...rest } = cm;
      await client.update({ ...rest, data, metadata: { ...cm.metadata, annotations: { ...cm.metadata?.annotations, [DESCRIPTION_ANNOTATION]: DESCRIPTION } } });
    } catch (err) {
      // Gone meanwhile, or the namespace started terminating: nothing to publish.
      if (isAlreadyExists(err) || isNotFound(err) || (err as { code?: number }).code === 403) return;
      throw err;
    }
  }
}

export const rootCAPublisher: Controller = {
  name: 'root-ca-certificate-publisher-controller',
  start(ctx, signal) {
    if (!ctx.rootCAPem) {
      ctx.log.warn('no cluster CA to publish; kube-root-ca.crt is not maintained');
      return;
    }
    return new RootCAPublisher(ctx, ctx.rootCAPem).run(signal);
  },
};
