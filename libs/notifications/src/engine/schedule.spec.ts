import { cronProblem, isTimeZone, nextRuns } from './schedule';

describe('digest schedules', () => {
  it('fires at shift changes in the subscription time zone, across a DST change', () => {
    // Paris switches to summer time on 2026-03-29 (UTC+1 -> UTC+2).
    const runs = nextRuns('0 6,14,22 * * *', 'Europe/Paris', Date.parse('2026-03-28T12:00:00Z'), 4);
    expect(runs.map((t) => new Date(t).toISOString())).toEqual([
      '2026-03-28T13:00:00.000Z',
      '2026-03-28T21:00:00.000Z',
      '2026-03-29T04:00:00.000Z',
      '2026-03-29T12:00:00.000Z',
    ]);
  });

  it('honours half-hour zones and second-level crons', () => {
    expect(new Date(nextRuns('30 7 * * 1', 'Asia/Kolkata', Date.parse('2026-11-27T00:00:00Z'))[0]).toISOString()).toBe('2026-11-30T02:00:00.000Z');
    const every2s = nextRuns('*/2 * * * * *', 'UTC', Date.parse('2026-01-01T00:00:00.500Z'), 3);
    expect(every2s.map((t) => t % 60_000)).toEqual([2000, 4000, 6000]);
  });

  it('names what is wrong with a schedule', () => {
    expect(cronProblem('0 6 * * *', 'Europe/Paris')).toBeNull();
    expect(cronProblem('0 6 * *', 'UTC')).toBe('cron must have 5 or 6 fields (got 4)');
    expect(cronProblem('61 6 * * *', 'UTC')).toMatch(/cron "61 6 \* \* \*" is invalid/);
    expect(cronProblem('0 6 * * *', 'Mars/Olympus')).toBe('time_zone "Mars/Olympus" is not an IANA time zone');
    expect(isTimeZone('UTC')).toBe(true);
  });
});
