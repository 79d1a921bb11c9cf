// pods/exec and pods/attach: check the pod and container, then pass the
// upgraded connection (WebSocket v5/v4 channel protocols) through to the
// kubelet as bytes, as upstream's upgrade-aware proxy does.
import { badRequest } from '../../machinery/status.js';
import { kubeletOf, nodeKubelet, passQuery, podContainer, podNodeName, type ConnectInput, type ConnectSubresource } from './connect.js';
import { relayResponse } from '../streaming/upgrade.js';

function streamSubresource(name: 'exec' | 'attach'): ConnectSubresource {
  return {
    name,
    discovery: { kind: name === 'exec' ? 'PodExecOptions' : 'PodAttachOptions', verbs: ['create', 'get'] },
    async serve(input: ConnectInput): Promise<void> {
      const { url, info } = input;
      const pod = await input.resource.get(info.namespace, info.name);
      const container = podContainer(pod, url.searchParams.get('container') ?? '');
      const nodeName = podNodeName(pod);
      if (!nodeName) throw badRequest(`pod ${info.name} does not have a host assigned`);
      if (!input.upgrade) throw badRequest('Upgrade request required');
      const loc = await nodeKubelet(input, nodeName);
      const path = `/${name}/${info.namespace}/${info.name}/${container}${passQuery(url, ['command', 'stdin', 'stdout', 'stderr', 'tty'])}`;
      const refused = await kubeletOf(input).upgrade(loc, path, input.req, input.upgrade.socket, input.upgrade.head);
      if (refused) await relayResponse(refused, input.upgrade.socket);
    },
  };
}

export const podExec = streamSubresource('exec');
export const podAttach = streamSubresource('attach');
