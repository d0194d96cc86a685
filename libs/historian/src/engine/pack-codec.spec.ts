import type { RollupPackDoc } from './docs';
import { fromStoredPack, LegacyPackDoc, packBuckets, toStoredPack, unpackBuckets } from './pack-codec';
import { combine, type Summary } from './summary';
import { DAY, HOUR, MINUTE } from './time';

const day = Date.UTC(2026, 2, 3);
const bucket = (t: number, over: Partial<Summary> = {}): Summary & { t: number } => ({
  t, count: 3600, sum: 3600 * 50.25, sum_sq: 3600 * 2530.0625, min: 47.1, max: 53.9, first: 50.1, last: 50.3, first_t: t, last_t: t + HOUR - 1000, anomaly_count: 0, ...over,
});
const pack = (start: number, res: '1m' | '1h', items: Array<Summary & { t: number }>): RollupPackDoc => ({
  _id: `s1|${res}|${start}`, sensor_id: 's1', resolution: res, start: new Date(start), ...(combine(items) as Summary), items,
});

describe('pack codec', () => {
  it('round-trips a day of hour buckets exactly (doubles, offsets, anomaly counts)', () => {
    const items = Array.from({ length: 24 }, (_, h) => bucket(day + h * HOUR, { sum: 0.1 + h / 3, sum_sq: 1e-300 * h, min: -h - 1e-9, anomaly_count: h % 5 }));
    const doc = pack(day, '1h', items);
    const stored = toStoredPack(doc);
    expect(stored).not.toHaveProperty('items');
    expect(typeof stored.buckets).toBe('string');
    expect(stored).toMatchObject({ _id: doc._id, sensor_id: 's1', resolution: '1h', start: doc.start, n: 24, v: 1, count: 24 * 3600 });
    // Through JSON as a driver would carry the string; the Date comes back as a Date.
    expect(fromStoredPack(JSON.parse(JSON.stringify(stored), (k, v) => (k === 'start' ? new Date(v) : v)))).toEqual(doc);
  });

  it('keeps an hour of minute buckets with gaps (empty minutes are simply absent) and samples not at the bucket start', () => {
    const hour = day + 5 * HOUR;
    const items = [0, 1, 7, 59].map((m) => bucket(hour + m * MINUTE, { count: 1 + m, first_t: hour + m * MINUTE + 250, last_t: hour + m * MINUTE + 59_999 }));
    expect(unpackBuckets(hour, packBuckets(hour, items))).toEqual(items);
  });

  it('an empty pack is an empty list', () => {
    expect(unpackBuckets(day, packBuckets(day, []))).toEqual([]);
  });

  it('NaN and ±Infinity come back as themselves, not as null or 0 (JSON has no such numbers)', () => {
    const items = [bucket(day, { sum_sq: Infinity, min: -Infinity, max: NaN })];
    const text = packBuckets(day, items);
    expect(text).not.toContain('null');
    const [back] = unpackBuckets(day, text);
    expect(back.sum_sq).toBe(Infinity);
    expect(back.min).toBe(-Infinity);
    expect(back.max).toBeNaN();
    expect(back.count).toBe(3600);
  });

  it('is far smaller than the subdocuments it replaces', () => {
    const items = Array.from({ length: 24 }, (_, h) => bucket(day + h * HOUR));
    expect(packBuckets(day, items).length).toBeLessThan(JSON.stringify(items).length / 1.5);
  });

  it('reads a pack written in the old layout (buckets as subdocuments)', () => {
    const items = Array.from({ length: 3 }, (_, h) => bucket(day + (20 + h) * HOUR, { anomaly_count: h }));
    const legacy: LegacyPackDoc = { _id: `s1|1h|${day}`, sensor_id: 's1', resolution: '1h', start: new Date(day), ...(combine(items) as Summary), items: items.map((it) => ({ ...it })) };
    expect(fromStoredPack(legacy)).toEqual(pack(day, '1h', items));
  });

  it('ignores extra fields of old subdocuments and fills the summary from the known keys only', () => {
    const legacy = { _id: 'x', sensor_id: 's1', resolution: '1h', start: new Date(day), ...bucket(day), items: [{ ...bucket(day), extra: 'ignored' }] } as LegacyPackDoc;
    expect(fromStoredPack(legacy).items[0]).toEqual(bucket(day));
    expect(fromStoredPack(legacy).start.getTime() + DAY).toBe(day + DAY);
  });
});
