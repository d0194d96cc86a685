import { limitCrossed, sensorAlarmMessage } from './alarm-message';

describe('sensorAlarmMessage', () => {
  const tag = { description: 'Boiler outlet temperature', unit: '°C', limits: { lolo: 5, lo: 10, hi: 80, hihi: 90 } };

  it('names the tag, what it is, the limit crossed and the value with its unit', () => {
    expect(sensorAlarmMessage('TT-101', 'limit', tag, 93.2)).toBe('TT-101 Boiler outlet temperature: above HiHi 90 (93.2 °C)');
    expect(sensorAlarmMessage('TT-101', 'limit', tag, 84)).toBe('TT-101 Boiler outlet temperature: above Hi 80 (84 °C)');
    expect(sensorAlarmMessage('TT-101', 'limit', tag, 7.5)).toBe('TT-101 Boiler outlet temperature: below Lo 10 (7.5 °C)');
    expect(sensorAlarmMessage('TT-101', 'limit', tag, 2)).toBe('TT-101 Boiler outlet temperature: below LoLo 5 (2 °C)');
  });

  it('words statistical conditions and rounds float noise away', () => {
    expect(sensorAlarmMessage('TT-101', 'rate_of_change', tag, 61.20000000000001)).toBe('TT-101 Boiler outlet temperature: rate of change (61.2 °C)');
    expect(sensorAlarmMessage('PT-7', 'level_shift', undefined, 6.5981)).toBe('PT-7: level shift (6.598)');
  });

  it('falls back to the condition when the value is inside the limits (deadband) or unknown', () => {
    expect(sensorAlarmMessage('TT-101', 'limit', tag, 79)).toBe('TT-101 Boiler outlet temperature: limit (79 °C)');
    expect(sensorAlarmMessage('TT-101', 'limit', tag, null)).toBe('TT-101 Boiler outlet temperature: limit');
  });

  it('takes the most severe limit first and ignores limits not configured', () => {
    expect(limitCrossed(95, { hi: 80, hihi: 90 })).toBe('above HiHi 90');
    expect(limitCrossed(95, { hi: 80 })).toBe('above Hi 80');
    expect(limitCrossed(95, undefined)).toBeNull();
  });
});
