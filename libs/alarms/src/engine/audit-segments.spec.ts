import { byHour, eventsInRange, HOUR_MS, hoursOf, hourOf, retentionCutoff, segmentId } from './audit-segments';

describe('audit segments', () => {
  const h0 = Date.UTC(2026, 0, 1, 8);

  it('keys segments by hour so that string order is time order', () => {
    const ids = [segmentId(h0 + HOUR_MS, 0), segmentId(h0, 10), segmentId(h0, 2), segmentId(0, 0)];
    expect([...ids].sort()).toEqual([segmentId(0, 0), segmentId(h0, 10), segmentId(h0, 2), segmentId(h0 + HOUR_MS, 0)]);
    expect(segmentId(h0, 3)).toBe(`000${h0}|3`);
  });

  it('lists the hours a range touches, the partial first and last ones included', () => {
    expect(hoursOf(h0 + 10 * 60_000, h0 + 2 * HOUR_MS + 1)).toEqual([h0, h0 + HOUR_MS, h0 + 2 * HOUR_MS]);
    expect(hoursOf(h0, h0 + HOUR_MS)).toEqual([h0]);
    expect(hourOf(h0 + HOUR_MS - 1)).toBe(h0);
  });

  it('groups events by their hour', () => {
    const g = byHour([{ at: h0 + 5 }, { at: h0 + HOUR_MS }, { at: h0 + 7 }]);
    expect([...g.keys()]).toEqual([h0, h0 + HOUR_MS]);
    expect(g.get(h0)).toHaveLength(2);
  });

  it('keeps the range, drops repeats of an event, newest first with ties by id', () => {
    const e = (id: string, at: number) => ({ _id: id, at });
    const got = eventsInRange([[e('a', h0 - 1), e('b', h0), e('c', h0 + 5)], [e('b', h0), e('d', h0 + 5), e('z', h0 + HOUR_MS)]], h0, h0 + HOUR_MS);
    expect(got.map((x) => x._id)).toEqual(['d', 'c', 'b']);
  });

  it('cuts retention at an hour boundary', () => {
    expect(retentionCutoff(h0 + 30 * 60_000, 1)).toBe(h0 - 24 * HOUR_MS);
  });
});
