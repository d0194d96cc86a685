import type { AlarmPriorityName } from './alarms';

/** The multivariate detector's models (see the README's equipment health section). */
export const ASSET_MODELS = ['pca', 'mewma'] as const;
export type AssetModel = (typeof ASSET_MODELS)[number];

/** Per-asset settings of its multivariate detector and its alarms; every field optional. */
export interface AssetSettings {
  /** Priority of the alarm an asset episode raises (default: medium). */
  alarm_priority?: AlarmPriorityName;
  /** Width of the detector's limits in standard normal deviations (default 3.5). */
  threshold_sigma?: number;
  /** Samples learned as normal before the asset is judged (default 400). */
  train_samples?: number;
  /** The detector's model: `pca` (default) or `mewma` (the MEWMA chart; README). */
  model?: AssetModel;
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

/** One bucket of an asset's health statistic: `ratio` is the highest statistic/limit scored in it (1 = at the limit). */
export interface AssetHealthPointDto {
  /** Bucket start, epoch ms. */
  t: number;
  /** null when nothing was scored in the bucket (learning, or a sensor missing). */
  ratio: number | null;
  state: 'training' | 'scored' | 'missing';
}

/** `GET /assets/{id}/health`: the health statistic over [from, to] against its limit (always 1). */
export interface AssetHealthHistoryDto {
  asset_id: string;
  from: string;
  to: string;
  bucket_ms: number;
  limit: 1;
  points: AssetHealthPointDto[];
}

/** `GET /assets/health`: each asset's latest verdict, for the overview. */
export interface AssetHealthSummaryDto {
  asset_id: string;
  /** `unknown`: this instance does not run the detectors (a standby) or the asset has no verdict yet. */
  state: 'learning' | 'healthy' | 'anomaly' | 'missing' | 'unknown';
  ratio: number | null;
  /** Epoch ms of the latest verdict. */
  at: number | null;
  /** While learning: complete samples learned of those needed (so a screen can say how far it is); else null. */
  learning?: { samples: number; needed: number } | null;
}
