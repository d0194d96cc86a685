import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * A session (refresh token family) that has ended: logout, or a replayed refresh token. Access tokens carry
 * their session id (`sid`), so checking one is an `_id` lookup (pushed down to SQL on FerretDB). Kept until
 * the last access token the session could have issued has expired, then deleted by a timer (no TTL indexes).
 */
@Schema({ collection: 'ended_sessions', versionKey: false })
export class EndedSession {
  /** The session id (`sid` claim, the refresh token family id). */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  ended_at!: Date;

  @Prop({ required: true })
  reason!: string;

  /** After this no access token of the session is valid anyway. */
  @Prop({ required: true })
  expires_at!: Date;
}

export const EndedSessionSchema = SchemaFactory.createForClass(EndedSession);
