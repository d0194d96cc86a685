import type { SampleQuality, SampleStatus } from './sample';

/**
 * One sample posted to `POST /sensors/data` (original contract). `timestamp` is ISO-8601 with a time zone
 * or epoch milliseconds; `quality` defaults to `good`, `status` to what detection decides (else `normal`).
 */
export interface SampleInput {
  sensor_id: string;
  timestamp: string | number;
  value: number;
  quality?: SampleQuality;
  status?: SampleStatus;
}

/** Body of `POST /sensors/data`: one sample, `{samples: [...]}`, or a bare array. */
export type SampleBatchInput = SampleInput | { samples: SampleInput[] } | SampleInput[];

/** Answer of `POST /sensors/data` (202): every sample is durable (database or local journal). */
export interface SampleBatchAccepted {
  accepted: number;
  /** Sensor ids of the batch that are not in the tag registry (stored anyway, listed with `registered: false`). */
  unregistered: string[];
}

/** A stored sample in the original shape. */
export interface StoredSampleDto {
  sensor_id: string;
  /** ISO-8601 (UTC). */
  timestamp: string;
  value: number;
  status: SampleStatus;
  quality: SampleQuality;
}

/** `GET /sensors` item: tag metadata (when registered) with the latest stored sample. */
export interface SensorSummaryDto {
  sensor_id: string;
  /** False for sensors that only sent samples through the REST API and are not in the tag registry. */
  registered: boolean;
  unit: string | null;
  area: string | null;
  description: string | null;
  device_id: string | null;
  latest: StoredSampleDto | null;
}

/** `GET /sensors/:sensor_id`: the summary plus the samples of a recent window. */
export interface SensorDetailDto extends SensorSummaryDto {
  window: { from: string; to: string };
  recent: StoredSampleDto[];
}

export type HistoryResolution = 'raw' | '1m' | '1h';

/** One chart bucket of `GET /sensors/:sensor_id/history`: keeps spikes (min/max) as well as the mean. */
export interface HistoryBucketDto {
  /** Bucket start, ISO-8601 (UTC). */
  timestamp: string;
  /** Bucket start, epoch ms. */
  t: number;
  count: number;
  min: number;
  max: number;
  mean: number;
  first: number;
  last: number;
  anomaly_count: number;
}

export interface HistoryResponseDto {
  sensor_id: string;
  from: string;
  to: string;
  /** What the buckets were computed from: raw samples for short ranges, minute or hour rollups for long ones. */
  source: HistoryResolution;
  /** Width of every bucket in ms (a multiple of the source resolution). */
  bucket_ms: number;
  buckets: HistoryBucketDto[];
}
