import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { AlarmPriorityName, DeliveryStatus, DigestAttachmentFormat, ReportScope } from '@idm/contracts';

/**
 * A supervisor's subscription (`_id` = a UUID, also the key of its BullMQ job scheduler `digest:<id>`).
 * Written only by the subscriptions service, apart from `last_sent_at` set by the digest job; few
 * documents, so the owner filter scanning the collection on FerretDB is fine.
 */
@Schema({ collection: 'notification_subscriptions', versionKey: false, _id: false })
export class Subscription {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) owner!: string;
  @Prop({ type: String, required: true }) name!: string;
  @Prop({ type: [String], required: true }) recipients!: string[];
  @Prop({ type: Object, default: {} }) scope!: ReportScope;
  @Prop({ type: String, required: true }) min_priority!: AlarmPriorityName;
  @Prop({ type: String, required: true }) cron!: string;
  @Prop({ type: String, required: true }) time_zone!: string;
  @Prop({ type: String, required: true }) format!: DigestAttachmentFormat;
  @Prop({ type: Boolean, required: true }) send_empty!: boolean;
  @Prop({ type: Boolean, required: true }) critical_immediate!: boolean;
  @Prop({ type: Boolean, required: true }) enabled!: boolean;
  @Prop({ type: Number, default: null }) last_sent_at!: number | null;
  @Prop({ type: Number, required: true }) created_at!: number;
  @Prop({ type: Number, required: true }) updated_at!: number;
}

export const SubscriptionSchema = SchemaFactory.createForClass(Subscription);
// A supervisor's own subscriptions.
SubscriptionSchema.index({ owner: 1 });

/** One e-mail in the delivery log (`_id` = the mail job id). Written only by the outbox and the mail worker. */
@Schema({ collection: 'notification_deliveries', versionKey: false, _id: false })
export class Delivery {
  @Prop({ type: String, required: true }) _id!: string;
  @Prop({ type: String, required: true }) kind!: 'digest' | 'critical' | 'message';
  @Prop({ type: String, default: null }) subscription_id!: string | null;
  @Prop({ type: String, default: null }) requested_by!: string | null;
  @Prop({ type: [String], required: true }) recipients!: string[];
  @Prop({ type: String, required: true }) subject!: string;
  @Prop({ type: String, required: true }) status!: DeliveryStatus;
  @Prop({ type: Number, default: 0 }) attempts!: number;
  @Prop({ type: String, default: null }) last_error!: string | null;
  @Prop({ type: Number, required: true }) created_at!: number;
  @Prop({ type: Number, default: null }) sent_at!: number | null;
  @Prop({ type: Number, required: true }) updated_at!: number;
}

export const DeliverySchema = SchemaFactory.createForClass(Delivery);
// The delivery log, newest first.
DeliverySchema.index({ created_at: -1 });
