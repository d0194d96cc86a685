import { adoptedSensorId, adoptions, autoAdoptRulesErrors, globRegExp } from './auto-adopt';
import type { DiscoveredMetric } from './sparkplug-host';

const metric = (edge: string, device: string | undefined, name: string, extra: Partial<DiscoveredMetric> = {}): DiscoveredMetric => ({
  edge_node_id: edge, ...(device !== undefined ? { device_id: device } : {}), name, datatype: 'Double', properties: {}, ...extra,
});

describe('Sparkplug auto-adoption rules', () => {
  it('globs: * within a level, ** across levels, node metrics with an empty device', () => {
    expect(globRegExp('line1/*/Temp*').test('line1/io/Temp 1')).toBe(true);
    expect(globRegExp('line1/*/Temp*').test('line1/io/Motor/Temp')).toBe(false);
    expect(globRegExp('line1/*/**').test('line1/io/Motor/Temp')).toBe(true);
    expect(globRegExp('*//Uptime').test('gw1//Uptime')).toBe(true);
    expect(globRegExp('a.b/(x)/m?').test('a.b/(x)/m1')).toBe(true);
    expect(globRegExp('a.b/x/m').test('aXb/x/m')).toBe(false);
  });

  it('fills the sensor id template and makes it a valid sensor id', () => {
    expect(adoptedSensorId('{edge_node}.{device}.{metric}', metric('gw 1', 'io', 'Motor 1/Speed'))).toBe('gw_1.io.Motor_1/Speed');
    expect(adoptedSensorId('{edge_node}.{device}.{metric}', metric('gw1', undefined, 'Uptime'))).toBe('gw1.Uptime');
  });

  it('adopts matching numeric metrics by the first matching rule, with unit, range, rule and property limits', () => {
    const metrics = [
      metric('gw1', 'io', 'Temp', { unit: '°C', properties: { engUnit: '°C', engLow: 0, engHigh: 150, hi: 90 } }),
      metric('gw1', 'io', 'Pressure', { unit: 'bar' }),
      metric('gw1', 'io', 'Label', { datatype: 'String' }),
      metric('gw2', 'io', 'Temp'),
    ];
    const rules = [
      { match: 'gw1/io/Temp', sensor_id: 'L1.{metric}', area: 'Line 1', alarm_priority: 'high' as const, limits: { hi: 80, hihi: 120 } },
      { match: 'gw1/**', area: 'Other' },
    ];
    const r = adoptions('mq', rules, metrics, []);
    expect(r.adopt.map((a) => [a.rule, a.metric, a.tag.sensor_id, a.tag.area, a.tag.unit])).toEqual([
      [0, 'gw1/io/Temp', 'L1.Temp', 'Line 1', '°C'],
      [1, 'gw1/io/Pressure', 'gw1.io.Pressure', 'Other', 'bar'],
    ]);
    expect(r.adopt[0].tag).toMatchObject({ limits: { hi: 90, hihi: 120 }, physical_min: 0, physical_max: 150, alarm_priority: 'high', source: { edge_node_id: 'gw1', device_id: 'io', metric: 'Temp' } });
    expect(r.adopt[1].tag).not.toHaveProperty('limits');
  });

  it('never adopts a metric already bound to a tag of the device (a rebirth), and skips a taken sensor id', () => {
    const metrics = [metric('gw1', 'io', 'Temp'), metric('gw1', 'io', 'Flow')];
    const tags = [
      { sensor_id: 'edited.by.admin', device_id: 'mq', source: { edge_node_id: 'gw1', device_id: 'io', metric: 'Temp' } },
      { sensor_id: 'gw1.io.Flow', device_id: 'other', source: { topic: 'x' } },
    ];
    const r = adoptions('mq', [{ match: '**' }], metrics, tags);
    expect(r.adopt).toEqual([]);
    expect(r.skipped).toEqual([{ metric: 'gw1/io/Flow', why: 'sensor id "gw1.io.Flow" is taken by another tag' }]);
  });

  it('names every bad field of every rule', () => {
    expect(autoAdoptRulesErrors([{ match: 'a' }, { match: '**', sensor_id: 'x.{node}', alarm_priority: 'urgent', limits: { hi: 'x' }, colour: 1 }]).map((e) => e.field)).toEqual([
      'auto_adopt[0].match',
      'auto_adopt[1].colour',
      'auto_adopt[1].sensor_id',
      'auto_adopt[1].alarm_priority',
      'auto_adopt[1].limits.hi',
    ]);
    expect(autoAdoptRulesErrors('x')[0].field).toBe('auto_adopt');
    expect(autoAdoptRulesErrors([{ match: '*/*/*', sensor_id: 'plant.{edge_node}.{metric}', area: 'A', limits: { hi: 1 } }])).toEqual([]);
  });
});
