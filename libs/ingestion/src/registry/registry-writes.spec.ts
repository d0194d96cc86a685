import type { TagDto } from '@idm/contracts';
import { recordWrites } from './registry-writes';

const tag = (sensor_id: string, extra: Partial<TagDto> = {}): TagDto => ({
  sensor_id, device_id: 'plc-a', area: 'Boiler house', source: { register_type: 'holding', address: 0, data_type: 'float32', word_order: 'big', byte_order: 'big' },
  scale: 1, offset: 0, unit: '°C', description: '', ...extra,
});
const byId = (tags: TagDto[]) => new Map(tags.map((t) => [t.sensor_id, t]));

describe('which registry records a bulk save writes', () => {
  it('inserts new records, replaces changed ones and leaves identical ones alone', () => {
    const stored = byId([tag('A'), tag('B', { limits: { hi: 80 } }), tag('C')]);
    const w = recordWrites([tag('A'), tag('B', { limits: { hi: 81 } }), tag('D')], (t) => t.sensor_id, stored);
    expect(w.inserts.map((t) => t.sensor_id)).toEqual(['D']);
    expect(w.replaces).toEqual([tag('B', { limits: { hi: 81 } })]);
    expect(w.unchanged).toBe(1);
  });

  it('compares whole records, nested fields included, whatever their key order', () => {
    const stored = byId([tag('A', { source: { register_type: 'holding', address: 4, data_type: 'float32', word_order: 'big', byte_order: 'big' } })]);
    const reordered = { description: '', unit: '°C', offset: 0, scale: 1, source: { byte_order: 'big', word_order: 'big', data_type: 'float32', address: 4, register_type: 'holding' }, area: 'Boiler house', device_id: 'plc-a', sensor_id: 'A' } as TagDto;
    expect(recordWrites([reordered], (t) => t.sensor_id, stored).unchanged).toBe(1);
    const moved = tag('A', { source: { register_type: 'holding', address: 6, data_type: 'float32', word_order: 'big', byte_order: 'big' } });
    expect(recordWrites([moved], (t) => t.sensor_id, stored).replaces).toEqual([moved]);
    // A field the stored record lacks is a change too (an added priority, state words, limits).
    expect(recordWrites([tag('A', { ...stored.get('A'), alarm_priority: 'high' })], (t) => t.sensor_id, stored).replaces).toHaveLength(1);
  });
});
