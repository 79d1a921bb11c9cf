// The action subresources of each resource, by "group/plural".
import type { ActionSubresource } from './action.js';
import { podBinding } from './binding.js';
import { podEviction } from './eviction.js';
import { serviceAccountToken } from './token.js';
import type { ConnectSubresource } from './connect.js';
import { podAttach, podExec } from './exec.js';
import { podLog } from './log.js';
import { podPortForward } from './portforward.js';
import { nodeProxy, podProxy, serviceProxy } from './proxy.js';

const actions: Record<string, readonly ActionSubresource[]> = {
  '/pods': [podBinding, podEviction],
  '/serviceaccounts': [serviceAccountToken],
};

export function actionSubresources(group: string, plural: string): readonly ActionSubresource[] {
  return actions[`${group}/${plural}`] ?? [];
}

export type { ActionSubresource } from './action.js';

const connects: Record<string, readonly ConnectSubresource[]> = {
  '/pods': [podLog, podExec, podAttach, podPortForward, podProxy],
  '/services': [serviceProxy],
  '/nodes': [nodeProxy],
};

/** The subresource that streams or proxies (pods/log, pods/exec, ...), if `name` is one. */
export function connectSubresource(group: string, plural: string, name: string): ConnectSubresource | undefined {
  if (!name) return undefined;
  return connects[`${group}/${plural}`]?.find((c) => c.name === name);
}

/** The connect subresources of a resource, for discovery. */
export function connectSubresources(group: string, plural: string): readonly ConnectSubresource[] {
  return connects[`${group}/${plural}`] ?? [];
}
