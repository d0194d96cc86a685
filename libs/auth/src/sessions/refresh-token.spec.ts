import { hashRefreshToken, judgeRefreshToken, newRefreshToken } from './refresh-token';

describe('refresh tokens', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  const live = { expires_at: new Date('2026-01-02T00:00:00Z'), rotated_at: null, revoked_at: null };

  it('are long random URL-safe strings, stored as SHA-256 hex', () => {
    const a = newRefreshToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newRefreshToken()).not.toBe(a);
    expect(hashRefreshToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('accept a live token', () => {
    expect(judgeRefreshToken(live, now)).toEqual({ ok: true });
  });

  it('refuse unknown tokens without touching any family', () => {
    expect(judgeRefreshToken(null, now)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('refuse rotated, revoked and expired tokens and revoke their family', () => {
    expect(judgeRefreshToken({ ...live, rotated_at: now }, now)).toEqual({ ok: false, reason: 'reused', revokeFamily: true });
    expect(judgeRefreshToken({ ...live, revoked_at: now }, now)).toEqual({ ok: false, reason: 'revoked', revokeFamily: true });
    expect(judgeRefreshToken({ ...live, expires_at: now }, now)).toEqual({ ok: false, reason: 'expired', revokeFamily: true });
  });
});
