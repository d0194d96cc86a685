/** Wire types of anomaly detection: per-sample verdicts, anomaly episodes, the what-if check. */

/** What kind of abnormality a detector saw. */
export const ANOMALY_TYPES = [
  'limit', // a configured lo/lolo/hi/hihi limit crossed (with deadband)
  'out_of_range', // outside the sensor's physical range: a broken sensor or wiring
  'spike', // a single value far from the expected range (EW z-score)
  'rate_of_change', // the value moved much faster than it usually does
  'level_shift', // a sustained step (two-sided CUSUM)
  'drift', // a slow trend away from the baseline (EWMA control chart)
  'stuck', // the value stopped moving for far longer than usual (flat line)
  'noise', // the signal got much noisier than usual
  'run_rule', // Western Electric / Nelson run rule (e.g. 9 points on one side)
  'pattern', // the value left its usual daily profile (time-of-day baseline)
] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];

/**
 * Types of a stored episode: a sensor's (above), or `multivariate`, an asset's equipment-health episode (its
 * sensors stopped moving together as they normally do). Kept apart from ANOMALY_TYPES, which indexes the
 * per-sensor detector's state.
 */
export const EPISODE_TYPES = [...ANOMALY_TYPES, 'multivariate'] as const;
export type EpisodeType = (typeof EPISODE_TYPES)[number];

export const ANOMALY_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type AnomalySeverity = (typeof ANOMALY_SEVERITIES)[number];

/** Why a sample was judged: the expected range, the detector's statistic and the threshold it is compared with. */
export interface AnomalyEvidence {
  /** The range the value was expected in (baseline ± threshold), when known. */
  expected_lo: number | null;
  expected_hi: number | null;
  /** The statistic of the detector that produced the score (z, CUSUM sum, run length, value...). */
  statistic: number;
  /** The statistic's anomaly threshold: statistic ≥ threshold ⇔ score ≥ 0.5. */
  threshold: number;
  /** A short plain-language reason, e.g. `hi limit 80 crossed`. */
  detail?: string;
  /** Multivariate episodes: the asset's sensors by share of the deviation, largest first (shares sum to 1). */
  contributions?: { sensor_id: string; share: number }[];
}

/**
 * Status of a checked sample: `normal` / `anomaly` as judged; `learning` while the detector is still warming
 * up (it has not learned enough to call anything normal; limits and the physical range still give
 * `anomaly`); `training` for a sample the request declared known normal (learned, not judged).
 */
export const CHECK_STATUSES = ['normal', 'anomaly', 'learning', 'training'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

/** The judgement of one sample. */
export interface AnomalyVerdict {
  sensor_id: string;
  /** Epoch milliseconds. */
  timestamp: number;
  value: number;
  /** 0 = perfectly normal, 1 = certainly anomalous; 0.5 is the anomaly threshold (0 while `training`). */
  score: number;
  status: CheckStatus;
  /** With `learning`: samples the detector still needs after this one before it judges (0: the next one is judged). */
  samples_to_learn?: number;
  /** The detector with the highest score (null while warming up or when nothing stands out). */
  anomaly_type: AnomalyType | null;
  evidence: AnomalyEvidence | null;
}

/** One anomaly episode: consecutive anomalous samples of one sensor (original contract fields first). */
export interface AnomalyEpisode {
  id: string;
  sensor_id: string;
  /** ISO-8601 start (first anomalous sample). */
  timestamp: string;
  anomaly_type: EpisodeType;
  resolved: boolean;
  /** Highest score seen in the episode. */
  score: number;
  severity: AnomalySeverity;
  evidence: AnomalyEvidence;
  /**
   * ISO-8601 time of the last anomalous sample so far (the end once closed). While `active` it is refreshed
   * periodically, not per sample, so it may trail the live value by a few seconds.
   */
  end_timestamp: string;
  /** Anomalous samples in the episode (so far, while `active`). */
  samples: number;
  /**
   * Still going on: true from the episode's opening until the detector closes it (after enough normal
   * samples). Not `resolved`, which says its alarm returned to normal and was acknowledged.
   */
  active: boolean;
  area?: string | null;
  /** Multivariate episodes: the asset (their `sensor_id` is `asset:<asset_id>`); null for a sensor's episode. */
  asset_id?: string | null;
  /** The alarm raised for this episode (`GET /alarms/{alarm_id}`); null while none was. */
  alarm_id: string | null;
}

/** `POST /anomalies/check` body. */
export interface AnomalyCheckRequest {
  sensor_id: string;
  samples: { timestamp: string | number; value: number }[];
  /** Start from the sensor's live detector state instead of a fresh (warming-up) one. */
  use_live_state?: boolean;
  /** Store the episodes found (operator role or above). */
  store?: boolean;
  /** The samples up to this time (inclusive; ISO-8601 or epoch ms) are known normal: learned first, not judged. */
  train_until?: string | number;
  /** The first this many samples are known normal (instead of `train_until`). */
  train_samples?: number;
}

export interface AnomalyCheckResponse {
  sensor_id: string;
  /** One per sample, in order (`training` for the known-normal ones). */
  verdicts: AnomalyVerdict[];
  /** Samples learned as known normal (`train_until` / `train_samples`). */
  trained: number;
  /** Samples the detector still needs after the batch before it judges (0: it judges). */
  samples_to_learn: number;
  /** Episodes found in the checked samples (stored only when `store` was true). */
  episodes: AnomalyEpisode[];
  stored: boolean;
}

export interface AnomalyHistoryPage {
  items: AnomalyEpisode[];
  /** Pass as `cursor` to get the next (older) page; null on the last page. */
  next_cursor: string | null;
}

/** Severity of an episode from its peak score. */
export function severityOf(score: number): AnomalySeverity {
  if (score >= 0.95) return 'critical';
  if (score >= 0.8) return 'high';
  if (score >= 0.65) return 'medium';
  return 'low';
}

/** Detectors of the engine, by name (for `enabled` overrides). */
export const DETECTOR_KINDS = ['limits', 'physical', 'zscore', 'rate', 'ewma', 'cusum', 'stuck', 'noise', 'runRules', 'daily'] as const;
export type DetectorKind = (typeof DETECTOR_KINDS)[number];

/**
 * An admin's override of the automatic detector configuration, for one sensor (`scope: 'sensor'`, key =
 * sensor_id) or for every tag of a kind (`scope: 'unit'`, key = the tag's engineering unit, e.g. `°C`).
 * A sensor's own override wins over its unit's; absent fields keep the automatic value.
 */
export interface DetectorOverrides {
  baseline_half_life_ms?: number;
  warmup_ms?: number;
  z_threshold?: number;
  rate_threshold?: number;
  ewma_lambda?: number;
  ewma_l?: number;
  cusum_k?: number;
  cusum_h?: number;
  stuck_probability?: number;
  stuck_min_samples?: number;
  noise_ratio?: number;
  run_rule_score?: number;
  episode_clear_samples?: number;
  min_sigma?: number;
  enabled?: Partial<Record<DetectorKind, boolean>>;
}

export interface DetectorOverrideDto {
  scope: 'sensor' | 'unit';
  key: string;
  overrides: DetectorOverrides;
  updated_at: string;
  updated_by: string;
}
