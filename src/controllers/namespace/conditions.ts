// The status conditions the namespace controller keeps on a Terminating
// namespace (upstream namespace_condition_utils): each of the five types is
// either True with what went wrong, or False with its "all is well" reason.

export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime?: string;
  reason: string;
  message: string;
}

export const conditionTypes = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;

export type NamespaceConditionType = (typeof conditionTypes)[number];

const ok: Record<NamespaceConditionType, { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: { reason: 'ResourcesDiscovered', message: 'All resources successfully discovered' },
  NamespaceDeletionGroupVersionParsingFailure: { reason: 'ParsedGroupVersions', message: 'All legacy kube types successfully parsed' },
  NamespaceDeletionContentFailure: { reason: 'ContentDeleted', message: 'All content successfully deleted, may be waiting on finalization' },
  NamespaceContentRemaining: { reason: 'ContentRemoved', message: 'All content successfully removed' },
  NamespaceFinalizersRemaining: { reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers finished' },
};

/** What one pass over a namespace's content found. */
export interface DeletionReport {
  /** The discovery error text, when some groups failed. */
  discoveryFailure?: { failingGroups: number; message: string };
  groupVersionParsingFailure?: string;
  /** One message per resource whose content could not be deleted. */
  contentErrors: string[];
  /** "resource.group" → objects left. */
  remainingByResource: Map<string, number>;
  /** finalizer → objects still held by it. */
  remainingByFinalizer: Map<string, number>;
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

function failures(report: DeletionReport): Partial<Record<NamespaceConditionType, { reason: string; message: string }>> {
  const out: Partial<Record<NamespaceConditionType, { reason: string; message: string }>> = {};
  if (report.discoveryFailure) {
    const { failingGroups, message } = report.discoveryFailure;
    out.NamespaceDeletionDiscoveryFailure = { reason: 'DiscoveryFailed', message: `Discovery failed for some groups, ${failingGroups} failing: ${message}` };
  }
  if (report.groupVersionParsingFailure) {
    out.NamespaceDeletionGroupVersionParsingFailure = { reason: 'GroupVersionParsingFailed', message: report.groupVersionParsingFailure };
  }
  if (report.contentErrors.length > 0) {
    const msgs = [...report.contentErrors].sort();
    out.NamespaceDeletionContentFailure = { reason: 'ContentDeletionFailed', message: `Failed to delete all resource types, ${msgs.length} remaining: ${msgs.join(', ')}` };
  }
  const resources = [...report.remainingByResource].filter(([, n]) => n > 0).map(([r, n]) => `${r} has ${n} resource instances`).sort();
  if (report.remainingByResource.size > 0) {
    out.NamespaceContentRemaining = { reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${resources.join(', ')}` };
  }
  const finalizers = [...report.remainingByFinalizer].filter(([, n]) => n > 0).map(([f, n]) => `${f} in ${n} resource instances`).sort();
  if (report.remainingByFinalizer.size > 0) {
    out.NamespaceFinalizersRemaining = { reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${finalizers.join(', ')}` };
  }
  return out;
}

/** The namespace's conditions after this report; `changed` says whether a status write is needed. */
export function updateConditions(existing: NamespaceCondition[] | undefined, report: DeletionReport): { conditions: NamespaceCondition[]; changed: boolean } {
  const conditions = (existing ?? []).map((c) => ({ ...c }));
  const failed = failures(report);
  let changed = false;
  for (const type of conditionTypes) {
    const failure = failed[type];
    const next: NamespaceCondition = failure ? { type, status: 'True', ...failure } : { type, status: 'False', ...ok[type] };
    const old = conditions.find((c) => c.type === type);
    if (!old) {
      conditions.push({ type, status: next.status, lastTransitionTime: now(), reason: next.reason, message: next.message });
      changed = true;
    } else if (old.status !== next.status || old.reason !== next.reason || old.message !== next.message) {
      if (old.status !== next.status) old.lastTransitionTime = now();
      Object.assign(old, { status: next.status, reason: next.reason, message: next.message });
      changed = true;
    }
  }
  return { conditions, changed };
}
