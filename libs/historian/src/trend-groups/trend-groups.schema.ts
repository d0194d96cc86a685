import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { TrendGroupDto } from '@idm/contracts';

/**
 * One user's saved trend groups, in one document whose `_id` is the user id: reading and saving them is an
 * `_id` lookup (the only filter FerretDB pushes down), and each user writes only their own document.
 */
@Schema({ collection: 'trend_groups', versionKey: false, _id: false })
export class UserTrendGroups {
  @Prop({ type: String, required: true }) _id!: string;
  // Pens as one comma-separated string per group (sensor ids hold no comma): no arrays inside the array.
  @Prop({ type: [{ _id: false, name: String, pens: String, axes: String, range: String }], default: [] })
  groups!: Array<Omit<TrendGroupDto, 'pens'> & { pens: string }>;
  @Prop({ type: Number, required: true }) updated_at!: number;
}

export const UserTrendGroupsSchema = SchemaFactory.createForClass(UserTrendGroups);
