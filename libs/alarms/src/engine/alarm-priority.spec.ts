import { nextAlarmPriority, resolveAlarmPriority } from './alarm-priority';

describe('resolveAlarmPriority', () => {
  it('falls back to the episode severity when the tag configures nothing', () => {
    expect(resolveAlarmPriority(undefined, 'limit', 'medium')).toEqual({ priority: 'medium', configured: false });
  });

  it('applies a single configured priority to every condition of the tag, whatever the severity', () => {
    expect(resolveAlarmPriority('critical', 'limit', 'low')).toEqual({ priority: 'critical', configured: true });
    expect(resolveAlarmPriority('low', 'spike', 'critical')).toEqual({ priority: 'low', configured: true });
  });

  it('uses the per-condition entry, and severity for conditions the map does not name', () => {
    const config = { limit: 'critical', stuck: 'low' } as const;
    expect(resolveAlarmPriority(config, 'limit', 'medium')).toEqual({ priority: 'critical', configured: true });
    expect(resolveAlarmPriority(config, 'stuck', 'high')).toEqual({ priority: 'low', configured: true });
    expect(resolveAlarmPriority(config, 'drift', 'high')).toEqual({ priority: 'high', configured: false });
  });
});

describe('nextAlarmPriority', () => {
  it('takes a severity-derived priority as is for an alarm that is not active', () => {
    expect(nextAlarmPriority('critical', false, { priority: 'low', configured: false })).toBe('low');
  });

  it('only raises a severity-derived priority while the alarm is active', () => {
    expect(nextAlarmPriority('medium', true, { priority: 'high', configured: false })).toBe('high');
    expect(nextAlarmPriority('high', true, { priority: 'medium', configured: false })).toBe('high');
  });

  it('keeps a configured priority fixed: a worse episode does not escalate it, a configuration change applies', () => {
    expect(nextAlarmPriority('medium', true, { priority: 'medium', configured: true })).toBe('medium');
    expect(nextAlarmPriority('critical', true, { priority: 'medium', configured: true })).toBe('medium');
    expect(nextAlarmPriority('low', false, { priority: 'critical', configured: true })).toBe('critical');
  });
});
