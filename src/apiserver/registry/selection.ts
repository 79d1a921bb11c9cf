// Which objects a list or watch returns: label and field selectors.
import type { ApiObject, KindStrategy } from '../../api/kind.js';
import { FieldSelectorError, parseFieldSelector, type FieldSelector } from '../../machinery/fields.js';
import { LabelSelectorError, parseSelector, type Selector } from '../../machinery/labels.js';
import { badRequest } from '../../machinery/status.js';

export interface Selection {
  labels?: Selector;
  fields?: FieldSelector;
}

export function parseSelection(strategy: KindStrategy, params: URLSearchParams): Selection {
  const selection: Selection = {};
  const labelSelector = params.get('labelSelector');
  const fieldSelector = params.get('fieldSelector');
  try {
    if (labelSelector) selection.labels = parseSelector(labelSelector);
  } catch (err) {
    if (err instanceof LabelSelectorError) throw badRequest(`unable to parse requirement: ${err.message}`);
    throw err;
  }
  try {
    if (fieldSelector) selection.fields = parseFieldSelector(fieldSelector);
  } catch (err) {
    if (err instanceof FieldSelectorError) throw badRequest(err.message);
    throw err;
  }
  if (selection.fields) checkSelectableFields(strategy, selection.fields);
  return selection;
}

/** The field values an object can be selected by. */
export function selectableFields(strategy: KindStrategy, obj: ApiObject): Record<string, string> {
  const meta = obj.metadata ?? {};
  const fields: Record<string, string> = { 'metadata.name': meta.name ?? '' };
  if (strategy.names.namespaced) fields['metadata.namespace'] = meta.namespace ?? '';
  return { ...fields, ...strategy.selectableFields?.(obj) };
}

function checkSelectableFields(strategy: KindStrategy, selector: FieldSelector): void {
  const known = new Set(Object.keys(selectableFields(strategy, { metadata: {} })));
  for (const { field } of selector.requirements()) {
    if (!known.has(field)) {
      throw badRequest(`field label not supported: ${field}`);
    }
  }
}

export function selects(strategy: KindStrategy, selection: Selection, obj: ApiObject): boolean {
  if (selection.labels && !selection.labels.matches(obj.metadata?.labels ?? {})) return false;
  if (selection.fields && !selection.fields.matches(selectableFields(strategy, obj))) return false;
  return true;
}
