import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * A finished background report (one per job, `_id` = job id, so reads are `_id` lookups). FerretDB has no
 * TTL indexes: the reports queue's scheduled clean-up deletes files past `expires_at`.
 */
@Schema({ collection: 'report_files', versionKey: false, _id: false })
export class ReportFile {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) format!: string;
  @Prop({ type: String, required: true }) filename!: string;
  @Prop({ type: String, required: true }) content_type!: string;
  @Prop({ type: Buffer, required: true }) content!: Buffer;
  @Prop({ type: String, default: null }) requested_by!: string | null;
  @Prop({ type: Number, required: true }) created_at!: number;
  @Prop({ type: Number, required: true }) expires_at!: number;
}

export const ReportFileSchema = SchemaFactory.createForClass(ReportFile);
// Clean-up: files past their expiry.
ReportFileSchema.index({ expires_at: 1 });
