// Shared pieces of `kubectl get` tables (upstream pkg/printers/internalversion):
// the name and age columns and the formatting rules every printer uses.
import type { TableCell, TableColumn } from '../kind.js';
import { formatLabels } from '../../machinery/labels.js';
import { isMap, metadataOf, stringOf } from './util.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * duration.HumanDuration: about two significant figures ("45s", "5m3s", "3h",
 * "2d4h", "1y20d"); a little clock skew reads as now.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24) % 365;
    const years = Math.trunc(hours / 24 / 365);
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** duration.ShortHumanDuration: one unit only ("5m", "3h", "2d"). */
export function shortHumanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${Math.trunc(hours / 24)}d`;
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** translateTimestampSince: the age of an RFC 3339 time, `<unknown>` when unset. */
export function timestampSince(timestamp: unknown, now: number = Date.now()): string {
  const text = stringOf(timestamp);
  const at = text ? Date.parse(text) : NaN;
  if (Number.isNaN(at)) return '<unknown>';
  return humanDuration(now - at);
}

/** The AGE cell of an object. */
export function ageCell(obj: unknown, now: number = Date.now()): string {
  return timestampSince(metadataOf(obj).creationTimestamp, now);
}

export const NAME_DESCRIPTION =
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names';

export const CREATION_TIMESTAMP_DESCRIPTION =
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

export const nameColumn: TableColumn = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: NAME_DESCRIPTION,
  priority: 0,
};

export const ageColumn: TableColumn = {
  name: 'Age',
  type: 'string',
  description: CREATION_TIMESTAMP_DESCRIPTION,
  priority: 0,
};

/** A string column shown always (priority 0) or only with `-o wide` (1). */
export function column(name: string, description: string, priority = 0, type: TableColumn['type'] = 'string'): TableColumn {
  return { name, type, description, priority };
}

/** Printers' labels.FormatLabels: `k=v,...` sorted, `<none>` when empty. */
export function formatLabelsOrNone(labels: unknown): string {
  if (!isMap(labels)) return '<none>';
  const text = formatLabels(Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, stringOf(v)])));
  return text === '' ? '<none>' : text;
}

export function orNone(value: string): string {
  return value === '' ? '<none>' : value;
}

/** Container names and images as the wide columns of workloads show them. */
export function containerCells(containers: unknown): [TableCell, TableCell] {
  const list = Array.isArray(containers) ? containers.filter(isMap) : [];
  return [list.map((c) => stringOf(c.name)).join(','), list.map((c) => stringOf(c.image)).join(',')];
}
