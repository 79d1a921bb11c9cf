// The scale subresource: an autoscaling/v1 Scale view of a workload's replicas.
import { fieldAt, setFieldAt, type ApiObject } from '../../api/kind.js';
import { badRequest } from '../../machinery/status.js';
import { writeOptions, type HandlerInput } from '../handlers.js';
import { parseJson, readBody, sendJson } from '../http.js';
import { applyPatch } from '../patch.js';
import type { Resource } from '../registry/resource.js';

export function toScale(resource: Resource, obj: ApiObject): ApiObject {
  const paths = resource.strategy.scale!;
  const meta = obj.metadata ?? {};
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    spec: { replicas: (fieldAt(obj, paths.specReplicas) as number | undefined) ?? 0 },
    status: { replicas: (fieldAt(obj, paths.statusReplicas) as number | undefined) ?? 0, selector: paths.selector(obj) },
  };
}

function replicasOf(scale: ApiObject): number {
  const replicas = fieldAt(scale, 'spec.replicas');
  if (replicas === undefined) return 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas)) throw badRequest('spec.replicas must be an integer');
  return replicas;
}

export async function scaleHandler(input: HandlerInput): Promise<void> {
  const { req, res, info, resource } = input;
  const paths = resource.strategy.scale!;
  if (info.verb === 'get') {
    sendJson(res, 200, toScale(resource, await resource.get(info.namespace, info.name)));
    return;
  }
  const body = await readBody(req);
  const updated = await resource.guaranteedUpdate(info.namespace, info.name, (current) => {
    const scale =
      info.verb === 'patch'
        ? applyPatch(resource, (req.headers['content-type'] ?? '').split(';')[0], toScale(resource, current), body)
        : (parseJson(body) as ApiObject);
    const wanted = scale.metadata?.resourceVersion;
    if (wanted) current.metadata!.resourceVersion = wanted;
    setFieldAt(current, paths.specReplicas, replicasOf(scale));
    return current;
  }, 'scale', writeOptions(input));
  sendJson(res, 200, toScale(resource, updated));
}
