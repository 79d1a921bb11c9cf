// Printing benchmark results: a table with each figure beside its baseline, and JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface BenchRow {
  backend: string;
  metric: string;
  value: number;
  baseline: number;
  /** For throughput; for latencies and durations lower is better. */
  higherIsBetter: boolean;
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** The store's cost relative to the baseline: 1.00 is no overhead, 2.00 twice the cost. */
export function overhead(row: BenchRow): number {
  return row.higherIsBetter ? row.baseline / row.value : row.value / row.baseline;
}

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n.toFixed(2);
}

export function printTable(title: string, rows: BenchRow[]): string {
  const header = ['backend', 'metric', 'k8ts', 'baseline', 'overhead'];
  const body = rows.map((r) => [r.backend, r.metric, fmt(r.value), fmt(r.baseline), `${overhead(r).toFixed(2)}x`]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [`# ${title}`, line(header), ...body.map(line)].join('\n');
}

export function writeJson(path: string, rows: BenchRow[]): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify({ date: new Date().toISOString(), rows: rows.map((r) => ({ ...r, overhead: overhead(r) })) }, null, 2));
}
