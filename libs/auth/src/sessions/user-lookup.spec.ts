import { ServiceUnavailableException } from '@nestjs/common';
import type { UserRecord, UsersRepository } from '../users/users.repository';
import { FAIL_STATIC_MS, UserLookup } from './user-lookup.service';

function repo(users: Record<string, Partial<UserRecord>>) {
  const state = { down: false, calls: 0 };
  const fake = {
    async findById(id: string) {
      state.calls++;
      if (state.down) throw new Error('connect ECONNREFUSED');
      return (users[id] as UserRecord) ?? null;
    },
  } as unknown as UsersRepository;
  return { fake, state };
}

describe('UserLookup (fail static during a database outage)', () => {
  it('reads the database every time while it answers: a change shows at once', async () => {
    const users: Record<string, Partial<UserRecord>> = { a: { username: 'ann', disabled: false } };
    const { fake, state } = repo(users);
    const lookup = new UserLookup(fake);
    expect((await lookup.byId('a'))?.disabled).toBe(false);
    users.a = { username: 'ann', disabled: true };
    expect((await lookup.byId('a'))?.disabled).toBe(true);
    expect(state.calls).toBe(2);
    expect(await lookup.byId('nobody')).toBeNull();
  });

  it('serves a recently checked user from memory when the database is away, and refuses one it never checked with 503', async () => {
    const { fake, state } = repo({ a: { username: 'ann' }, b: { username: 'bob' } });
    const lookup = new UserLookup(fake);
    await lookup.byId('a');
    state.down = true;
    expect((await lookup.byId('a'))?.username).toBe('ann');
    await expect(lookup.byId('b')).rejects.toBeInstanceOf(ServiceUnavailableException);
    // While the outage is fresh, known users do not wait for the database on every request.
    const calls = state.calls;
    expect((await lookup.byId('a'))?.username).toBe('ann');
    expect(state.calls).toBe(calls);
  });

  it('stops standing in for the database after the fail-static window', async () => {
    const { fake, state } = repo({ a: { username: 'ann' } });
    const lookup = new UserLookup(fake);
    await lookup.byId('a');
    state.down = true;
    await expect(lookup.byId('a', Date.now() + FAIL_STATIC_MS + 1000)).rejects.toBeInstanceOf(ServiceUnavailableException);
  });

  it('forgets a user the database no longer has', async () => {
    const users: Record<string, Partial<UserRecord>> = { a: { username: 'ann' } };
    const { fake, state } = repo(users);
    const lookup = new UserLookup(fake);
    await lookup.byId('a');
    delete users.a;
    expect(await lookup.byId('a')).toBeNull();
    state.down = true;
    await expect(lookup.byId('a')).rejects.toBeInstanceOf(ServiceUnavailableException);
  });
});
