import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * An asset (`_id` = its id): the collection is small and read whole into memory at start and after each
 * change, so no index beyond `_id` (the only filter FerretDB pushes down).
 */
@Schema({ collection: 'assets', versionKey: false, _id: false })
export class AssetDoc {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) name!: string;
  @Prop({ type: String, default: null }) area!: string | null;
  @Prop({ type: [String], required: true }) sensor_ids!: string[];
  @Prop({ type: Object, default: {} }) settings!: Record<string, unknown>;
  @Prop({ type: Date, required: true }) updated_at!: Date;
}

export const AssetSchema = SchemaFactory.createForClass(AssetDoc);
