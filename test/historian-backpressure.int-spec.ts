import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HistorianService } from '@idm/historian';
import { startTestApp, TestApp } from './support/app';
import { authHeader, registerAndLogin } from './support/auth';
import { expectExactlyOnce, storedSamples } from './support/historian';
import { mongoUriFor } from './support/services';

const DB = 'idm_test_historian_backpressure';
const CLIENTS = 20;
const BATCHES = 4;
const BATCH = 1000;

describe('historian: backpressure under a flood of POST /sensors/data', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(DB, {
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'idm-backpressure-')),
      MODBUS_POLLING: '0',
      HISTORIAN_MAX_BACKLOG_SAMPLES: '3000',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 503 with Retry-After beyond the backlog bound, and stores exactly what it answered 202 to', async () => {
    const token = (await registerAndLogin(t.url, { username: 'flood.op' })).access_token;
    const accepted = new Map<string, number>();
    const refused: Array<{ retryAfter: string | null; message: string }> = [];
    const t0 = Date.now() - 3_600_000;
    // 20 clients, each with its own 10 sensors, post 1 000-sample batches as fast as they are answered.
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let b = 0; b < BATCHES; b++) {
          const samples = Array.from({ length: BATCH }, (_, i) => ({ sensor_id: `flood-${c}-${i % 10}`, timestamp: t0 + (b * 100 + Math.floor(i / 10)) * 1000, value: c * 1000 + b * 10 + (i % 10) }));
          const res = await fetch(`${t.url}/sensors/data`, { method: 'POST', headers: authHeader(token), body: JSON.stringify({ samples }) });
          const body: any = await res.json();
          if (res.status === 202) for (const s of samples) accepted.set(`${s.sensor_id}|${s.timestamp}`, s.value);
          else if (res.status === 503) refused.push({ retryAfter: res.headers.get('retry-after'), message: body.message });
          else throw new Error(`POST /sensors/data answered ${res.status}: ${JSON.stringify(body)}`);
        }
      }),
    );
    expect(refused.length).toBeGreaterThan(0);
    expect(accepted.size).toBeGreaterThan(0);
    for (const r of refused) {
      expect(Number(r.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(r.message).toMatch(/^ingest backlog full: .*HISTORIAN_MAX_BACKLOG_SAMPLES=3000/);
    }
    await t.app.get(HistorianService).drain(true);
    // Stored: every acknowledged sample once, and not one sample of a refused batch.
    expectExactlyOnce(accepted, new Set(accepted.keys()), await storedSamples(mongoUriFor(DB)));
  });
});
