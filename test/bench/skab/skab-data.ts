/** Reads SKAB experiment files (`datetime;sensors...;anomaly;changepoint`) for the bench. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAssetHeader, parseAssetRow } from '../../../libs/detection/src/cli/asset-csv';

export const SKAB_LABELS = ['anomaly', 'changepoint'];

export interface SkabFile {
  name: string;
  sensors: string[];
  ts: number[];
  values: (number | null)[][];
  /** 0/1 per row (all 0 in the anomaly-free file, which has no label columns). */
  anomaly: number[];
  changepoint: number[];
}

/** The dev set: `SKAB_DIR` or `../shared/datasets/skab-dev` beside the checkout. */
export function skabDir(): string {
  return process.env.SKAB_DIR ?? path.resolve(__dirname, '../../../../shared/datasets/skab-dev');
}

export function readSkabFile(file: string): SkabFile {
  const lines = fs.readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim());
  const probe = parseAssetHeader(lines[0]);
  const header = parseAssetHeader(lines[0], SKAB_LABELS.filter((l) => probe.columns.includes(l)));
  const col = (name: string) => header.columns.indexOf(name);
  const out: SkabFile = { name: path.basename(file, '.csv'), sensors: header.sensors, ts: [], values: [], anomaly: [], changepoint: [] };
  lines.slice(1).forEach((line, i) => {
    const row = parseAssetRow(line, header, i + 2);
    out.ts.push(row.ts);
    out.values.push(row.values);
    out.anomaly.push(col('anomaly') > 0 ? Number(row.cells[col('anomaly')]) : 0);
    out.changepoint.push(col('changepoint') > 0 ? Number(row.cells[col('changepoint')]) : 0);
  });
  return out;
}

export function readSkabDir(dir = skabDir()): SkabFile[] {
  if (!fs.existsSync(dir)) throw new Error(`SKAB dev set not found at ${dir} (set SKAB_DIR)`);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .map((f) => readSkabFile(path.join(dir, f)));
}
