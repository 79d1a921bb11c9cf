// pods/portforward: the upgraded connection (SPDY/3.1, or SPDY tunnelled in a
// WebSocket) passes through to the pod's kubelet as bytes.
import { badRequest } from '../../machinery/status.js';
import { relayResponse } from '../streaming/upgrade.js';
import { kubeletOf, nodeKubelet, passQuery, podNodeName, type ConnectInput, type ConnectSubresource } from './connect.js';

export const podPortForward: ConnectSubresource = {
  discovery: { kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
  name: 'portforward',
  async serve(input: ConnectInput): Promise<void> {
    const { url, info } = input;
    const pod = await input.resource.get(info.namespace, info.name);
    const nodeName = podNodeName(pod);
    if (!nodeName) throw badRequest(`pod ${info.name} does not have a host assigned`);
    if (!input.upgrade) throw badRequest('Upgrade request required');
    const loc = await nodeKubelet(input, nodeName);
    const path = `/portForward/${info.namespace}/${info.name}${passQuery(url, ['ports'])}`;
    const refused = await kubeletOf(input).upgrade(loc, path, input.req, input.upgrade.socket, input.upgrade.head);
    if (refused) await relayResponse(refused, input.upgrade.socket);
  },
};
