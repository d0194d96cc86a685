import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { Delivery, Subscription } from './notification.schema';

/** Mongoose drops empty objects on save: an unscoped subscription comes back without `scope`. */
function normalize(s: Subscription): Subscription {
  return { ...s, scope: s.scope ?? {} };
}

/** The only place that touches the notification models. */
@Injectable()
export class NotificationsRepository {
  constructor(
    @InjectModel(Subscription.name) private readonly subs: Model<Subscription>,
    @InjectModel(Delivery.name) private readonly deliveries: Model<Delivery>,
  ) {}

  async init(): Promise<void> {
    await Promise.all([this.subs.init(), this.deliveries.init()]);
  }

  async listSubscriptions(owner?: string): Promise<Subscription[]> {
    return (await this.subs.find(owner ? { owner } : {}).lean<Subscription[]>().exec()).map(normalize);
  }

  async getSubscription(id: string): Promise<Subscription | null> {
    const s = await this.subs.findOne({ _id: id }).lean<Subscription>().exec();
    return s ? normalize(s) : null;
  }

  async saveSubscription(s: Subscription): Promise<void> {
    await this.subs.replaceOne({ _id: s._id }, s, { upsert: true }).exec();
  }

  async setLastSent(id: string, at: number): Promise<void> {
    await this.subs.updateOne({ _id: id }, { $set: { last_sent_at: at } }).exec();
  }

  async deleteSubscription(id: string): Promise<void> {
    await this.subs.deleteOne({ _id: id }).exec();
  }

  async createDelivery(d: Delivery): Promise<void> {
    await this.deliveries.create(d);
  }

  async updateDelivery(id: string, set: Partial<Delivery>): Promise<void> {
    await this.deliveries.updateOne({ _id: id }, { $set: { ...set, updated_at: Date.now() } }).exec();
  }

  getDelivery(id: string): Promise<Delivery | null> {
    return this.deliveries.findOne({ _id: id }).lean<Delivery>().exec();
  }

  /** Newest first; `mine` limits it to a user's subscriptions and what the user sent by hand. */
  async recentDeliveries(limit: number, mine?: { username: string; subscriptionIds: string[] }): Promise<Delivery[]> {
    const all = await this.deliveries.find({}).sort({ created_at: -1 }).limit(mine ? 5000 : limit).lean<Delivery[]>().exec();
    const own = (d: Delivery) => d.requested_by === mine!.username || (!!d.subscription_id && mine!.subscriptionIds.includes(d.subscription_id));
    return (mine ? all.filter(own) : all).slice(0, limit);
  }
}
