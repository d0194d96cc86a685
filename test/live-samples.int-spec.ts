import type { Role } from '@idm/contracts';
import { startTestApp, TestApp } from './support/app';
import { clearLoginThrottle, loginAllRoles } from './support/auth';
import { expectThrottled, LiveScreen, openLiveScreen, sleep, until } from './support/live-screen';
import { call } from './support/modbus';

describe('live samples: per-sensor subscriptions over Socket.IO, throttled per subscription', () => {
  const db = 'idm_test_live_samples';
  let t: TestApp;
  let tokens: Record<Role, string>;
  const screens: LiveScreen[] = [];

  beforeAll(async () => {
    await clearLoginThrottle(db);
    t = await startTestApp(db, { MODBUS_POLLING: '0' });
    tokens = await loginAllRoles(t.url);
  });
  afterAll(async () => {
    screens.forEach((s) => s.socket.disconnect());
    await t?.close();
  });

  async function screen(): Promise<LiveScreen> {
    const s = openLiveScreen(t.url, tokens.viewer);
    screens.push(s);
    await s.snapshot;
    return s;
  }

  /** Posts one batch to `POST /sensors/data`, every sample stamped now. */
  async function post(values: Record<string, number>): Promise<void> {
    const now = Date.now();
    const samples = Object.entries(values).map(([sensor_id, value]) => ({ sensor_id, timestamp: now, value }));
    const r = await call(t.url, 'POST', '/sensors/data', tokens.operator, { samples });
    expect(r.status).toBe(202);
  }

  const values = (s: LiveScreen, sensorId: string) => s.samplesOf(sensorId).map((x) => x.value);

  it('sends only subscribed sensors, at most one sample per sensor per interval, and the latest value arrives last', async () => {
    const fast = await screen();
    const slow = await screen();
    expect(await fast.subscribe(['LS-1', 'LS-2'], 400)).toEqual({ ok: true });
    expect(await slow.subscribe(['LS-1'], 1000)).toEqual({ ok: true });

    // 12 values per sensor over ~1.2 s: far more than either interval lets through.
    for (let i = 1; i <= 12; i++) {
      await post({ 'LS-1': i, 'LS-2': 100 + i, 'LS-3': i });
      await sleep(80);
    }
    await until(() => values(fast, 'LS-1').at(-1) === 12 && values(fast, 'LS-2').at(-1) === 112, 5000, 'latest values on the 400 ms screen');
    await until(() => values(slow, 'LS-1').at(-1) === 12, 5000, 'latest value on the 1 s screen');
    await sleep(1200); // nothing is still on its way

    expect(fast.samplesOf('LS-1')[0]).toEqual({
      sensor_id: 'LS-1', value: expect.any(Number), timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/), quality: 'good', status: 'normal', received_at: expect.any(Number),
    });
    for (const [s, sensor, interval, last] of [[fast, 'LS-1', 400, 12], [fast, 'LS-2', 400, 112], [slow, 'LS-1', 1000, 12]] as const) {
      const got = values(s, sensor);
      expect(got.at(-1)).toBe(last); // the trailing send: the last value is never swallowed by the throttle
      expect(got.length).toBeGreaterThanOrEqual(2);
      expect(got.length).toBeLessThan(12);
      expect([...got].sort((a, b) => a - b)).toEqual(got); // never an older value after a newer one
      expectThrottled(s.samplesOf(sensor), interval);
    }
    expect(values(slow, 'LS-1').length).toBeLessThan(values(fast, 'LS-1').length);
    expect(fast.samplesOf('LS-3')).toEqual([]);
    expect(slow.samplesOf('LS-2')).toEqual([]);
  });

  it('stops a sensor on unsubscribe, including a throttled value still waiting to be sent', async () => {
    const s = await screen();
    expect(await s.subscribe(['LS-4', 'LS-5'], 1000)).toEqual({ ok: true });
    await post({ 'LS-4': 1, 'LS-5': 1 });
    await until(() => values(s, 'LS-4').length === 1 && values(s, 'LS-5').length === 1, 5000, 'first samples');
    await post({ 'LS-4': 2, 'LS-5': 2 }); // within the interval: both wait for their trailing send
    expect(await s.unsubscribe(['LS-4'])).toEqual({ ok: true });
    await until(() => values(s, 'LS-5').at(-1) === 2, 5000, 'trailing LS-5');
    await post({ 'LS-4': 3, 'LS-5': 3 });
    await until(() => values(s, 'LS-5').at(-1) === 3, 5000, 'LS-5 after the unsubscribe');
    await sleep(1200);
    expect(values(s, 'LS-4')).toEqual([1]);
    expect(values(s, 'LS-5')).toEqual([1, 2, 3]);
  });

  it('refuses a bad subscription with an acknowledgement naming the field, and subscribes nothing', async () => {
    const s = await screen();
    const refused: Array<[unknown, unknown, RegExp, unknown?]> = [
      [undefined, undefined, /^sensor_ids must be/],
      ['LS-6', 500, /^sensor_ids must be/],
      [[], 500, /^sensor_ids must be/],
      [['LS-6', 42], 500, /^sensor_ids must be/],
      [Array.from({ length: 5001 }, (_, i) => `S-${i}`), 500, /^sensor_ids must be .*at most 5000/],
      [['LS-6'], 10, /^min_interval_ms must be between 50 and 60000/],
      [['LS-6'], 120_000, /^min_interval_ms must be between 50 and 60000/],
      [['LS-6'], 'often', /^min_interval_ms must be between 50 and 60000/],
      [['LS-6'], 500, /^batch must be a boolean/, 'yes'],
      [['LS-6'], 500, /^batch must be a boolean/, 1],
    ];
    for (const [ids, interval, message, batch] of refused) {
      const ack = await s.subscribe(ids, interval, batch);
      expect(ack.ok).toBe(false);
      expect(ack.message).toMatch(message);
    }
    // A good subscription (default interval) next to the refused ones: only it streams.
    expect(await s.subscribe(['LS-7'])).toEqual({ ok: true });
    await post({ 'LS-6': 1, 'LS-7': 1 });
    await until(() => values(s, 'LS-7').length === 1, 5000, 'LS-7');
    await sleep(500);
    expect(s.samplesOf('LS-6')).toEqual([]);
  });

  describe('batch: true (what the client asks for)', () => {
    it('sends the samples of one batch as one `samples` message, while a screen that did not ask still gets one `sample` each', async () => {
      const batching = await screen();
      const plain = await screen();
      const ids = Array.from({ length: 40 }, (_, i) => `LB-${i}`);
      expect(await batching.subscribe(ids, 500, true)).toEqual({ ok: true });
      expect(await plain.subscribe(ids, 500, false)).toEqual({ ok: true });
      await post(Object.fromEntries(ids.map((id, i) => [id, i])));
      await until(() => ids.every((id) => values(batching, id).length === 1), 5000, 'every sensor on the batching screen');
      await until(() => ids.every((id) => values(plain, id).length === 1), 5000, 'every sensor on the plain screen');
      expect(batching.messages).toEqual([{ event: 'samples', count: 40 }]);
      expect(batching.samplesOf('LB-7')).toEqual([
        { sensor_id: 'LB-7', value: 7, timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/), quality: 'good', status: 'normal', received_at: expect.any(Number) },
      ]);
      expect(plain.messages).toEqual(ids.map(() => ({ event: 'sample', count: 1 })));
    });

    it('keeps the throttle per sensor and the trailing send, and the trailing sends due together arrive as one message', async () => {
      const s = await screen();
      expect(await s.subscribe(['LB-A', 'LB-B', 'LB-C'], 400, true)).toEqual({ ok: true });
      for (let i = 1; i <= 12; i++) {
        await post({ 'LB-A': i, 'LB-B': 100 + i, 'LB-C': 200 + i });
        await sleep(80);
      }
      await until(() => values(s, 'LB-A').at(-1) === 12 && values(s, 'LB-B').at(-1) === 112 && values(s, 'LB-C').at(-1) === 212, 5000, 'latest values');
      await sleep(1000); // nothing is still on its way
      for (const [sensor, last] of [['LB-A', 12], ['LB-B', 112], ['LB-C', 212]] as const) {
        const got = values(s, sensor);
        expect(got.at(-1)).toBe(last);
        expect(got.length).toBeGreaterThanOrEqual(2);
        expect(got.length).toBeLessThan(12);
        expect([...got].sort((a, b) => a - b)).toEqual(got);
        expectThrottled(s.samplesOf(sensor), 400);
      }
      // A batching screen never gets a lone `sample`: every send is a `samples` message. Trailing sends due in the
      // same tick travel together, but a loaded process can fire the three sensors' timers a tick apart (a CI run
      // saw 3, 3, 3, 1, 2), so how they group is not asserted here; one batch of 40 in one message is, above.
      expect(s.messages.length).toBeGreaterThanOrEqual(2);
      expect(s.messages.every((m) => m.event === 'samples' && m.count >= 1 && m.count <= 3)).toBe(true);
      expect(s.messages.reduce((n, m) => n + m.count, 0)).toBe(['LB-A', 'LB-B', 'LB-C'].reduce((n, id) => n + values(s, id).length, 0));
      expect(s.messages.length).toBeLessThan(['LB-A', 'LB-B', 'LB-C'].reduce((n, id) => n + values(s, id).length, 0));
    });
  });
});
