/** Wire types of alarms (REST and Socket.IO). Times are ISO-8601 strings on the wire. */
import type { SessionEvent } from './auth';
import type { ErrorResponse } from './errors';
import type { WriterChangedEvent } from './events';

/** ISA-18.2 alarm states. */
export const ALARM_STATES = ['normal', 'unack_active', 'ack_active', 'unack_rtn', 'shelved', 'out_of_service'] as const;
export type AlarmStateName = (typeof ALARM_STATES)[number];
/** Alarm priorities, most urgent first. */
export const ALARM_PRIORITIES = ['critical', 'high', 'medium', 'low'] as const;
export type AlarmPriorityName = (typeof ALARM_PRIORITIES)[number];
export const ALARM_EVENT_KINDS = ['raised', 'cleared', 'acknowledged', 'shelved', 'unshelved', 'removed_from_service', 'returned_to_service', 'updated', 'commented'] as const;
export type AlarmEventKindName = (typeof ALARM_EVENT_KINDS)[number];

export const ALARM_READING_KINDS = ['good', 'bad', 'comm_failure', 'stale', 'NaN', '+Inf', '-Inf'] as const;
export type AlarmReadingKind = (typeof ALARM_READING_KINDS)[number];

export interface AlarmDto {
  id: string;
  source_type: 'sensor' | 'device' | 'asset';
  /** The sensor's `sensor_id` or the device's id. */
  source_id: string;
  sensor_id: string | null;
  /** The condition: the anomaly type for a sensor (e.g. `limit`, `spike`), `comm_failure` for a device. */
  condition: string;
  message: string;
  priority: AlarmPriorityName;
  state: AlarmStateName;
  active: boolean;
  acknowledged: boolean;
  raised_at: string | null;
  cleared_at: string | null;
  acked_at: string | null;
  acked_by: string | null;
  shelved_until: string | null;
  shelved_by: string | null;
  shelve_reason: string | null;
  last_value: number | null;
  /**
   * What `last_value` is: a measurement (`good`), a reading its source flagged (`bad`, `comm_failure`,
   * `stale`: the value is a placeholder, never a measured 0), or not a number (`NaN`, `+Inf`, `-Inf`:
   * `last_value` is then null). Null when the alarm has no reading (device, asset) or none yet.
   */
  last_reading: AlarmReadingKind | null;
  activation_count: number;
  /** Raised while an alarm flood was in progress. */
  in_flood: boolean;
  /**
   * Ids of the anomaly episodes behind the current activation, oldest first (at most the last 20); each
   * carries this alarm's id as `alarm_id` in `GET /anomalies/history`. Emptied once the alarm is back to normal.
   */
  anomaly_ids: string[];
  updated_at: string;
}

export interface AlarmAuditEntryDto {
  alarm_id: string;
  kind: AlarmEventKindName;
  from: AlarmStateName;
  to: AlarmStateName;
  at: string;
  by: string | null;
  comment: string | null;
}

export interface AlarmDetailDto extends AlarmDto {
  history: AlarmAuditEntryDto[];
}

/** One pushed alarm change, numbered: a reconnecting client asks for everything after its last `seq`. */
export interface AlarmEventDto {
  seq: number;
  kind: AlarmEventKindName;
  alarm: AlarmDto;
  at: string;
  by: string | null;
}

export interface AlarmSnapshotDto {
  /** The sequence number the snapshot is consistent with. */
  seq: number;
  alarms: AlarmDto[];
  flood: boolean;
}

export interface LiveSampleDto {
  sensor_id: string;
  timestamp: string;
  value: number;
  quality: string;
  status: string;
}

/** Socket.IO events the server emits. */
export interface ServerToClientEvents {
  'alarms:snapshot': (snapshot: AlarmSnapshotDto) => void;
  alarm: (event: AlarmEventDto) => void;
  /** During an alarm flood, events arrive batched. */
  'alarms:batch': (batch: { flood: boolean; events: AlarmEventDto[] }) => void;
  'alarms:flood': (flood: { active: boolean; raised_in_window: number; threshold: number }) => void;
  sample: (sample: LiveSampleDto) => void;
  /** Instead of `sample`, for a socket that subscribed with `batch: true`: the samples due in one tick. */
  samples: (samples: LiveSampleDto[]) => void;
  /** Right after connecting: who the server authenticated (auth module). */
  session: (session: SessionEvent) => void;
  /** A socket event was refused (e.g. 403: the user's role is below the handler's minimum). */
  exception: (error: ErrorResponse) => void;
  /** IDM_ROLE=auto: on connecting, and whenever another instance takes over as the writer. */
  'writer:changed': (event: WriterChangedEvent) => void;
}

/** Socket.IO events the client emits (with acknowledgements). */
export interface ClientToServerEvents {
  'alarms:resume': (req: { last_seq: number }, ack: (res: { replayed: number; snapshot: boolean }) => void) => void;
  'samples:subscribe': (req: { sensor_ids: string[]; min_interval_ms?: number; batch?: boolean }, ack: (res: { ok: boolean; message?: string }) => void) => void;
  'samples:unsubscribe': (req: { sensor_ids: string[] }, ack: (res: { ok: boolean }) => void) => void;
  /** Answers the same as the `session` event. */
  'session:whoami': (ack: (session: SessionEvent) => void) => void;
}

/** One line of the alarm journal (`GET /alarms/journal`): an alarm event with what the alarm was at that time. */
export interface AlarmJournalEntryDto {
  /** Stable id of the event (for keys and de-duplication). */
  id: string;
  at: string;
  kind: AlarmEventKindName;
  alarm_id: string;
  source_type: 'sensor' | 'device' | 'asset';
  /** The sensor's `sensor_id` or the device's id. */
  source_id: string;
  sensor_id: string | null;
  area: string | null;
  condition: string;
  priority: AlarmPriorityName | null;
  from: AlarmStateName;
  to: AlarmStateName;
  /** Who did it (null for process events: raised, cleared...). */
  user: string | null;
  /** The alarm's message at that time. */
  message: string | null;
  comment: string | null;
}

/** A page of the alarm journal, newest first unless `order=asc`; `from`/`to` as resolved (repeat them to page). */
export interface AlarmJournalPageDto {
  items: AlarmJournalEntryDto[];
  total: number;
  page: number;
  limit: number;
  pages: number;
  from: string;
  to: string;
}
