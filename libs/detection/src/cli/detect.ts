/**
 * Command-line detector: reads a NAB-format CSV (`timestamp,value`, header first) and writes
 * `timestamp,value,anomaly_score`, with the server's engine and default configuration. Causal: each row is
 * scored as it is read. Usage: `scripts/detect.sh in.csv [out.csv]` (stdin / stdout when omitted or `-`).
 */
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { AlertScorer } from '../engine/alert-scorer';

/** Accepts `YYYY-MM-DD HH:MM:SS[.fff]` (read as UTC, as NAB does), ISO-8601 or epoch milliseconds. */
export function parseTimestamp(text: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const iso = /^\d{4}-\d{2}-\d{2} \d/.test(t) ? t.replace(' ', 'T').replace(/(\.\d{3})\d*$/, '$1') + (/[zZ]|[+-]\d{2}:?\d{2}$/.test(t) ? '' : 'Z') : t;
  return Date.parse(iso);
}

export async function detectCsv(input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<number> {
  const scorer = new AlertScorer();
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let row = 0;
  let header = true;
  for await (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    if (header) {
      header = false;
      output.write('timestamp,value,anomaly_score\n');
      if (/^[^,]*[a-zA-Z_][^,]*,[^,]*[a-zA-Z_]/.test(line) && Number.isNaN(Number(line.split(',')[1]))) continue;
    }
    const comma = line.indexOf(',');
    const stamp = line.slice(0, comma);
    const valueText = line.slice(comma + 1).split(',')[0];
    const ts = parseTimestamp(stamp);
    const value = valueText.trim() === '' ? Number.NaN : Number(valueText);
    if (comma < 0 || Number.isNaN(ts)) throw new Error(`row ${row + 2}: cannot read "${line}" as timestamp,value`);
    // A missing or non-numeric value is scored 0 and does not touch the detector's state.
    const score = Number.isFinite(value) ? scorer.step(ts, value) : 0;
    output.write(`${stamp},${valueText},${score.toFixed(6)}\n`);
    row++;
  }
  return row;
}

async function main(): Promise<void> {
  const [inPath, outPath] = process.argv.slice(2);
  if (inPath === '-h' || inPath === '--help') {
    process.stdout.write('usage: detect.sh [input.csv|-] [output.csv|-]\n');
    return;
  }
  const input = !inPath || inPath === '-' ? process.stdin : fs.createReadStream(inPath);
  const output = !outPath || outPath === '-' ? process.stdout : fs.createWriteStream(outPath);
  const rows = await detectCsv(input, output);
  if (output !== process.stdout) await new Promise<void>((resolve) => (output as fs.WriteStream).end(resolve));
  process.stderr.write(`scored ${rows} rows\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`detect: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
