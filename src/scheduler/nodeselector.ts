// Node selectors and node affinity terms (upstream component-helpers
// nodeaffinity): requirements over labels, and over fields (metadata.name).
import type { Node, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod } from './types.js';

const int64Re = /^[+-]?[0-9]+$/;

function requirementMatches(req: NodeSelectorRequirement, labels: Record<string, string>): boolean {
  const has = Object.hasOwn(labels, req.key);
  const value = has ? labels[req.key] : undefined;
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return has && values.length > 0 && values.includes(value as string);
    case 'NotIn':
      return values.length > 0 && (!has || !values.includes(value as string));
    case 'Exists':
      return values.length === 0 && has;
    case 'DoesNotExist':
      return values.length === 0 && !has;
    case 'Gt':
    case 'Lt': {
      if (values.length !== 1 || !has || !int64Re.test(values[0]) || !int64Re.test(value as string)) return false;
      const actual = BigInt(value as string);
      const wanted = BigInt(values[0]);
      return req.operator === 'Gt' ? actual > wanted : actual < wanted;
    }
    default:
      return false;
  }
}

function fieldMatches(req: NodeSelectorRequirement, node: Node): boolean {
  // Only metadata.name is a supported field, with In and NotIn.
  if (req.key !== 'metadata.name' || (req.operator !== 'In' && req.operator !== 'NotIn')) return false;
  if ((req.values ?? []).length !== 1) return false;
  return requirementMatches(req, { 'metadata.name': node.metadata.name ?? '' });
}

/** A term matches when all its expressions and fields do; an empty term matches nothing. */
export function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  return exprs.every((r) => requirementMatches(r, labels)) && fields.every((r) => fieldMatches(r, node));
}

/** Terms are ORed. */
export function nodeSelectorMatches(selector: NodeSelector, node: Node): boolean {
  return (selector.nodeSelectorTerms ?? []).some((t) => termMatches(t, node));
}

/** GetRequiredNodeAffinity(pod).Match(node): spec.nodeSelector and required node affinity. */
export function podMatchesNodeSelectorAndAffinity(pod: Pod, node: Node): boolean {
  const selector = pod.spec.nodeSelector;
  const required = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!selector && !required) return true;
  const labels = node.metadata.labels ?? {};
  if (selector) for (const k in selector) if (labels[k] !== selector[k]) return false;
  return !required || nodeSelectorMatches(required, node);
}
