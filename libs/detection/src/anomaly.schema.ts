import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { AnomalyEvidence, AnomalySeverity, EpisodeType } from '@idm/contracts';

/**
 * One anomaly episode. `_id` is `<sensor_id>|<start epoch ms>`: deterministic, so every write of an episode
 * (open, worse, closed) is an `_id` upsert that FerretDB pushes down, and the detection service (one per
 * sensor) is its only writer.
 */
@Schema({ collection: 'anomalies', versionKey: false, _id: false })
export class Anomaly {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) sensor_id!: string;
  /** Start of the episode (original contract name). */
  @Prop({ type: Date, required: true }) timestamp!: Date;
  @Prop({ type: String, required: true }) anomaly_type!: EpisodeType;
  @Prop({ type: Boolean, required: true }) resolved!: boolean;
  @Prop({ type: Number, required: true }) score!: number;
  @Prop({ type: String, required: true }) severity!: AnomalySeverity;
  @Prop({ type: Object, required: true }) evidence!: AnomalyEvidence;
  /**
   * Last anomalous sample so far; the end once closed. While the episode is open it is refreshed every
   * `DETECTION_EPISODE_REFRESH_SECONDS` (not per sample), so it may trail the live value by that much.
   */
  @Prop({ type: Date, required: true }) end_timestamp!: Date;
  @Prop({ type: Number, required: true }) samples!: number;
  /**
   * Still going on: true from the episode's opening write until the detector closes it. Documents stored
   * before this field existed have none and count as not active. Not `resolved` (that is the alarm side).
   */
  @Prop({ type: Boolean, default: false }) active!: boolean;
  @Prop({ type: String, default: null }) area!: string | null;
  /** A multivariate episode's asset (its `sensor_id` is `asset:<id>`, which the history filter uses). */
  @Prop({ type: String, default: null }) asset_id!: string | null;
  /** The alarm raised for this episode (announced by the alarms module with `alarm.linked`). */
  @Prop({ type: String, default: null }) alarm_id!: string | null;
}

export const AnomalySchema = SchemaFactory.createForClass(Anomaly);
// History, newest first (the default listing and the cursor's sort key).
AnomalySchema.index({ timestamp: -1, _id: -1 });
// History of one sensor, newest first.
AnomalySchema.index({ sensor_id: 1, timestamp: -1 });

/** Per-sensor detector state saved periodically and at shutdown. `_id` is the sensor_id. */
@Schema({ collection: 'detector_states', versionKey: false, _id: false })
export class DetectorStateDoc {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: Object, required: true }) state!: Record<string, unknown>;
  /** The open episode, if any (so a restart continues it instead of opening a second one). */
  @Prop({ type: Object, default: null }) episode!: Record<string, unknown> | null;
  @Prop({ type: Date, required: true }) saved_at!: Date;
  /** IDM_ROLE=auto: epoch of the writer that saved it (fencing: a stale writer cannot overwrite it). */
  @Prop({ type: Number }) epoch?: number;
}

export const DetectorStateSchema = SchemaFactory.createForClass(DetectorStateDoc);

/**
 * An admin's override of the automatic detector configuration. `_id` is `sensor:<sensor_id>` or
 * `unit:<unit>`; the collection is small (read whole into memory at start and after each change).
 */
@Schema({ collection: 'detector_overrides', versionKey: false, _id: false })
export class DetectorOverrideDoc {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) scope!: 'sensor' | 'unit';
  @Prop({ type: String, required: true }) key!: string;
  @Prop({ type: Object, required: true }) overrides!: Record<string, unknown>;
  @Prop({ type: Date, required: true }) updated_at!: Date;
  @Prop({ type: String, required: true }) updated_by!: string;
}

export const DetectorOverrideSchema = SchemaFactory.createForClass(DetectorOverrideDoc);
