// A StatefulSet pod's identity: its ordinal, name, hostname, subdomain and the
// PersistentVolumeClaims `<template>-<set>-<ordinal>` that follow it.
import type { OwnerReference } from '../../machinery/meta.js';
import { CONTROLLER_REVISION_HASH } from '../controller-utils/history.js';
import type { PersistentVolumeClaim, Pod, StatefulSet } from '../controller-utils/types.js';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

/** The set and ordinal in a pod name `<set>-<ordinal>`, or undefined. */
export function parentAndOrdinal(podName: string): { parent: string; ordinal: number } | undefined {
  const m = /^(.*)-([0-9]+)$/.exec(podName);
  if (!m) return undefined;
  return { parent: m[1], ordinal: Number(m[2]) };
}

export function ordinalOf(pod: Pod): number {
  return parentAndOrdinal(pod.metadata?.name ?? '')?.ordinal ?? -1;
}

export function isMemberOf(set: StatefulSet, pod: Pod): boolean {
  return parentAndOrdinal(pod.metadata?.name ?? '')?.parent === set.metadata?.name;
}

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata!.name}-${ordinal}`;
}

export function claimName(set: StatefulSet, template: string, ordinal: number): string {
  return `${template}-${set.metadata!.name}-${ordinal}`;
}

export function startOrdinal(set: StatefulSet): number {
  return set.spec?.ordinals?.start ?? 0;
}

/** The claims a pod of this ordinal uses, as they should be created. */
export function persistentVolumeClaims(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  const selectorLabels = set.spec?.selector?.matchLabels ?? {};
  return (set.spec?.volumeClaimTemplates ?? []).map((t) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimName(set, t.metadata!.name!, ordinal),
      namespace: set.metadata?.namespace,
      labels: { ...(t.metadata?.labels ?? {}), ...selectorLabels },
      ...(t.metadata?.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
    },
    spec: structuredClone(t.spec),
  }));
}

/** newStatefulSetPod: the pod of an ordinal at a revision. */
export function newStatefulSetPod(set: StatefulSet, ordinal: number, ownerRef: OwnerReference, revisionName: string): Pod {
  const template = set.spec!.template;
  const name = podName(set, ordinal);
  const spec = structuredClone(template.spec) as NonNullable<Pod['spec']>;
  const claims = new Map((set.spec?.volumeClaimTemplates ?? []).map((t) => [t.metadata!.name!, claimName(set, t.metadata!.name!, ordinal)]));
  const volumes = (spec.volumes ?? []).filter((v) => !claims.has(v.name));
  for (const [volume, claim] of claims) volumes.push({ name: volume, persistentVolumeClaim: { claimName: claim } });
  if (volumes.length > 0) spec.volumes = volumes;
  spec.hostname = name;
  if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata?.namespace,
      labels: {
        ...(template.metadata?.labels ?? {}),
        [POD_NAME_LABEL]: name,
        [POD_INDEX_LABEL]: String(ordinal),
        [CONTROLLER_REVISION_HASH]: revisionName,
      },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [ownerRef],
    },
    spec,
  };
}

/** identityMatches: name and identity labels say who the pod is (hostname and subdomain are immutable once created). */
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const name = pod.metadata?.name ?? '';
  const labels = pod.metadata?.labels ?? {};
  return (
    isMemberOf(set, pod) &&
    pod.metadata?.namespace === set.metadata?.namespace &&
    labels[POD_NAME_LABEL] === name &&
    labels[POD_INDEX_LABEL] === String(ordinalOf(pod))
  );
}

/** updateIdentity: restores the identity labels. */
export function withIdentityLabels(pod: Pod): Pod {
  const copy = structuredClone(pod);
  const name = copy.metadata!.name!;
  copy.metadata!.labels = { ...(copy.metadata!.labels ?? {}), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinalOf(pod)) };
  return copy;
}
