import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * One issued refresh token. `_id` is the SHA-256 of the opaque token, so presenting a token is an `_id`
 * lookup (pushed down to SQL on FerretDB) and a database leak yields no usable token.
 */
@Schema({ collection: 'refresh_tokens', versionKey: false })
export class RefreshToken {
  @Prop({ type: String, required: true })
  _id!: string;

  /** The login session: every rotation stays in the family; reuse of an old token revokes all of it. */
  @Prop({ required: true })
  family_id!: string;

  /**
   * Hash of the token this one replaced (`root:<own _id>` for the first token of a family). Unique, so a token
   * can be rotated only once even when two refreshes race: FerretDB updates are not atomic, inserts
   * against a unique index are.
   */
  @Prop({ required: true })
  parent_id!: string;

  @Prop({ required: true })
  user_id!: string;

  @Prop({ required: true })
  created_at!: Date;

  @Prop({ required: true })
  expires_at!: Date;

  @Prop({ type: Date, default: null })
  rotated_at!: Date | null;

  @Prop({ type: Date, default: null })
  revoked_at!: Date | null;

  @Prop({ type: String, default: null })
  revoked_reason!: string | null;
}

export const RefreshTokenSchema = SchemaFactory.createForClass(RefreshToken);
// One child per token: the rotation race above.
RefreshTokenSchema.index({ parent_id: 1 }, { unique: true });
// Revoking a family (reuse, logout) and a user's sessions (disable, logout everywhere); rare writes.
RefreshTokenSchema.index({ family_id: 1 });
RefreshTokenSchema.index({ user_id: 1 });
