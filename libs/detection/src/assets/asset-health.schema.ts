import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * One hour of an asset's health statistic (`_id` = `<asset id>|<hour start ms>`): read by `_id` only (the
 * filter FerretDB pushes down), written whole by the writer that scores the asset. `hour` serves only the
 * retention delete, which runs once an hour.
 */
@Schema({ collection: 'asset_health', versionKey: false, _id: false })
export class AssetHealthDoc {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) asset_id!: string;
  @Prop({ type: Number, required: true }) hour!: number;
  /** `{t, r, s}`: bucket start, highest ratio (null: nothing scored), state. */
  @Prop({ type: [Object], default: [] }) points!: { t: number; r: number | null; s: string }[];
}

export const AssetHealthSchema = SchemaFactory.createForClass(AssetHealthDoc);
