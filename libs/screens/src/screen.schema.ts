import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * A process-graphics screen: its place in the navigation tree and its current drawing. `_id` is the
 * screen's slug, so opening a screen is an `_id` lookup (the only query FerretDB's SQLite backend pushes
 * down). The collection holds one small document per screen; the list scans it.
 */
@Schema({ collection: 'screens', versionKey: false, _id: false })
export class Screen {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) name!: string;
  @Prop({ type: String, required: true }) area!: string;
  @Prop({ type: String, default: null }) parent_id!: string | null;
  /** The current version number; its drawing is copied here so a screen opens with one read. */
  @Prop({ type: Number, required: true }) version!: number;
  @Prop({ type: String, required: true }) svg!: string;
  @Prop({ type: Number, required: true }) updated_at!: number;
  @Prop({ type: String, default: null }) updated_by!: string | null;
  /** The sensor ids bound on the current drawing (the list's summary and alarm count, without parsing). */
  @Prop({ type: [String], default: [] }) tags!: string[];
  @Prop({ type: Number, required: true }) binding_count!: number;
}
export const ScreenSchema = SchemaFactory.createForClass(Screen);

/**
 * One immutable version of a screen's drawing, `_id` = `<screen id>|<version>`: inserting version n+1
 * twice fails with a duplicate key, which is how two concurrent edits are told apart (FerretDB has no
 * transactions and read-modify-write updates).
 */
@Schema({ collection: 'screen_versions', versionKey: false, _id: false })
export class ScreenVersion {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) screen_id!: string;
  @Prop({ type: Number, required: true }) version!: number;
  @Prop({ type: Number, required: true }) at!: number;
  @Prop({ type: String, default: null }) by!: string | null;
  @Prop({ type: String, default: '' }) note!: string;
  @Prop({ type: String, required: true }) svg!: string;
  @Prop({ type: Number, default: null }) restored_from!: number | null;
}
export const ScreenVersionSchema = SchemaFactory.createForClass(ScreenVersion);
// Version history of one screen (GET /screens/:id/versions, and deleting a screen).
ScreenVersionSchema.index({ screen_id: 1, version: -1 });

export const versionId = (screenId: string, version: number): string => `${screenId}|${version}`;
