import { digestDetail, FULL_DETAIL, pickSensors } from './report-detail';

const H = 3_600_000;

describe('report detail for a digest attachment', () => {
  it('grows with the period and stays bounded', () => {
    const shift = digestDetail(8 * H);
    const day = digestDetail(24 * H);
    const week = digestDetail(7 * 24 * H);
    const month = digestDetail(31 * 24 * H);
    expect(shift).toMatchObject({ rollups: '1m', sensors: 'active', maxSensorRows: 25 });
    expect(day).toMatchObject({ rollups: '1m', sensors: 'active', maxSensorRows: 50 });
    // A week never reads minute data; a month neither.
    expect(week).toMatchObject({ rollups: '1h', sensors: 'all', maxSensorRows: 200 });
    expect(month).toMatchObject({ rollups: '1h', sensors: 'all', maxSensorRows: 500 });
    for (const d of [shift, day, week, month]) expect(d.trendMaxPoints).toBeLessThan(FULL_DETAIL.trendMaxPoints);
    expect(shift.maxAlarmSourceRows).toBeLessThan(week.maxAlarmSourceRows);
  });

  it('shows the active sensors, most active first, and counts the rest as omitted', () => {
    const activity = new Map([['b', 1], ['c', 5], ['d', 1]]);
    expect(pickSensors(['a', 'b', 'c', 'd', 'e'], activity, digestDetail(H))).toEqual({ chosen: ['c', 'b', 'd'], omitted: 2 });
    expect(pickSensors(['a', 'b', 'c', 'd', 'e'], activity, { ...digestDetail(7 * 24 * H), maxSensorRows: 4 })).toEqual({ chosen: ['c', 'b', 'd', 'a'], omitted: 1 });
    expect(pickSensors(['a', 'b'], new Map(), FULL_DETAIL)).toEqual({ chosen: ['a', 'b'], omitted: 0 });
  });
});
