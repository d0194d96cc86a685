import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { AlertScorer } from '../engine/alert-scorer';
import { tsOf, withFault } from '../engine/testing/signals';
import { csvFilesUnder, detectCsv, parseArgs, parseTimestamp, runCli as runCommand } from './detect';

const nabTime = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);

async function runCli(csv: string): Promise<string[]> {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  await detectCsv(Readable.from([csv]), out);
  return chunks.join('').trim().split('\n');
}

describe('command-line detector', () => {
  it('reads NAB timestamps as UTC, and ISO or epoch ms', () => {
    expect(parseTimestamp('2014-04-01 00:05:00')).toBe(Date.UTC(2014, 3, 1, 0, 5));
    expect(parseTimestamp('2014-04-01 00:05:00.000000')).toBe(Date.UTC(2014, 3, 1, 0, 5));
    expect(parseTimestamp('2014-04-01T00:05:00+01:00')).toBe(Date.UTC(2014, 3, 0, 23, 5));
    expect(parseTimestamp('1396310700000')).toBe(1396310700000);
  });

  it('writes timestamp,value,anomaly_score with the engine\'s alert scores, row for row', async () => {
    const x = withFault('spike', 4000, 3000, 7);
    const csv = ['timestamp,value', ...x.map((v, i) => `${nabTime(tsOf(i))},${v}`)].join('\n');
    const lines = await runCli(csv);
    expect(lines[0]).toBe('timestamp,value,anomaly_score');
    expect(lines).toHaveLength(4001);
    const scorer = new AlertScorer();
    const expected = x.map((v, i) => scorer.step(tsOf(i), v).toFixed(6));
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.map((r) => r[2])).toEqual(expected);
    expect(rows[3000][0]).toBe(nabTime(tsOf(3000)));
    expect(Number(rows[3000][2])).toBeGreaterThan(0.5);
  });

  it('scores a row without a value 0 and leaves the detector untouched', async () => {
    const lines = await runCli('timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,\n2014-04-01 00:10:00,2\n');
    expect(lines).toEqual(['timestamp,value,anomaly_score', '2014-04-01 00:00:00,1,0.000000', '2014-04-01 00:05:00,,0.000000', '2014-04-01 00:10:00,2,0.000000']);
  });

  it('names the row it cannot read', async () => {
    await expect(runCli('timestamp,value\n2014-04-01 00:00:00,1\nyesterday,2\n')).rejects.toThrow('row 3');
  });
});

describe('command-line detector: known-normal rows and many files in one process', () => {
  const csvOf = (x: number[]) => ['timestamp,value', ...x.map((v, i) => `${nabTime(tsOf(i))},${v}`)].join('\n') + '\n';
  const scoresOf = async (csv: string, trainRows?: number) => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    await detectCsv(Readable.from([csv]), out, { trainRows });
    return chunks.join('').trim().split('\n').slice(1).map((l) => Number(l.split(',')[2]));
  };

  it('--train-rows: the first N rows are learned and scored 0, a spike among them too; the rows after are scored as if learned live', async () => {
    const x = withFault('spike', 4000, 3000, 9);
    x[2000] += 15;
    const csv = csvOf(x);
    const live = await scoresOf(csv);
    const trained = await scoresOf(csv, 2500);
    expect(live[2000]).toBeGreaterThan(0.5); // reported without the declaration...
    expect(trained.slice(0, 2500).every((s) => s === 0)).toBe(true); // ...not inside the known-normal rows
    expect(trained.slice(2500)).toEqual(live.slice(2500));
    expect(trained[3000]).toBeGreaterThan(0.5);
  });

  it('reads its arguments, naming the bad one', () => {
    expect(parseArgs(['in.csv'])).toMatchObject({ inputs: ['in.csv'], output: undefined, trainRows: 0 });
    expect(parseArgs(['--train-rows', '50', 'in.csv', 'out.csv'])).toMatchObject({ inputs: ['in.csv'], output: 'out.csv', trainRows: 50 });
    expect(parseArgs(['--train-rows=7', '--out-dir', 'o', 'a.csv', 'dir'])).toMatchObject({ inputs: ['a.csv', 'dir'], outDir: 'o', trainRows: 7 });
    expect(parseArgs([])).toMatchObject({ inputs: [], trainRows: 0 });
    expect(() => parseArgs(['--train-rows', '-1', 'in.csv'])).toThrow('--train-rows');
    expect(() => parseArgs(['--train-rows', '2.5', 'in.csv'])).toThrow('--train-rows');
    expect(() => parseArgs(['--train-rows'])).toThrow('--train-rows needs a value');
    expect(() => parseArgs(['a.csv', 'b.csv', 'c.csv'])).toThrow('--out-dir');
    expect(() => parseArgs(['--out-dir', 'o'])).toThrow('--out-dir needs at least one input');
    expect(() => parseArgs(['--out-dir', 'o', '-'])).toThrow('stdin');
    expect(() => parseArgs(['--fast', 'a.csv'])).toThrow('unknown option --fast');
  });

  describe('--out-dir', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-detect-'));
      fs.mkdirSync(path.join(dir, 'corpus', 'machine'), { recursive: true });
      fs.mkdirSync(path.join(dir, 'corpus', 'web'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'corpus', 'machine', 'temp.csv'), csvOf(withFault('step', 800, 600, 1)));
      fs.writeFileSync(path.join(dir, 'corpus', 'web', 'hits.csv'), csvOf(withFault('spike', 700, 650, 2)));
      fs.writeFileSync(path.join(dir, 'corpus', 'web', 'notes.txt'), 'not a series');
      fs.writeFileSync(path.join(dir, 'single.csv'), csvOf(withFault('noise', 500, 400, 3)));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('scores a directory (every .csv under it, keeping its path) and single files in one call, each with a fresh detector', async () => {
      const logs: string[] = [];
      const out = path.join(dir, 'out');
      const rows = await runCommand(['--train-rows', '100', '--out-dir', out, path.join(dir, 'corpus'), path.join(dir, 'single.csv')], (l) => logs.push(l));
      expect(rows).toBe(800 + 700 + 500);
      const written = csvFilesUnder(out);
      expect(written).toEqual([path.join('machine', 'temp.csv'), 'single.csv', path.join('web', 'hits.csv')]);
      for (const [input, output] of [
        [path.join(dir, 'corpus', 'machine', 'temp.csv'), path.join(out, 'machine', 'temp.csv')],
        [path.join(dir, 'corpus', 'web', 'hits.csv'), path.join(out, 'web', 'hits.csv')],
        [path.join(dir, 'single.csv'), path.join(out, 'single.csv')],
      ]) {
        const expected = await scoresOf(fs.readFileSync(input, 'utf8'), 100);
        const got = fs.readFileSync(output, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[2]));
        expect(got).toEqual(expected);
      }
      expect(logs.join('\n')).toMatch(/scored 2000 rows in 3 file\(s\)/);
    });

    it('refuses what it cannot do, naming the input', async () => {
      await expect(runCommand([path.join(dir, 'corpus')], () => undefined)).rejects.toThrow('is a directory: give --out-dir');
      await expect(runCommand(['--out-dir', path.join(dir, 'o'), path.join(dir, 'nope.csv')], () => undefined)).rejects.toThrow('nope.csv: no such file');
      fs.writeFileSync(path.join(dir, 'temp.csv'), 'timestamp,value\n');
      await expect(runCommand(['--out-dir', path.join(dir, 'o'), path.join(dir, 'temp.csv'), path.join(dir, 'corpus', 'machine')], () => undefined)).rejects.toThrow('would both write');
      await expect(runCommand(['--out-dir', dir, path.join(dir, 'single.csv')], () => undefined)).rejects.toThrow('overwrite the input');
      fs.writeFileSync(path.join(dir, 'corpus', 'web', 'bad.csv'), 'timestamp,value\nyesterday,1\n');
      await expect(runCommand(['--out-dir', path.join(dir, 'o2'), path.join(dir, 'corpus')], () => undefined)).rejects.toThrow(/bad\.csv: row 2/);
    });
  });
});
