import { afterRoundTrip, earliestExpiry, ElectionState, isWriterAt, LeaseAnswer, leaseTiming, STANDBY, trustedUntil } from './writer-lease';

describe('writer lease timing', () => {
  it('renews at lease/3 and stops a margin before the lease can expire', () => {
    const t = leaseTiming(3000);
    expect(t).toEqual({ leaseMs: 3000, renewMs: 1000, marginMs: 600 });
    expect(trustedUntil(10_000, t)).toBe(12_400);
    expect(trustedUntil(10_000, t)).toBeLessThan(earliestExpiry(10_000, t));
    expect(leaseTiming(1000).marginMs).toBe(200); // never less than MIN_MARGIN_MS
  });

  it('refuses a renew interval that does not leave two renews inside the trusted part of the lease', () => {
    expect(() => leaseTiming(3000, 1300)).toThrow('renew interval 1300 ms is too long for a lease of 3000 ms: two renews must fit in lease - margin (2400 ms)');
    expect(leaseTiming(3000, 1200).renewMs).toBe(1200);
  });

  it('a writer whose renews fail stays writer until its trust runs out, then is a standby before Redis can expire the lease', () => {
    const t = leaseTiming(3000);
    let s: ElectionState = afterRoundTrip(STANDBY, { kind: 'held', epoch: 7 }, 0, 5, t);
    expect(s).toEqual({ role: 'writer', epoch: 7, until: 2400 });
    s = afterRoundTrip(s, { kind: 'error' }, 1000, 1001, t);
    s = afterRoundTrip(s, { kind: 'error' }, 2000, 2001, t);
    expect(isWriterAt(s, 2399)).toBe(true);
    expect(isWriterAt(s, 2400)).toBe(false);
    expect(afterRoundTrip(s, { kind: 'error' }, 2400, 2401, t)).toEqual(STANDBY);
  });

  it('steps down at once when the lease is in other hands, and ignores a success that arrives too late', () => {
    const t = leaseTiming(3000);
    const w: ElectionState = { role: 'writer', epoch: 3, until: 5000 };
    expect(afterRoundTrip(w, { kind: 'taken' }, 3000, 3001, t)).toEqual(STANDBY);
    // Sent at 0, answered after a 2.5 s stall (a frozen process): 2500 >= 0 + 3000 - 600.
    expect(afterRoundTrip(STANDBY, { kind: 'held', epoch: 4 }, 0, 2500, t)).toEqual(STANDBY);
  });

  /**
   * Two instances against a model of Redis' SET NX PX / compare-and-renew, with clocks running at different
   * rates, random round-trip delays, freezes (SIGSTOP) and Redis outages: at no instant do both trust the
   * lease, and the standby takes over once the writer is gone.
   */
  it('never has two writers at once in a simulation with drift, delays, freezes and Redis outages', () => {
    const t = leaseTiming(3000);
    let seed = 42;
    // mulberry32: a small deterministic generator, so the schedule is the same on every run.
    const rand = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
    let overlaps = 0;
    let unheld = 0;
    // Redis' clock is the true time; the instances' clocks drift by up to 0.5 % (far beyond NTP).
    const drift = [1.005, 0.995];
    const local = (i: number, trueMs: number) => trueMs * drift[i];
    const redis = { owner: -1, expiresAt: 0, epoch: 0 };
    const states: ElectionState[] = [STANDBY, STANDBY];
    const nextAttempt = [0, 137];
    const inflight: Array<{ i: number; sentAt: number; arriveAt: number; answerAt: number } | null> = [null, null];
    const frozenUntil = [0, 0];
    let redisDownUntil = 0;
    let takeovers = 0;
    let lastOwner = -1;
    for (let now = 0; now < 600_000; now++) {
      if (rand() < 0.00005) frozenUntil[Math.floor(rand() * 2)] = now + 1000 + rand() * 8000;
      if (rand() < 0.00002) redisDownUntil = now + 500 + rand() * 6000;
      for (const i of [0, 1]) {
        if (now < frozenUntil[i]) continue; // a frozen process neither sends nor reads answers
        const f = inflight[i];
        if (f && now >= f.arriveAt && f.arriveAt >= 0) {
          // Redis runs the command now (true time) unless it is down.
          let answer: LeaseAnswer;
          if (now < redisDownUntil) answer = { kind: 'error' };
          else {
            if (now >= redis.expiresAt) redis.owner = -1;
            if (redis.owner === -1) {
              redis.owner = i;
              redis.epoch++;
              redis.expiresAt = now + t.leaseMs;
              answer = { kind: 'held', epoch: redis.epoch };
            } else if (redis.owner === i) {
              redis.expiresAt = now + t.leaseMs;
              answer = { kind: 'held', epoch: redis.epoch };
            } else answer = { kind: 'taken' };
          }
          f.arriveAt = -1;
          (f as { answer?: LeaseAnswer }).answer = answer;
        }
        if (f && f.arriveAt === -1 && now >= f.answerAt) {
          states[i] = afterRoundTrip(states[i], (f as unknown as { answer: LeaseAnswer }).answer, f.sentAt, local(i, now), t);
          inflight[i] = null;
        }
        if (!inflight[i] && local(i, now) >= nextAttempt[i]) {
          const up = 1 + Math.floor(rand() * 40);
          inflight[i] = { i, sentAt: local(i, now), arriveAt: now + up, answerAt: now + up + 1 + Math.floor(rand() * 40) };
          nextAttempt[i] = local(i, now) + t.renewMs;
        }
        // A frozen-then-resumed process must not act on a trust window that has run out meanwhile.
      }
      const writers = [0, 1].filter((i) => now >= frozenUntil[i] && isWriterAt(states[i], local(i, now)));
      if (writers.length > 1) overlaps++;
      // Whoever trusts the lease holds it in Redis.
      for (const w of writers) if (redis.owner !== w || now >= redis.expiresAt) unheld++;
      if (writers.length === 1 && writers[0] !== lastOwner) {
        if (lastOwner !== -1) takeovers++;
        lastOwner = writers[0];
      }
    }
    expect({ overlaps, unheld }).toEqual({ overlaps: 0, unheld: 0 });
    expect(takeovers).toBeGreaterThan(3); // the schedule did exercise failovers
  });
});
