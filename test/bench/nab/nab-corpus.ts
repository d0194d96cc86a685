import * as fs from 'node:fs';
import * as path from 'node:path';

/** A NAB-format series: rows of `timestamp,value` and its labelled windows. */
export interface NabSeries {
  name: string;
  timestamps: number[];
  values: number[];
  windows: [number, number][];
}

/** Where the NAB data lives: `IDM_NAB_DIR`, else `../shared/datasets/nab-dev` beside the repository. */
export function nabDir(): string {
  return process.env.IDM_NAB_DIR ?? path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'datasets', 'nab-dev');
}

/** NAB timestamps are `YYYY-MM-DD HH:MM:SS[.ffffff]` without a zone: read them as UTC. */
export function parseNabTime(text: string): number {
  const t = Date.parse(text.trim().replace(' ', 'T').replace(/(\.\d{3})\d*$/, '$1') + 'Z');
  if (Number.isNaN(t)) throw new Error(`bad NAB timestamp: ${text}`);
  return t;
}

export function parseNabCsv(text: string): { timestamps: number[]; values: number[] } {
  const timestamps: number[] = [];
  const values: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const comma = line.indexOf(',');
    timestamps.push(parseNabTime(line.slice(0, comma)));
    values.push(Number(line.slice(comma + 1)));
  }
  return { timestamps, values };
}

export function loadNabCorpus(dir = nabDir()): NabSeries[] {
  const windowsFile = path.join(dir, 'windows.json');
  if (!fs.existsSync(windowsFile)) throw new Error(`NAB data not found: ${windowsFile} (set IDM_NAB_DIR)`);
  const labels = JSON.parse(fs.readFileSync(windowsFile, 'utf8')) as Record<string, [string, string][]>;
  return Object.keys(labels)
    .sort()
    .filter((name) => fs.existsSync(path.join(dir, 'data', name)))
    .map((name) => {
      const { timestamps, values } = parseNabCsv(fs.readFileSync(path.join(dir, 'data', name), 'utf8'));
      return { name, timestamps, values, windows: labels[name].map(([a, b]) => [parseNabTime(a), parseNabTime(b)] as [number, number]) };
    });
}
