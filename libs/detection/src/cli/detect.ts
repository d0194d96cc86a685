/**
 * Command-line detector: reads NAB-format CSVs (`timestamp,value`, header first) and writes
 * `timestamp,value,anomaly_score`, with the server's engine and default configuration. Causal: each row is
 * scored as it is read. One process scores any number of files (a directory: every `.csv` under it), each
 * with a fresh detector. See USAGE; `scripts/detect.sh` runs the compiled build (`dist/detect/main.js`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { AlertScorer } from '../engine/alert-scorer';
import { MULTIVARIATE_MODELS, MultivariateDetector, type MultivariateModel, type MultivariateSettings } from '../engine/multivariate';
import { parseAssetHeader, parseAssetRow, parseTimestamp } from './asset-csv';

export { parseTimestamp };

export const USAGE = `usage: detect.sh [--train-rows N] [input.csv|-] [output.csv|-]
       detect.sh [--train-rows N] --out-dir DIR input.csv|directory ...
       detect.sh --asset [--model pca|mewma] [--train-rows N] [--exclude COL,...] input.csv output.csv
                 (or --out-dir DIR ...)

  --train-rows N   the first N rows of each file are known normal: learned, written with score 0
  --out-dir DIR    score many files in one process; each output keeps its input's name (and its path
                   under a directory given as input); a directory means every .csv under it
  --asset          one asset per file: first column a timestamp, every other column a sensor (',' or ';'
                   separated, detected); writes timestamp,anomaly_score,anomaly,top_sensor with the
                   multivariate detector (learns the first N rows, 400 when --train-rows is not given)
  --exclude COLS   with --asset: columns that are not sensors (e.g. labels: anomaly,changepoint)
  --model M        with --asset: the detector's model, mewma (default) or pca, each with the settings
                   cross-validated on SKAB (README: equipment health)
`;

/**
 * The model `--asset` runs without `--model`: `mewma`. Scoring a file whose first rows are known normal is
 * the setting it was cross-validated in (SKAB dev, leave-one-file-out: held-out F1 0.93, FAR 0.6 %, against
 * 0.70 / 10.7 % for `pca`). The live service keeps `pca` as the assets' default (README: equipment health).
 */
export const CLI_ASSET_MODEL: MultivariateModel = 'mewma';

/**
 * Each model's settings on the command line: the ones every leave-one-file-out fold on SKAB dev chose for
 * it (`npm run bench:skab`), so the held-out figures are those of what the command runs. `pca`'s are the
 * detector's defaults; `mewma`'s differ (σ 3, smoothing 0.1), and at the defaults it scores worse there
 * (dev F1 0.77, valve2-0 0.25).
 */
export const CLI_MODEL_SETTINGS: Readonly<Record<MultivariateModel, Readonly<Partial<MultivariateSettings>>>> = Object.freeze({
  pca: {},
  mewma: { thresholdSigma: 3, smoothing: 0.1, forgetting: 1000 },
});

/** The detector settings of `--asset` for a model and the known-normal rows. */
export function cliAssetSettings(model: MultivariateModel, trainRows: number): Partial<MultivariateSettings> {
  return { ...CLI_MODEL_SETTINGS[model], ...(trainRows > 0 ? { trainSamples: trainRows } : {}), model };
}

export interface DetectOptions {
  /** Leading rows of each file that are known normal: learned, scored 0. */
  trainRows: number;
  /** Multivariate mode: the file is one asset, its columns its sensors. */
  asset?: boolean;
  /** Asset mode: columns that are not sensors. */
  exclude?: string[];
  /** Asset mode: the multivariate detector's model. */
  model?: MultivariateModel;
}

export interface CliArgs extends DetectOptions {
  inputs: string[];
  /** Single-file mode: where to write (stdout when absent or `-`). */
  output?: string;
  outDir?: string;
  help: boolean;
}

/** Reads the command line; throws with a message naming the bad argument. */
export function parseArgs(argv: readonly string[]): CliArgs {
  const out: CliArgs = { inputs: [], trainRows: 0, help: false, asset: false, exclude: [] };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (a === '-h' || a === '--help') out.help = true;
    else if (flag === '--train-rows') {
      const v = value();
      if (!/^\d+$/.test(v)) throw new Error(`--train-rows must be a whole number of rows, 0 or more (got "${v}")`);
      out.trainRows = Number(v);
    } else if (flag === '--out-dir') out.outDir = value();
    else if (a === '--asset') out.asset = true;
    else if (flag === '--exclude') out.exclude = value().split(',').map((c) => c.trim()).filter(Boolean);
    else if (flag === '--model') {
      const v = value();
      if (!(MULTIVARIATE_MODELS as readonly string[]).includes(v)) throw new Error(`--model must be one of ${MULTIVARIATE_MODELS.join(', ')} (got "${v}")`);
      out.model = v as MultivariateModel;
    }
    else if (a.startsWith('-') && a !== '-') throw new Error(`unknown option ${a}`);
    else positional.push(a);
  }
  if (out.exclude?.length && !out.asset) throw new Error('--exclude needs --asset');
  if (out.model !== undefined && !out.asset) throw new Error('--model needs --asset');
  if (out.outDir !== undefined) {
    if (!positional.length) throw new Error('--out-dir needs at least one input file or directory');
    if (positional.includes('-')) throw new Error('--out-dir reads files, not stdin (-)');
    out.inputs = positional;
  } else {
    if (positional.length > 2) throw new Error('several inputs need --out-dir DIR');
    out.inputs = positional.slice(0, 1);
    out.output = positional[1];
  }
  return out;
}

/** Every `.csv` under `dir`, sorted, as paths relative to it (the NAB corpus keeps one folder per category). */
export function csvFilesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? path.join(rel, entry.name) : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && entry.name.toLowerCase().endsWith('.csv')) found.push(child);
    }
  };
  walk('');
  return found.sort();
}

/** Input → output pairs for `--out-dir`; a directory contributes every `.csv` under it, keeping its path. */
export function plan(inputs: readonly string[], outDir: string): { input: string; output: string }[] {
  const jobs = inputs.flatMap((input) => {
    if (!fs.existsSync(input)) throw new Error(`${input}: no such file or directory`);
    if (fs.statSync(input).isDirectory()) return csvFilesUnder(input).map((rel) => ({ input: path.join(input, rel), output: path.join(outDir, rel) }));
    return [{ input, output: path.join(outDir, path.basename(input)) }];
  });
  const seen = new Map<string, string>();
  for (const j of jobs) {
    const twin = seen.get(path.resolve(j.output));
    if (twin !== undefined) throw new Error(`${j.input} and ${twin} would both write ${j.output}`);
    if (path.resolve(j.output) === path.resolve(j.input)) throw new Error(`${j.input}: --out-dir would overwrite the input`);
    seen.set(path.resolve(j.output), j.input);
  }
  return jobs;
}

export async function detectCsv(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, options: Partial<DetectOptions> = {}): Promise<number> {
  const trainRows = options.trainRows ?? 0;
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
    // Known-normal rows are learned like any other and never reported.
    const flowing = output.write(`${stamp},${valueText},${(row < trainRows ? 0 : score).toFixed(6)}\n`);
    row++;
    // Honour back-pressure: a large file must not be buffered whole in memory.
    if (!flowing) await new Promise((resolve) => output.once('drain', resolve));
  }
  return row;
}

/** A CSV cell, quoted when it holds the separator or a quote. */
function cell(text: string): string {
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Asset mode: one asset per CSV (timestamp, then one column per sensor), scored row by row (causal) by the
 * multivariate detector. Writes `timestamp,anomaly_score,anomaly,top_sensor`: the score in [0, 1) is 0.5 at
 * the asset's limit; top_sensor is the sensor contributing most while the row is anomalous. A row with a
 * sensor missing too long (see `maxHoldMs`) scores 0 and names no sensor.
 */
export async function detectAssetCsv(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, options: Partial<DetectOptions> = {}): Promise<number> {
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  let detector: MultivariateDetector | undefined;
  let header: ReturnType<typeof parseAssetHeader> | undefined;
  let row = 0;
  for await (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    if (!header) {
      header = parseAssetHeader(line, options.exclude ?? []);
      const trainRows = options.trainRows ?? 0;
      if (trainRows > 0 && trainRows <= header.sensors.length) throw new Error(`--train-rows must exceed the number of sensors (${header.sensors.length})`);
      detector = new MultivariateDetector(header.sensors, cliAssetSettings(options.model ?? CLI_ASSET_MODEL, trainRows));
      output.write('timestamp,anomaly_score,anomaly,top_sensor\n');
      continue;
    }
    const r = parseAssetRow(line, header, row + 2);
    const v = (detector as MultivariateDetector).update(r.ts, r.values);
    const top = v.anomaly ? v.contributions[0].sensorId : '';
    const flowing = output.write(`${cell(r.stamp)},${v.score.toFixed(6)},${v.anomaly ? 1 : 0},${cell(top)}\n`);
    row++;
    if (!flowing) await new Promise((resolve) => output.once('drain', resolve));
  }
  if (!header) throw new Error('empty file: no header');
  return row;
}

async function detectFile(input: string, output: string, options: DetectOptions): Promise<number> {
  fs.mkdirSync(path.dirname(output), { recursive: true });
  const out = fs.createWriteStream(output);
  try {
    return await (options.asset ? detectAssetCsv : detectCsv)(fs.createReadStream(input), out, options);
  } catch (err) {
    throw new Error(`${input}: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await new Promise<void>((resolve) => out.end(resolve));
  }
}

/** The command: returns the rows scored; progress and the summary go to `log` (stderr). */
export async function runCli(argv: readonly string[], log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const options: DetectOptions = { trainRows: args.trainRows, asset: args.asset, exclude: args.exclude, model: args.model };
  if (args.outDir === undefined) {
    const [inPath] = args.inputs;
    if (inPath && inPath !== '-' && fs.existsSync(inPath) && fs.statSync(inPath).isDirectory()) throw new Error(`${inPath} is a directory: give --out-dir DIR`);
    const input = !inPath || inPath === '-' ? process.stdin : fs.createReadStream(inPath);
    const output = !args.output || args.output === '-' ? process.stdout : fs.createWriteStream(args.output);
    const rows = await (options.asset ? detectAssetCsv : detectCsv)(input, output, options);
    if (output !== process.stdout) await new Promise<void>((resolve) => (output as fs.WriteStream).end(resolve));
    log(`scored ${rows} rows`);
    return rows;
  }
  const jobs = plan(args.inputs, args.outDir);
  const started = Date.now();
  let rows = 0;
  for (const job of jobs) rows += await detectFile(job.input, job.output, options);
  log(`scored ${rows} rows in ${jobs.length} file(s) into ${args.outDir} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return rows;
}
