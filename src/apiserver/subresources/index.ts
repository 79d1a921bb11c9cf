// The action subresources of each resource, by "group/plural".
import type { ActionSubresource } from './action.js';
import { podBinding } from './binding.js';
import { podEviction } from './eviction.js';
import { serviceAccountToken } from './token.js';

const actions: Record<string, readonly ActionSubresource[]> = {
  '/pods': [podBinding, podEviction],
  '/serviceaccounts': [serviceAccountToken],
};

export function actionSubresources(group: string, plural: string): readonly ActionSubresource[] {
  return actions[`${group}/${plural}`] ?? [];
}

export type { ActionSubresource } from './action.js';
