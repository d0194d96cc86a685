import type { Role } from './roles';
import type { SampleQuality, SampleStatus } from './sample';

/**
 * Typed events between IDM modules (past tense). Each feature adds its events here; payloads are plain
 * data so the same map can later cross process boundaries.
 */
export interface DomainEventMap {
  /**
   * A device stopped answering polls (timeouts, refused connections); the alarms module raises an alarm.
   * `scope`: only a part of the device failed (a Sparkplug edge node or device behind an MQTT broker, e.g.
   * `gw-1` or `gw-1/plc-01`), with its tags `sensor_ids`: one alarm per scope.
   */
  'device.comm_failed': { device_id: string; device_name: string; at: number; reason: string; scope?: string; sensor_ids?: string[] };
  /** A device (or the `scope` of it that failed) answers again after a comm failure. */
  'device.comm_restored': { device_id: string; device_name: string; at: number; down_ms: number; scope?: string; sensor_ids?: string[] };
  /** A tag was deleted from the registry: its alarms end (the alarms module returns them to normal). */
  'tag.removed': { sensor_id: string; device_id: string; at: number };
  /** A device was deleted with its tags (`sensor_ids`): its device alarms and its tags' alarms end. */
  'device.removed': { device_id: string; device_name: string; sensor_ids: string[]; at: number };
  /** Detection opened an anomaly episode on a sensor (the alarms module turns it into an alarm condition). */
  'anomaly.opened': AnomalyEpisodeEvent;
  /** An open episode got worse (higher score or severity). */
  'anomaly.updated': AnomalyEpisodeEvent;
  /** The episode ended: the sensor is back to normal behaviour. */
  'anomaly.closed': AnomalyEpisodeEvent;
  /**
   * An alarm was raised for these anomaly episodes, or an episode joined an alarm already raised: detection
   * stores `alarm_id` on each episode (it owns the anomalies collection).
   */
  'alarm.linked': { alarm_id: string; anomaly_ids: string[]; at: number };
  /** An alarm returned to normal and was acknowledged: its anomaly episodes are resolved. */
  'alarm.normalized': { alarm_id: string; sensor_id: string | null; anomaly_ids: string[]; at: number };
  /** An admin disabled a user: their tokens stop working and their sockets are disconnected. */
  'user.disabled': { user_id: string; username: string; by: string; at: number };
  /** An admin changed a user's roles: they apply to the next request and to open sockets. */
  'user.roles_changed': { user_id: string; username: string; roles: Role[]; by: string; at: number };
  /** A login session ended (logout, a replayed refresh token): its access tokens stop working, its sockets close. */
  'session.ended': { session_id: string; reason: string; at: number };
  /**
   * IDM_ROLE=auto: the writer changed (this instance became or stopped being the writer, or another one took
   * over). Processing starts or stops on `is_writer`; screens get it as the `writer:changed` socket event.
   */
  'writer.changed': WriterChangedEvent;
}

/** Who processes the plant now (IDM_ROLE=auto), as seen by one instance. */
export interface WriterChangedEvent {
  /** The writer holding the lease, or null while none is known (lease expired, Redis away). */
  writer: { instance_id: string; url: string | null; epoch: number } | null;
  /** The instance that says so. */
  instance_id: string;
  /** Whether that instance is the writer now. */
  is_writer: boolean;
  /** Epoch ms. */
  at: number;
}

/** Payload of the anomaly episode events (epoch ms times). */
export interface AnomalyEpisodeEvent {
  anomaly_id: string;
  sensor_id: string;
  anomaly_type: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  score: number;
  /** Start of the episode. */
  timestamp: number;
  /** End of the episode; null while open. */
  end_timestamp: number | null;
  /** The sample value that opened, worsened or closed the episode (a multivariate episode: its statistic/limit ratio). */
  value: number;
  /** Quality of the sample behind `value` (absent: good); a bad reading's value is a placeholder, not a measurement. */
  quality?: SampleQuality;
  /**
   * A multivariate (equipment-health) episode of an asset: the asset, its name, its configured alarm priority
   * and its top contributing sensors. Absent for a sensor's episode.
   */
  asset?: { id: string; name: string; alarm_priority: AssetAlarmPriority | null; top_sensors: string[] };
}

/** AlarmPriorityName, spelt out: alarms.ts imports this file (no import cycle between contracts). */
type AssetAlarmPriority = 'critical' | 'high' | 'medium' | 'low';

export type DomainEventName = keyof DomainEventMap;

/** A sample as it flows through the ingestion pipeline (polled or posted). */
export interface IngestedSample {
  sensor_id: string;
  /** Epoch milliseconds: when the answer to the block holding it arrived (polled), or the posted timestamp. */
  timestamp: number;
  value: number;
  quality: SampleQuality;
  source: 'modbus' | 'opcua' | 'mqtt' | 'rest';
  /** Set by detection before storage: `anomaly` when the sample is anomalous. */
  status?: 'normal' | 'anomaly';
  /**
   * The sensor's number in this process (`sensorIndex` in @idm/ingestion), when the source knows it; -1 or
   * absent: unknown. Lets per-sensor stages index their state instead of hashing `sensor_id` per sample.
   */
  sensor_index?: number;
}

/**
 * An ingested sample, every field present (`status` undefined until detection sets it) and always in the
 * same order: all samples then share one object shape, and detection setting `status` on a sample
 * created without it would change the shape and allocate a property store for every sample.
 */
export function ingestedSample(sensor_id: string, timestamp: number, value: number, quality: SampleQuality, source: IngestedSample['source'], status?: SampleStatus, sensor_index = -1): IngestedSample {
  return { sensor_id, timestamp, value, quality, source, status, sensor_index };
}
