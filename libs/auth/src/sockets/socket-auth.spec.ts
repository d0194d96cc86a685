import { handshakeToken, userRoom } from './socket-auth.service';

describe('handshakeToken', () => {
  const hs = (auth: unknown, authorization?: string) => ({ handshake: { auth, headers: authorization ? { authorization } : {} } }) as never;

  it('reads auth.token (browsers), tolerating a Bearer prefix', () => {
    expect(handshakeToken(hs({ token: 'abc' }))).toBe('abc');
    expect(handshakeToken(hs({ token: 'Bearer abc' }))).toBe('abc');
  });

  it('falls back to an Authorization: Bearer header (non-browser clients)', () => {
    expect(handshakeToken(hs({}, 'Bearer xyz'))).toBe('xyz');
    expect(handshakeToken(hs({}, 'Basic xyz'))).toBeUndefined();
  });

  it('ignores non-string and empty tokens', () => {
    expect(handshakeToken(hs({ token: { $gt: '' } }))).toBeUndefined();
    expect(handshakeToken(hs({ token: '' }))).toBeUndefined();
    expect(handshakeToken(hs(undefined))).toBeUndefined();
  });

  it('names a room per user', () => {
    expect(userRoom('42')).toBe('user:42');
  });
});
