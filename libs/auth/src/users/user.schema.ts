import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { ROLES, type Role } from '@idm/contracts';

/**
 * An IDM user (original schema: username, email, password hash, created_at; plus roles and state).
 * The collection stays small (people, not samples), so filtering it by a non-`_id` field is fine on FerretDB.
 */
@Schema({ collection: 'users', versionKey: false })
export class User {
  @Prop({ required: true })
  username!: string;

  /** Unique-index key: FerretDB has no collations, so case-insensitive uniqueness needs a folded copy. */
  @Prop({ required: true })
  username_lower!: string;

  @Prop({ required: true })
  email!: string;

  @Prop({ required: true })
  email_lower!: string;

  /** argon2id PHC string. Never returned by an endpoint or logged. */
  @Prop({ required: true })
  password!: string;

  @Prop({ type: [String], enum: ROLES, required: true })
  roles!: Role[];

  @Prop({ required: true, default: false })
  disabled!: boolean;

  /** In every access token (`tv`): bumping it ends the user's tokens at once (disable, logout everywhere). */
  @Prop({ required: true, default: 0 })
  token_version!: number;

  @Prop({ required: true })
  created_at!: Date;

  @Prop({ type: Date, default: null })
  last_login_at!: Date | null;

  /** Display settings of the user's own (`PATCH /auth/me`); null = the defaults (ISO-like 24 h, the browser's zone). */
  @Prop({ type: String, default: null })
  locale!: string | null;

  @Prop({ type: String, default: null })
  time_zone!: string | null;
}

export const UserSchema = SchemaFactory.createForClass(User);
// Serve register's duplicate checks (11000) and login by username / e-mail.
UserSchema.index({ username_lower: 1 }, { unique: true });
UserSchema.index({ email_lower: 1 }, { unique: true });

/**
 * Claims that must be won exactly once (e.g. "the first user becomes admin"): inserting a document with a
 * known `_id` is atomic on FerretDB, unlike a count-then-insert.
 */
@Schema({ collection: 'auth_claims', versionKey: false })
export class AuthClaim {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  at!: Date;
}

export const AuthClaimSchema = SchemaFactory.createForClass(AuthClaim);
