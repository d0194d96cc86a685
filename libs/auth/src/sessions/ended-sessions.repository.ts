import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { EndedSession } from './ended-session.schema';

/** The only place that touches the ended_sessions collection. */
@Injectable()
export class EndedSessionsRepository {
  constructor(@InjectModel(EndedSession.name) private readonly ended: Model<EndedSession>) {}

  /** Records the end; ending an ended session again keeps its first record (one writer per `_id` insert). */
  async insert(doc: EndedSession): Promise<void> {
    try {
      await this.ended.create(doc);
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
    }
  }

  async exists(sessionId: string): Promise<boolean> {
    return (await this.ended.findById(sessionId, { _id: 1 }).lean().exec()) !== null;
  }

  async deleteExpired(before: Date): Promise<number> {
    const r = await this.ended.deleteMany({ expires_at: { $lt: before } }).exec();
    return r.deletedCount;
  }
}
