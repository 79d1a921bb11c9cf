// ControllerRevisions (upstream pkg/controller/history): snapshots of a
// StatefulSet's or DaemonSet's template, named `<owner>-<hash>`, numbered in
// order, so pods can say which revision they run and rollbacks can replay one.
import type { OwnerReference } from '../../machinery/meta.js';
import { canonicalJson, hashControllerRevision } from './hash.js';
import type { ControllerRevision } from './types.js';

/** Any pod template (the typed models' and ours differ only in metadata details). */
type Template = { metadata?: { labels?: Record<string, string> } } & object;

export const CONTROLLER_REVISION_HASH = 'controller-revision-hash';

/** The revision data of a template: a strategic merge patch replacing spec.template (getPatch). */
export function templatePatch(template: Template | undefined): Record<string, unknown> {
  return { spec: { template: { ...structuredClone(template ?? {}), $patch: 'replace' } } };
}

export function revisionName(owner: string, hash: string): string {
  return `${owner.slice(0, 223)}-${hash}`;
}

export function newRevision(
  owner: { metadata?: { name?: string; namespace?: string } },
  ownerRef: OwnerReference,
  template: Template | undefined,
  revision: number,
  collisionCount: number | undefined,
): ControllerRevision {
  const data = templatePatch(template);
  const hash = hashControllerRevision(data, collisionCount);
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: revisionName(owner.metadata!.name!, hash),
      namespace: owner.metadata?.namespace,
      labels: { ...(template?.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH]: hash },
      ownerReferences: [ownerRef],
    },
    data,
    revision,
  };
}

export function equalRevisions(a: ControllerRevision, b: ControllerRevision): boolean {
  return canonicalJson(a.data) === canonicalJson(b.data);
}

export function nextRevisionNumber(revisions: ControllerRevision[]): number {
  return revisions.reduce((m, r) => Math.max(m, r.revision ?? 0), 0) + 1;
}

export const byRevision = (a: ControllerRevision, b: ControllerRevision): number =>
  (a.revision ?? 0) - (b.revision ?? 0) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
