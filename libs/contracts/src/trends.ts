/** Wire types of multi-pen trends. */

/** At most this many pens on one trend. */
export const MAX_TREND_PENS = 8;
/** Relative ranges a trend group opens with. */
export const TREND_RANGE_KEYS = ['10m', '1h', '8h', '24h', '7d'] as const;
export type TrendRangeKey = (typeof TREND_RANGE_KEYS)[number];

/** A named set of pens with its axes and range, saved by a user (`GET`/`PUT /trends/groups`). */
export interface TrendGroupDto {
  name: string;
  pens: string[];
  axes: 'own' | 'shared';
  range: TrendRangeKey;
}
