import { PassThrough, Readable } from 'node:stream';
import { AlertScorer } from '../engine/alert-scorer';
import { tsOf, withFault } from '../engine/testing/signals';
import { detectCsv, parseTimestamp } from './detect';

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
