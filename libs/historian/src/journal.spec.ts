import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeSegment, encodeRecord, Journal, JournalFullError } from './journal';
import type { StoredSample } from './engine/summary';

const s = (t: number): StoredSample => ({ sensor_id: 'a', t, v: t / 2, s: 'normal', q: 'good' });

describe('Journal', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-journal-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('replays appended records in order after a restart, dropping a torn last line', async () => {
    const j = new Journal(dir, 1 << 20);
    expect(j.open()).toEqual([]);
    await Promise.all([j.append([s(1), s(2)]), j.append([s(3)]), j.append([s(4)])]);
    j.close();
    const file = fs.readdirSync(dir).map((f) => path.join(dir, f))[0];
    fs.appendFileSync(file, encodeRecord({ seq: 4, samples: [s(5)] }).slice(0, 12)); // a crash mid-write
    const again = new Journal(dir, 1 << 20);
    const records = again.open();
    expect(records.map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(records[0].samples).toEqual([s(1), s(2)]);
    expect(await again.append([s(6)])).toBe(4);
    again.close();
  });

  it('deletes segments once their records are below the checkpoint, and refuses appends when full', async () => {
    const j = new Journal(dir, 600, 100);
    j.open();
    for (let i = 0; i < 4; i++) await j.append([s(i)]);
    expect(j.segmentCount).toBeGreaterThan(1);
    const before = j.bytes;
    j.truncateBelow(4);
    expect(j.bytes).toBeLessThan(before);
    expect(new Journal(dir, 600).open().every((r) => r.seq >= 4)).toBe(true);
    for (let i = 0; i < 20 && !j.full; i++) await j.append([s(i), s(i + 1), s(i + 2)]);
    await expect(j.append([s(99)])).rejects.toBeInstanceOf(JournalFullError);
    j.truncateBelow(Infinity);
    expect(j.full).toBe(false);
    j.close();
  });

  it('decodes nothing from an empty or corrupt segment', () => {
    expect(decodeSegment('')).toEqual([]);
    expect(decodeSegment('{not json}\n')).toEqual([]);
  });
});
