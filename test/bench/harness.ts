/** The benchmark harness: named benchmarks, one table printed, one JSON file written per run. */

export interface BenchRow {
  benchmark: string;
  /** What was measured, e.g. `insertMany batch=1000`. */
  case: string;
  value: number;
  unit: string;
  /** The value of the baseline this row is compared with, measured in the same run. */
  baseline?: number;
  /** value / baseline (or baseline / value for latencies, so > 1 always means better than the baseline). */
  ratio?: number;
  notes?: string;
}

export interface BenchContext {
  mongoUri: string;
  redisUrl: string;
  /** Progress line for long benchmarks. */
  log(message: string): void;
  /** Rows measured so far in this run, so a benchmark can report a ratio against another's baseline. */
  rows: BenchRow[];
}

export interface Benchmark {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}

export function formatTable(rows: BenchRow[]): string {
  const header = ['benchmark', 'case', 'value', 'unit', 'baseline', 'ratio', 'notes'];
  const cells = rows.map((r) => [
    r.benchmark,
    r.case,
    formatNumber(r.value),
    r.unit,
    r.baseline === undefined ? '' : formatNumber(r.baseline),
    r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`,
    r.notes ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => `| ${c.map((v, i) => v.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(3);
}

/** Percentile (0..100) of numbers, by nearest rank. */
export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}
