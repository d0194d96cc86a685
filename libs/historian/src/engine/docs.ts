import type { StoredSample, Summary } from './summary';

/** Raw samples of one sensor in one UTC minute: `_id` `<sensor_id>|raw|<minute start ms>`. */
export interface RawBucketDoc extends Summary {
  _id: string;
  sensor_id: string;
  start: Date;
  samples: Array<{ t: number; v: number; s: StoredSample['s']; q: StoredSample['q'] }>;
}

/** One rollup bucket (the shape reports read): `_id` `<sensor_id>|1m|<start>` or `<sensor_id>|1h|<start>`. */
export interface RollupDoc extends Summary {
  _id: string;
  sensor_id: string;
  resolution: '1m' | '1h';
  start: Date;
}

/**
 * The rollups of one hour (60 minute items) or one day (24 hour items) in one document, so a chart over a
 * month reads 30 documents by `_id` instead of 720: FerretDB only pushes exact `_id` lookups down.
 */
export interface RollupPackDoc extends Summary {
  _id: string;
  sensor_id: string;
  /** Resolution of the items: `1m` items in an hour pack, `1h` items in a day pack. */
  resolution: '1m' | '1h';
  start: Date;
  items: Array<Summary & { t: number }>;
}

export const rawId = (sensorId: string, minute: number): string => `${sensorId}|raw|${minute}`;
export const rollupId = (sensorId: string, res: '1m' | '1h', start: number): string => `${sensorId}|${res}|${start}`;
/** Pack ids: `<sensor>|1m|<hour start>` (minute items) and `<sensor>|1h|<day start>` (hour items), in their own collection. */
export const packId = rollupId;
