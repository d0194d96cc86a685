import type { AlarmPriorityName } from './alarms';

/** Per-asset settings of its multivariate detector and its alarms; every field optional. */
export interface AssetSettings {
  /** Priority of the alarm an asset episode raises (default: medium). */
  alarm_priority?: AlarmPriorityName;
  /** Width of the detector's limits in standard normal deviations (default 3.5). */
  threshold_sigma?: number;
  /** Samples learned as normal before the asset is judged (default 400). */
  train_samples?: number;
}

/**
 * An asset: a named group of tags that belong to one piece of equipment (a pump, a compressor), watched
 * together by a multivariate detector. `GET /assets`, `GET|PUT|DELETE /assets/{id}`, `POST /assets`.
 */
export interface AssetDto {
  id: string;
  name: string;
  area: string | null;
  /** At least 2 distinct sensors of the tag registry. */
  sensor_ids: string[];
  settings: AssetSettings;
}

/** Body of `POST /assets` and `PUT /assets/{id}` (the path names the asset on PUT). */
export interface AssetInput {
  id: string;
  name: string;
  area?: string | null;
  sensor_ids: string[];
  settings?: AssetSettings;
}
