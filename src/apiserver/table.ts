// Server-side printing: the meta.k8s.io/v1 Table that `kubectl get` asks for.
import type { ApiObject, KindStrategy, TableCell, TableColumn } from '../api/kind.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  includeObject: IncludeObject;
}

const defaultColumns: TableColumn[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
  { name: 'Created At', type: 'date', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 },
];

export function tableColumns(strategy: KindStrategy): TableColumn[] {
  return strategy.table?.columns ?? defaultColumns;
}

function cellsOf(strategy: KindStrategy, obj: ApiObject): TableCell[] {
  if (strategy.table) return strategy.table.cells(obj);
  return [obj.metadata?.name ?? '', obj.metadata?.creationTimestamp ?? null];
}

function rowObject(obj: ApiObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function toTable(
  strategy: KindStrategy,
  objects: ApiObject[],
  options: TableOptions,
  listMeta: { resourceVersion?: string; continue?: string; remainingItemCount?: number } = {},
): Record<string, unknown> {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: tableColumns(strategy),
    rows: objects.map((obj) => ({ cells: cellsOf(strategy, obj), object: rowObject(obj, options.includeObject) })),
  };
}

/** Whether the Accept header asks for a Table (`application/json;as=Table;v=v1;g=meta.k8s.io`). */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return params.includes('as=Table') && params.includes('g=meta.k8s.io') && (params.includes('v=v1') || params.includes('v=v1beta1'));
  });
}

/**
 * Whether an Accept header can be answered with the object itself: some entry is a plain media type
 * the server encodes (no `as=` conversion), or a wildcard. Kinds without Table conversion (the
 * review kinds) answer 406 when it cannot.
 */
export function acceptsPlainObject(accept: string | undefined): boolean {
  if (!accept) return true;
  return accept.split(',').some((part) => {
    const [type, ...params] = part.split(';').map((p) => p.trim());
    if (params.some((p) => p.startsWith('as='))) return false;
    return ['*/*', 'application/*', 'application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'].includes(type);
  });
}

export function includeObjectParam(value: string | null): IncludeObject {
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}
