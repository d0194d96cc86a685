import type { SampleQuality } from './sample';

/**
 * Typed events between IDM modules (past tense). Each feature adds its events here; payloads are plain
 * data so the same map can later cross process boundaries.
 */
export interface DomainEventMap {
  /** A device stopped answering polls (timeouts, refused connections); the alarms module raises an alarm. */
  'device.comm_failed': { device_id: string; device_name: string; at: number; reason: string };
  /** A device answers again after a comm failure. */
  'device.comm_restored': { device_id: string; device_name: string; at: number; down_ms: number };
}

export type DomainEventName = keyof DomainEventMap;

/** A sample as it flows through the ingestion pipeline (polled or posted). */
export interface IngestedSample {
  sensor_id: string;
  /** Epoch milliseconds, set at the poll (or from the posted timestamp). */
  timestamp: number;
  value: number;
  quality: SampleQuality;
  source: 'modbus' | 'rest';
  /** Set by detection before storage: `anomaly` when the sample is anomalous. */
  status?: 'normal' | 'anomaly';
}
