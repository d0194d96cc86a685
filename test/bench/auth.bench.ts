import { AccessTokens } from '@idm/auth';
import { startTestApp } from '../support/app';
import { clearLoginThrottle, registerAndLogin, TEST_PASSWORD } from '../support/auth';
import type { Benchmark, BenchRow } from './harness';
import { percentile } from './harness';

async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function sample(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await timeMs(fn));
  return out;
}

/**
 * What authentication costs: the guard's work per request (JWT verify + user `_id` lookup), a guarded
 * request end to end against a public one, and login timing for a wrong password vs an unknown user
 * (they must match, or response times reveal which usernames exist).
 */
export const authBench: Benchmark = {
  name: 'auth',
  description: 'guard cost per request, guarded vs public request latency, login timing (wrong password vs unknown user)',
  async run(ctx) {
    const db = 'idm_bench_auth';
    await clearLoginThrottle(db);
    const t = await startTestApp(db, { AUTH_LOGIN_MAX_ATTEMPTS: '100000', AUTH_LOGIN_MAX_ATTEMPTS_PER_IP: '100000' });
    try {
      const admin = await registerAndLogin(t.url, { username: 'bench.admin' });
      const tokens = t.app.get(AccessTokens);
      const n = Number(process.env.BENCH_AUTH_REQUESTS ?? 500);
      ctx.log(`auth: ${n} guard checks`);
      await sample(50, () => tokens.authenticate(admin.access_token)); // warm-up
      const guard = await sample(n, () => tokens.authenticate(admin.access_token));

      const get = (path: string, token?: string) => async () => {
        const res = await fetch(`${t.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
        await res.arrayBuffer();
        if (!res.ok) throw new Error(`${path} answered ${res.status}`);
      };
      // /docs-json is public and does no I/O: the cost of a request without authentication.
      await sample(50, get('/auth/me', admin.access_token));
      const publicReq = await sample(n, get('/docs-json'));
      const guarded = await sample(n, get('/users', admin.access_token));

      const login = (username: string, password: string) => async () => {
        const res = await fetch(`${t.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
        await res.arrayBuffer();
      };
      const m = Number(process.env.BENCH_AUTH_LOGINS ?? 40);
      ctx.log(`auth: ${m} logins of each kind`);
      const ok = await sample(m, login('bench.admin', TEST_PASSWORD));
      const wrong = await sample(m, login('bench.admin', 'not the right password'));
      const unknown = await sample(m, login('nobody.at.all', 'not the right password'));

      const p50 = (v: number[]) => percentile(v, 50);
      const rows: BenchRow[] = [
        { benchmark: 'auth', case: 'guard check (JWT verify + user _id lookup), p50', value: p50(guard), unit: 'ms' },
        { benchmark: 'auth', case: 'guard check, p99', value: percentile(guard, 99), unit: 'ms' },
        { benchmark: 'auth', case: 'public GET /docs-json, p50', value: p50(publicReq), unit: 'ms' },
        { benchmark: 'auth', case: 'guarded GET /users (admin), p50', value: p50(guarded), unit: 'ms', baseline: p50(publicReq), ratio: p50(publicReq) / p50(guarded), notes: 'baseline: public request' },
        { benchmark: 'auth', case: 'login, right password, p50', value: p50(ok), unit: 'ms', notes: 'argon2id m=19MiB t=2 p=1' },
        { benchmark: 'auth', case: 'login, wrong password, p50', value: p50(wrong), unit: 'ms' },
        { benchmark: 'auth', case: 'login, unknown user, p50', value: p50(unknown), unit: 'ms', baseline: p50(wrong), ratio: p50(unknown) / p50(wrong), notes: 'ratio ~1: no user enumeration by timing' },
      ];
      return rows;
    } finally {
      await t.close();
    }
  },
};
