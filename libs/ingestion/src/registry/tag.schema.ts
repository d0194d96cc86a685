import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes, type HydratedDocument } from 'mongoose';
import type { TagAlarmPriority, TagLimits, TagSource, TagStateWords } from '@idm/contracts';

/**
 * A tag (sensor). `_id` is the sensor_id, so "get tag X" is an `_id` lookup and uniqueness comes for free.
 * Lists are full scans held in memory by TagRegistryService (a plant has thousands of tags at most).
 */
@Schema({ collection: 'tags', timestamps: { createdAt: 'created_at', updatedAt: 'updated_at' }, versionKey: false })
export class Tag {
  /** The sensor_id. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  device_id!: string;

  @Prop({ required: true, default: '' })
  area!: string;

  /**
   * Where the value lives in the device, shaped by the device's protocol (Modbus or OPC UA binding). Documents
   * stored before protocols existed carry the Modbus binding flat (register_type, address, ...) instead: they
   * are read by `tagFromStored` and rewritten in this shape on their next change.
   */
  @Prop({ type: SchemaTypes.Mixed, required: true })
  source!: TagSource;

  @Prop({ required: true, default: 1 })
  scale!: number;

  @Prop({ required: true, default: 0 })
  offset!: number;

  @Prop({ required: true, default: '' })
  unit!: string;

  @Prop({ required: true, default: '' })
  description!: string;

  // Stored as a plain sub-object; absent keys mean "no such limit".
  @Prop({ type: Object, required: false })
  limits?: TagLimits;

  @Prop({ type: Number, required: false })
  physical_min?: number;

  @Prop({ type: Number, required: false })
  physical_max?: number;

  // A priority name or a {condition: priority} object, checked by the registry rules before it is stored.
  @Prop({ type: SchemaTypes.Mixed, required: false })
  alarm_priority?: TagAlarmPriority;

  @Prop({ type: Object, required: false })
  state_words?: TagStateWords;
}

export type TagDocument = HydratedDocument<Tag>;
export const TagSchema = SchemaFactory.createForClass(Tag);
