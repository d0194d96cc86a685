import { DAY_MS, DAY_VIEW_DAYS, dayId, daysDueAView, daysOf, decodeDayView, encodeDayView } from './audit-days';
import { HOUR_MS } from './audit-segments';

describe('alarm day views', () => {
  const d0 = Date.UTC(2026, 0, 10);

  it('lists the days a range touches, newest first, partial ones included', () => {
    expect(daysOf(d0 + HOUR_MS, d0 + 2 * DAY_MS + 1)).toEqual([d0 + 2 * DAY_MS, d0 + DAY_MS, d0]);
    expect(daysOf(d0, d0 + DAY_MS)).toEqual([d0]);
    expect(dayId(d0)).toBe(`000${d0}`);
  });

  it('gives a view only to days over for two hours, at most DAY_VIEW_DAYS back, none before the oldest kept', () => {
    expect(daysDueAView(d0 + HOUR_MS, 0)[0]).toBe(d0 - 2 * DAY_MS);
    expect(daysDueAView(d0 + 2 * HOUR_MS, 0)[0]).toBe(d0 - DAY_MS);
    expect(daysDueAView(d0 + 2 * HOUR_MS, 0)).toHaveLength(DAY_VIEW_DAYS);
    expect(daysDueAView(d0 + 2 * HOUR_MS, d0 - 3 * DAY_MS)).toEqual([d0 - DAY_MS, d0 - 2 * DAY_MS, d0 - 3 * DAY_MS]);
  });

  it('keeps every event, its fields and their order, and cuts a range', () => {
    const events = [
      { alarm_id: 'sensor:a|hi', kind: 'cleared', from: 'ack_active', to: 'normal', at: d0 + 500 },
      { alarm_id: 'sensor:b|lo', kind: 'acknowledged', from: 'unack_active', to: 'ack_active', at: d0 + 500 },
      { alarm_id: 'sensor:a|hi', kind: 'raised', from: 'normal', to: 'unack_active', at: d0 + 100 },
      { alarm_id: 'device:p|comm_failure', kind: 'shelved', from: 'unack_active', to: 'shelved', at: d0 },
    ];
    const text = encodeDayView(events);
    expect(decodeDayView(text)).toEqual(events);
    expect(decodeDayView(text, d0 + 100, d0 + 500)).toEqual([events[2]]);
    expect(decodeDayView(encodeDayView([]))).toEqual([]);
    // Each alarm id and state word once: a busy day's view is far smaller than its events.
    const busy = Array.from({ length: 200 }, (_, i) => ({ ...events[i % 4], at: d0 + i }));
    expect(encodeDayView(busy).length).toBeLessThan(JSON.stringify(busy).length / 3);
  });

  it('refuses a layout it does not know', () => {
    expect(() => decodeDayView('{"v":2}')).toThrow(/layout 2/);
  });
});
