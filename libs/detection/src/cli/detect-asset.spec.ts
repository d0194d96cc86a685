import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { MultivariateDetector } from '../engine/multivariate';
import { parseAssetHeader } from './asset-csv';
import { CLI_ASSET_MODEL, cliAssetSettings, detectAssetCsv, parseArgs, runCli } from './detect';

/** A pump as CSV: flow, pressure against flow, current with flow; from `breakAt` on pressure follows flow instead. */
function pumpCsv(rows: number, breakAt: number, sep: ',' | ';', extra = ''): string {
  let seed = 7;
  const u = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
  let load = 0;
  const lines = [`datetime${sep}flow${sep}pressure${sep}current${extra ? sep + extra : ''}`];
  for (let i = 0; i < rows; i++) {
    load = Math.max(-1, Math.min(1, 0.97 * load + 0.25 * u()));
    const p = 4 + (i >= breakAt ? 1 : -1) * 0.8 * load + 0.05 * u();
    const stamp = new Date(Date.UTC(2020, 2, 9, 12) + i * 1000).toISOString().replace('T', ' ').slice(0, 19);
    const cells = [stamp, (50 + 10 * load + 0.5 * u()).toFixed(3), p.toFixed(3), (12 + 2 * load + 0.1 * u()).toFixed(3)];
    if (extra) cells.push(i >= breakAt ? '1' : '0');
    lines.push(cells.join(sep));
  }
  return lines.join('\n') + '\n';
}

async function score(csv: string, trainRows: number, exclude: string[] = [], model?: 'pca' | 'mewma'): Promise<string[][]> {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  await detectAssetCsv(Readable.from([csv]), out, { trainRows, exclude, model });
  return chunks
    .join('')
    .trim()
    .split('\n')
    .map((l) => l.split(','));
}

describe('command-line detector, asset mode', () => {
  it('writes timestamp,anomaly_score,anomaly,top_sensor, causal, the same verdicts as the engine', async () => {
    const csv = pumpCsv(1500, 1000, ',');
    const out = await score(csv, 400);
    expect(out[0]).toEqual(['timestamp', 'anomaly_score', 'anomaly', 'top_sensor']);
    expect(out).toHaveLength(1501);
    expect(out[1][0]).toBe('2020-03-09 12:00:00');
    // Training rows: score 0, never anomalous.
    expect(out.slice(1, 401).every((r) => r[1] === '0.000000' && r[2] === '0')).toBe(true);
    const d = new MultivariateDetector(['flow', 'pressure', 'current'], cliAssetSettings(CLI_ASSET_MODEL, 400));
    const expected = csv
      .trim()
      .split('\n')
      .slice(1)
      .map((l, i) => d.update(Date.UTC(2020, 2, 9, 12) + i * 1000, l.split(',').slice(1).map(Number)));
    expect(out.slice(1).map((r) => r[1])).toEqual(expected.map((v) => v.score.toFixed(6)));
    const after = out.slice(1001);
    expect(after.filter((r) => r[2] === '1').length).toBeGreaterThan(100);
    const tops = after.filter((r) => r[2] === '1').map((r) => r[3]);
    expect(tops.filter((t) => t === 'pressure').length).toBeGreaterThan(tops.length / 2);
    expect(out.slice(401, 1001).filter((r) => r[2] === '1').length).toBeLessThan(30);
    expect(out.slice(1).every((r) => (r[2] === '1') === (r[3] !== ''))).toBe(true);
  });

  it('--model picks the detector model (verdicts equal to the engine with that model), without it the CLI default', async () => {
    const csv = pumpCsv(1500, 1000, ',');
    const engine = (model: 'pca' | 'mewma') => {
      const d = new MultivariateDetector(['flow', 'pressure', 'current'], cliAssetSettings(model, 400));
      return csv
        .trim()
        .split('\n')
        .slice(1)
        .map((l, i) => d.update(Date.UTC(2020, 2, 9, 12) + i * 1000, l.split(',').slice(1).map(Number)).score.toFixed(6));
    };
    const pca = await score(csv, 400, [], 'pca');
    const mewma = await score(csv, 400, [], 'mewma');
    expect(pca.slice(1).map((r) => r[1])).toEqual(engine('pca'));
    expect(mewma.slice(1).map((r) => r[1])).toEqual(engine('mewma'));
    expect(engine('pca')).not.toEqual(engine('mewma'));
    expect((await score(csv, 400)).slice(1).map((r) => r[1])).toEqual(engine(CLI_ASSET_MODEL));
    // The break is found with either model.
    expect(mewma.slice(1001).filter((r) => r[2] === '1').length).toBeGreaterThan(100);
    expect(parseArgs(['--asset', '--model', 'mewma', 'in.csv'])).toMatchObject({ asset: true, model: 'mewma' });
    expect(parseArgs(['--asset', '--model=pca', 'in.csv'])).toMatchObject({ model: 'pca' });
    expect(() => parseArgs(['--asset', '--model', 'svm', 'in.csv'])).toThrow('--model must be one of pca, mewma (got "svm")');
    expect(() => parseArgs(['--model', 'pca', 'in.csv'])).toThrow('--model needs --asset');
  });

  it('runs mewma by default, with the settings its SKAB cross-validation chose; pca with the detector defaults', () => {
    // Batch scoring after known-normal rows is the setting mewma was cross-validated in (README).
    expect(CLI_ASSET_MODEL).toBe('mewma');
    expect(cliAssetSettings(CLI_ASSET_MODEL, 400)).toEqual({ model: 'mewma', thresholdSigma: 3, smoothing: 0.1, forgetting: 1000, trainSamples: 400 });
    expect(cliAssetSettings('pca', 0)).toEqual({ model: 'pca' });
    expect(new MultivariateDetector(['a', 'b'], cliAssetSettings('pca', 0)).toState().settings).toMatchObject({ model: 'pca', thresholdSigma: 3.5, smoothing: 0.05 });
  });

  it('detects ; as the separator and leaves out --exclude columns (labels)', async () => {
    const semi = await score(pumpCsv(1200, 900, ';', 'anomaly'), 400, ['anomaly']);
    const comma = await score(pumpCsv(1200, 900, ','), 400);
    expect(semi.map((r) => r.slice(1))).toEqual(comma.map((r) => r.slice(1)));
    expect(parseAssetHeader('t;a;b;label', ['label'])).toMatchObject({ delimiter: ';', sensors: ['a', 'b'], sensorColumns: [1, 2] });
  });

  it('refuses files it cannot read as an asset, naming the problem', async () => {
    await expect(score('t,a\n1,2\n', 0)).rejects.toThrow(/at least 2 sensor columns/);
    await expect(score('t,a,a\n1,2,3\n', 0)).rejects.toThrow(/"a" appears twice/);
    await expect(score('t,a,b\n1,2,3\n', 0, ['c'])).rejects.toThrow(/--exclude names no column: c/);
    await expect(score('t,a,b\nnot-a-time,2,3\n', 0)).rejects.toThrow(/row 2: cannot read "not-a-time"/);
    await expect(score('t,a,b\n1,2,3\n', 2)).rejects.toThrow(/--train-rows must exceed the number of sensors/);
    expect(() => parseArgs(['--exclude', 'x', 'in.csv'])).toThrow('--exclude needs --asset');
    expect(parseArgs(['--asset', 'in.csv', 'out.csv', '--train-rows', '400'])).toMatchObject({ asset: true, inputs: ['in.csv'], output: 'out.csv', trainRows: 400 });
  });

  it('scores many files and a directory in one process, each with its own detector', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-detect-asset-'));
    try {
      fs.mkdirSync(path.join(dir, 'plant'));
      fs.writeFileSync(path.join(dir, 'plant', 'pump1.csv'), pumpCsv(900, 700, ';'));
      fs.writeFileSync(path.join(dir, 'plant', 'pump2.csv'), pumpCsv(800, 800, ','));
      fs.writeFileSync(path.join(dir, 'single.csv'), pumpCsv(900, 700, ','));
      const out = path.join(dir, 'out');
      const logs: string[] = [];
      const rows = await runCli(['--asset', '--train-rows', '400', '--out-dir', out, path.join(dir, 'plant'), path.join(dir, 'single.csv')], (l) => logs.push(l));
      expect(rows).toBe(900 + 800 + 900);
      expect(logs.join('\n')).toMatch(/3 file\(s\)/);
      const read = (p: string) => fs.readFileSync(path.join(out, p), 'utf8').trim().split('\n');
      expect(read('pump1.csv')).toHaveLength(901);
      expect(read('pump2.csv')[0]).toBe('timestamp,anomaly_score,anomaly,top_sensor');
      // Each file starts from scratch: the same data gives the same output whatever came before it.
      expect(read('pump1.csv').slice(1).map((l) => l.split(',').slice(1).join(','))).toEqual(read('single.csv').slice(1).map((l) => l.split(',').slice(1).join(',')));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
