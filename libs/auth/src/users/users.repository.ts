import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model, Types } from 'mongoose';
import { AuthClaim, User } from './user.schema';

export type UserRecord = User & { _id: Types.ObjectId };

/** Which unique field a rejected insert collided with. */
export class DuplicateUserError extends Error {
  constructor(readonly field: 'username' | 'email') {
    super(`${field} is already taken`);
  }
}

/** The only place that touches the users and auth_claims collections. */
@Injectable()
export class UsersRepository {
  constructor(
    @InjectModel(User.name) private readonly users: Model<User>,
    @InjectModel(AuthClaim.name) private readonly claims: Model<AuthClaim>,
  ) {}

  async insert(user: Omit<User, 'token_version' | 'last_login_at' | 'disabled' | 'locale' | 'time_zone'>): Promise<UserRecord> {
    try {
      const doc = await this.users.create({ ...user, disabled: false, token_version: 0, last_login_at: null });
      return doc.toObject() as UserRecord;
    } catch (err) {
      // FerretDB reports duplicates with code 11000 but no keyValue: find out which field collided.
      if ((err as { code?: number }).code === 11000) {
        const byName = await this.users.exists({ username_lower: user.username_lower });
        throw new DuplicateUserError(byName ? 'username' : 'email');
      }
      throw err;
    }
  }

  async findById(id: string): Promise<UserRecord | null> {
    if (!Types.ObjectId.isValid(id) || String(new Types.ObjectId(id)) !== id) return null;
    return this.users.findById(id).lean<UserRecord>().exec();
  }

  /** By folded username or e-mail (login accepts either). */
  async findByLogin(identifierLower: string): Promise<UserRecord | null> {
    const filter = identifierLower.includes('@') ? { email_lower: identifierLower } : { username_lower: identifierLower };
    return this.users.findOne(filter).lean<UserRecord>().exec();
  }

  async exists(field: 'username_lower' | 'email_lower', value: string): Promise<boolean> {
    return (await this.users.exists({ [field]: value })) !== null;
  }

  async list(): Promise<UserRecord[]> {
    return this.users.find().sort({ created_at: 1 }).lean<UserRecord[]>().exec();
  }

  async count(): Promise<number> {
    return this.users.countDocuments().exec();
  }

  async countActiveAdmins(): Promise<number> {
    return this.users.countDocuments({ roles: 'admin', disabled: false }).exec();
  }

  async update(id: Types.ObjectId, set: Partial<Pick<User, 'roles' | 'disabled' | 'last_login_at' | 'password' | 'locale' | 'time_zone'>>, bumpTokenVersion = false): Promise<UserRecord | null> {
    // No projection here: FerretDB rejects findOneAndUpdate with one.
    return this.users
      .findByIdAndUpdate(id, { ...(Object.keys(set).length ? { $set: set } : {}), ...(bumpTokenVersion ? { $inc: { token_version: 1 } } : {}) }, { new: true })
      .lean<UserRecord>()
      .exec();
  }

  /** True for exactly one caller per `name`, ever (an insert by `_id` is atomic on FerretDB). */
  async claimOnce(name: string): Promise<boolean> {
    try {
      await this.claims.create({ _id: name, at: new Date() });
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 11000) return false;
      throw err;
    }
  }

  async releaseClaim(name: string): Promise<void> {
    await this.claims.deleteOne({ _id: name }).exec();
  }
}
