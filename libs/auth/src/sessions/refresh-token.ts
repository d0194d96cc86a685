import { createHash, randomBytes } from 'node:crypto';

/** A new opaque refresh token: 256 random bits, URL-safe. */
export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The stored form of a refresh token (its document `_id`): SHA-256, hex. */
export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export type RefreshVerdict =
  | { ok: true }
  | { ok: false; reason: 'unknown' }
  | { ok: false; reason: 'expired' | 'revoked' | 'reused'; revokeFamily: boolean };

/**
 * Whether a presented refresh token may be rotated. A token that was already rotated (reuse: it was
 * stolen, or an old copy was replayed), revoked or expired is refused, and the first and last of these also
 * end the whole family (login session), as OAuth 2.0 Security BCP §4.14 recommends for rotation.
 */
export function judgeRefreshToken(
  doc: { expires_at: Date; rotated_at: Date | null; revoked_at: Date | null } | null,
  now: Date,
): RefreshVerdict {
  if (!doc) return { ok: false, reason: 'unknown' };
  if (doc.revoked_at) return { ok: false, reason: 'revoked', revokeFamily: true };
  if (doc.rotated_at) return { ok: false, reason: 'reused', revokeFamily: true };
  if (doc.expires_at.getTime() <= now.getTime()) return { ok: false, reason: 'expired', revokeFamily: true };
  return { ok: true };
}
