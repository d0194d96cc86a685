import { alarmInScope, resolveScope } from './scope';
import type { AlarmFacts } from './report-input';

const tags = [
  { sensor_id: 'p1', device_id: 'plc1', area: 'Boiler', unit: 'bar' },
  { sensor_id: 't1', device_id: 'plc1', area: 'Boiler', unit: 'degC' },
  { sensor_id: 'f1', device_id: 'plc2', area: 'Water', unit: 'm3/h' },
];
const alarm = (sensor_id: string | null, source_id: string, priority: AlarmFacts['priority'] = 'low'): AlarmFacts => ({
  id: `${source_id}|x`, source_id, sensor_id, condition: 'x', priority, state: 'normal', active: false, raised_at: null, updated_at: 0,
});

describe('report scope', () => {
  it('covers everything when empty', () => {
    const r = resolveScope({}, tags);
    expect(r.sensors).toBeNull();
    expect(alarmInScope(alarm(null, 'plcX'), r, {})).toBe(true);
  });

  it('selects the sensors and devices of an area', () => {
    const r = resolveScope({ area: 'Boiler' }, tags);
    expect([...r.sensors!].sort()).toEqual(['p1', 't1']);
    expect(alarmInScope(alarm('f1', 'f1'), r, {})).toBe(false);
    expect(alarmInScope(alarm(null, 'plc1'), r, {})).toBe(true);
    expect(alarmInScope(alarm(null, 'plc2'), r, {})).toBe(false);
  });

  it('takes named sensors, even unregistered ones, and leaves device alarms out', () => {
    const r = resolveScope({ sensor_ids: ['f1', 'ghost'] }, tags);
    expect([...r.sensors!].sort()).toEqual(['f1', 'ghost']);
    expect(alarmInScope(alarm(null, 'plc2'), r, {})).toBe(false);
  });

  it('filters by minimum priority', () => {
    const r = resolveScope({}, tags);
    expect(alarmInScope(alarm('p1', 'p1', 'medium'), r, { min_priority: 'high' })).toBe(false);
    expect(alarmInScope(alarm('p1', 'p1', 'critical'), r, { min_priority: 'high' })).toBe(true);
  });
});
