// pods/binding: the scheduler's (or a user's) assignment of a pod to a node
// (upstream pkg/registry/core/pod/storage BindingREST).
import type { ApiObject } from '../../api/kind.js';
import { validatePodBinding } from '../../api/core/pod.js';
import { badRequest, conflict, invalid } from '../../machinery/status.js';
import type { HandlerInput } from '../handlers.js';
import { parseJson, readBody, sendJson } from '../http.js';
import { nowTimestamp } from '../registry/metadata.js';
import { setPodCondition } from './pod-conditions.js';
import { successStatus, type ActionSubresource } from './action.js';

export const podBinding: ActionSubresource = {
  name: 'binding',
  kind: { group: '', version: 'v1', kind: 'Binding' },
  async serve(input: HandlerInput): Promise<void> {
    const { info, resource } = input;
    const binding = parseJson(await readBody(input.req)) as ApiObject;
    if (binding.metadata?.name !== undefined && binding.metadata.name !== info.name) {
      throw badRequest('name in URL does not match name in Binding object');
    }
    if (binding.metadata?.namespace && binding.metadata.namespace !== info.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const errors = validatePodBinding(binding);
    if (errors.length > 0) throw invalid({ group: '', kind: 'Binding' }, info.name, errors);
    const nodeName = (binding.target as { name: string }).name;
    const dryRun = input.url.searchParams.has('dryRun');
    await resource.guaranteedUpdate(info.namespace, info.name, (pod) => assignPod(pod, nodeName, binding), 'binding', { dryRun });
    sendJson(input.res, 201, successStatus(201));
  },
};

/** setPodHostAndAnnotations: the pod gets its node, the binding's annotations, and PodScheduled=True. */
function assignPod(pod: ApiObject, nodeName: string, binding: ApiObject): ApiObject {
  const name = pod.metadata?.name ?? '';
  const spec = (pod.spec ?? {}) as Record<string, unknown>;
  const gr = { group: '', resource: 'pods' };
  if (pod.metadata?.deletionTimestamp) throw conflict(gr, name, `pod ${name} is being deleted, cannot be assigned to a host`);
  if (spec.nodeName) throw conflict(gr, name, `pod ${name} is already assigned to node "${String(spec.nodeName)}"`);
  if (Array.isArray(spec.schedulingGates) && spec.schedulingGates.length > 0) {
    throw conflict(gr, name, `pod ${name} has non-empty .spec.schedulingGates`);
  }
  spec.nodeName = nodeName;
  pod.spec = spec;
  const annotations = binding.metadata?.annotations;
  if (annotations) pod.metadata = { ...pod.metadata, annotations: { ...pod.metadata?.annotations, ...annotations } };
  setPodCondition(pod, { type: 'PodScheduled', status: 'True', lastTransitionTime: nowTimestamp() });
  return pod;
}
