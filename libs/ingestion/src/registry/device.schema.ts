import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument } from 'mongoose';

/**
 * A PLC. `_id` is the device id slug: every read is by `_id` (FerretDB pushes only exact `_id` filters down)
 * or a full list (a plant has tens of devices, not millions).
 */
@Schema({ collection: 'devices', timestamps: { createdAt: 'created_at', updatedAt: 'updated_at' }, versionKey: false })
export class Device {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  name!: string;

  @Prop({ required: true })
  host!: string;

  @Prop({ required: true })
  port!: number;

  @Prop({ required: true })
  unit_id!: number;

  @Prop({ required: true })
  poll_interval_ms!: number;

  @Prop({ required: true })
  timeout_ms!: number;

  @Prop({ required: true })
  enabled!: boolean;

  @Prop({ required: true, default: 8 })
  block_gap!: number;
}

export type DeviceDocument = HydratedDocument<Device>;
export const DeviceSchema = SchemaFactory.createForClass(Device);
