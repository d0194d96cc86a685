import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { TrendGroupDto } from '@idm/contracts';
import { UserTrendGroups } from './trend-groups.schema';

/** The only place that touches the trend groups model. */
@Injectable()
export class TrendGroupsRepository {
  constructor(@InjectModel(UserTrendGroups.name) private readonly model: Model<UserTrendGroups>) {}

  async load(userId: string): Promise<TrendGroupDto[]> {
    const doc = await this.model.findOne({ _id: userId }).lean<UserTrendGroups>().exec();
    return (doc?.groups ?? []).map((g) => ({ name: g.name, pens: g.pens.split(','), axes: g.axes, range: g.range }));
  }

  /** Replaces the user's whole list: one document per user, written only on that user's request. */
  async save(userId: string, groups: readonly TrendGroupDto[]): Promise<void> {
    const stored = groups.map((g) => ({ name: g.name, pens: g.pens.join(','), axes: g.axes, range: g.range }));
    await this.model.replaceOne({ _id: userId }, { _id: userId, groups: stored, updated_at: Date.now() }, { upsert: true }).exec();
  }
}
