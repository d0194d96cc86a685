import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { RefreshToken } from './refresh-token.schema';

/** The only place that touches the refresh_tokens collection. */
@Injectable()
export class RefreshTokensRepository {
  constructor(@InjectModel(RefreshToken.name) private readonly tokens: Model<RefreshToken>) {}

  /** Inserts a token; false when `parent_id` already has a child (the parent was rotated concurrently). */
  async insert(doc: Omit<RefreshToken, 'rotated_at' | 'revoked_at' | 'revoked_reason'>): Promise<boolean> {
    try {
      await this.tokens.create({ ...doc, rotated_at: null, revoked_at: null, revoked_reason: null });
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }

  async findByHash(hash: string): Promise<RefreshToken | null> {
    return this.tokens.findById(hash).lean<RefreshToken>().exec();
  }

  async markRotated(hash: string, at: Date): Promise<void> {
    await this.tokens.updateOne({ _id: hash }, { $set: { rotated_at: at } }).exec();
  }

  /** Revokes a family's live tokens; with `userId`, only if the family is that user's. */
  async revokeFamily(familyId: string, reason: string, at: Date, userId?: string): Promise<number> {
    const filter = { family_id: familyId, revoked_at: null, ...(userId ? { user_id: userId } : {}) };
    const r = await this.tokens.updateMany(filter, { $set: { revoked_at: at, revoked_reason: reason } }).exec();
    return r.modifiedCount;
  }

  async revokeUser(userId: string, reason: string, at: Date): Promise<number> {
    const r = await this.tokens.updateMany({ user_id: userId, revoked_at: null }, { $set: { revoked_at: at, revoked_reason: reason } }).exec();
    return r.modifiedCount;
  }

  /** FerretDB has no TTL indexes: expired tokens are deleted by a timer instead. */
  async deleteExpired(before: Date): Promise<number> {
    const r = await this.tokens.deleteMany({ expires_at: { $lt: before } }).exec();
    return r.deletedCount;
  }
}
