import { validateSampleBatch } from './validate-samples';

const now = Date.UTC(2026, 5, 1);
const limits = { maxBatch: 3, minTimestamp: now - 86_400_000, maxTimestamp: now + 300_000 };
const ok = { sensor_id: 'boiler-1.temp', timestamp: now, value: 1.5 };

function field(body: unknown): string | undefined {
  const r = validateSampleBatch(body, limits);
  return r.ok ? undefined : r.details[0].field;
}

describe('validateSampleBatch', () => {
  it('accepts one object, a bare array and {samples}, with ISO-8601 or epoch-ms timestamps and defaults', () => {
    const r = validateSampleBatch({ samples: [ok, { ...ok, timestamp: '2026-06-01T00:00:01.5+00:00', quality: 'stale', status: 'anomaly' }] }, limits);
    expect(r).toEqual({ ok: true, samples: [
      { sensor_id: 'boiler-1.temp', timestamp: now, value: 1.5, quality: 'good', source: 'rest', sensor_index: -1 },
      { sensor_id: 'boiler-1.temp', timestamp: now + 1500, value: 1.5, quality: 'stale', source: 'rest', status: 'anomaly', sensor_index: -1 },
    ] });
    expect(validateSampleBatch(ok, limits).ok).toBe(true);
    expect(validateSampleBatch([ok], limits).ok).toBe(true);
  });

  it('builds every sample with the same fields in the same order, status and sensor index included (one object shape for detection)', () => {
    const r = validateSampleBatch([ok, { ...ok, status: 'anomaly' }, { ...ok, status: 'normal' }], limits);
    if (!r.ok) throw new Error(r.message);
    for (const s of r.samples) expect(Object.keys(s)).toEqual(['sensor_id', 'timestamp', 'value', 'quality', 'source', 'status', 'sensor_index']);
    expect(r.samples.map((s) => s.status)).toEqual([undefined, 'anomaly', undefined]);
  });

  it('names the index and field of the first bad sample', () => {
    expect(field({ samples: [ok, { ...ok, value: Infinity }] })).toBe('samples[1].value');
    expect(field([ok, ok, { ...ok, value: '3' }])).toBe('[2].value');
    expect(field({ ...ok, value: null })).toBe('value');
    expect(field({ samples: [{ ...ok, timestamp: '2026-06-01 00:00:00' }] })).toBe('samples[0].timestamp'); // no zone
    expect(field({ samples: [{ ...ok, timestamp: now + 0.5 }] })).toBe('samples[0].timestamp');
    expect(field({ samples: [{ ...ok, timestamp: now + 3_600_000 }] })).toBe('samples[0].timestamp');
    expect(field({ samples: [{ ...ok, timestamp: now - 2 * 86_400_000 }] })).toBe('samples[0].timestamp');
    expect(field({ samples: [{ ...ok, sensor_id: 'a|b' }] })).toBe('samples[0].sensor_id');
    expect(field({ samples: [{ ...ok, sensor_id: { $ne: 1 } }] })).toBe('samples[0].sensor_id');
    expect(field({ samples: [{ ...ok, quality: 'great' }] })).toBe('samples[0].quality');
    expect(field({ samples: [{ ...ok, $where: 1 }] })).toBe('samples[0].$where');
    expect(field({ samples: [ok], more: 1 })).toBe('more');
    expect(field({ samples: [] })).toBe('samples');
    expect(field([ok, ok, ok, ok])).toBe('body');
    expect(field('x')).toBe('body');
  });
});
