import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dropDatabase, scrapeMetrics, TEST_METRICS_TOKEN } from '../support/app';
import { authHeader, registerAndLogin } from '../support/auth';
import { freePort } from '../support/ferretdb';
import { mongoUriFor, ROOT } from '../support/services';
import type { Benchmark } from './harness';
import { percentile } from './harness';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

/** Peak resident memory of a process (Linux VmHWM), in MB. */
function peakRssMb(pid: number): number {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/**
 * The load of issue 17: 20 clients posting 1 000-sample batches to POST /sensors/data as fast as they are
 * answered, for BENCH_LOAD_SECONDS (default 30), against IDM in its own process (built dist/, so its memory
 * is its own). A client answered 503 waits Retry-After and re-sends the batch, as a well-behaved client does.
 * HISTORIAN_MAX_BACKLOG_SAMPLES comes from BENCH_LOAD_BACKLOG (default: IDM's default); a huge value shows
 * the unbounded behaviour. After the flood, the time until the written backlog is back to zero is the recovery.
 */
export const ingestLoadBench: Benchmark = {
  name: 'ingest-load',
  description: '20 clients x 1000-sample batches to POST /sensors/data for a bounded time: samples/s, p99 latency, peak RSS, max write lag, recovery',
  async run(ctx) {
    const seconds = Number(process.env.BENCH_LOAD_SECONDS ?? 30);
    const clients = 20;
    const batch = 1000;
    const backlog = process.env.BENCH_LOAD_BACKLOG;
    const main = path.join(ROOT, 'dist', 'apps', 'server', 'main.js');
    if (!fs.existsSync(main)) throw new Error('ingest-load needs the built server: run `npx nest build server`');
    const db = 'idm_bench_load';
    const mongoUri = mongoUriFor(db, ctx.mongoUri);
    await dropDatabase(mongoUri);
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-bench-load-'));
    const { PATH, HOME } = process.env;
    const idm: ChildProcess = spawn(process.execPath, [main], {
      env: {
        PATH, HOME, NODE_ENV: 'test', LOG_LEVEL: 'error', HOST: '127.0.0.1', PORT: String(port), MONGO_URI: mongoUri, REDIS_URL: ctx.redisUrl,
        JWT_SECRET: 'idm-bench-load-secret-0123456789abcdef', METRICS_TOKEN: TEST_METRICS_TOKEN, DATA_DIR: dataDir, QUEUE_PREFIX: 'idm-bench-load',
        MODBUS_POLLING: '0', DETECTION_SNAPSHOT_SECONDS: '86400', ...(backlog ? { HISTORIAN_MAX_BACKLOG_SAMPLES: backlog } : {}),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const url = `http://127.0.0.1:${port}`;
    try {
      for (const deadline = Date.now() + 60_000; ; await sleep(200)) {
        if ((await fetch(`${url}/health`).catch(() => null))?.status === 200) break;
        if (Date.now() > deadline) throw new Error('IDM did not start');
      }
      const token = (await registerAndLogin(url, { username: 'bench.load' })).access_token;
      const rssAtStart = peakRssMb(idm.pid as number);
      let maxLag = 0;
      let maxBacklog = 0;
      let maxHeapMb = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const text = await scrapeMetrics(url).catch(() => '');
          maxLag = Math.max(maxLag, metric(text, 'historian_write_lag_seconds') || 0);
          maxBacklog = Math.max(maxBacklog, metric(text, 'historian_backlog_samples') || 0);
          maxHeapMb = Math.max(maxHeapMb, (metric(text, 'nodejs_heap_size_used_bytes') || 0) / 2 ** 20);
          await sleep(500);
        }
      })();

      const latencies: number[] = [];
      let accepted = 0;
      let refused = 0;
      const t0 = Date.now() - 12 * 3_600_000;
      const started = Date.now();
      const end = started + seconds * 1000;
      await Promise.all(
        Array.from({ length: clients }, async (_, c) => {
          // Each client: its own 100 sensors, 10 seconds of 1 Hz samples per batch, in time order.
          for (let b = 0; Date.now() < end; b++) {
            const body = JSON.stringify({ samples: Array.from({ length: batch }, (_, i) => ({ sensor_id: `load-${c}-${i % 100}`, timestamp: t0 + (b * 10 + Math.floor(i / 100)) * 1000, value: (i % 100) + b })) });
            for (;;) {
              const s = process.hrtime.bigint();
              const res = await fetch(`${url}/sensors/data`, { method: 'POST', headers: authHeader(token), body });
              await res.arrayBuffer();
              latencies.push(Number(process.hrtime.bigint() - s) / 1e6);
              if (res.status === 202) {
                accepted += batch;
                break;
              }
              if (res.status !== 503) throw new Error(`POST /sensors/data answered ${res.status}`);
              refused++;
              await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000);
              if (Date.now() >= end) return;
            }
          }
        }),
      );
      const elapsed = (Date.now() - started) / 1000;
      // Recovery: how long until everything accepted is written (backlog and write lag back to zero).
      const floodEnd = Date.now();
      let recovered = NaN;
      for (const deadline = floodEnd + 600_000; Date.now() < deadline; await sleep(500)) {
        const text = await scrapeMetrics(url);
        if (metric(text, 'historian_backlog_samples') === 0 && metric(text, 'historian_write_lag_seconds') === 0) {
          recovered = (Date.now() - floodEnd) / 1000;
          break;
        }
      }
      sampling = false;
      await sampler;
      const peak = peakRssMb(idm.pid as number);
      const rate = accepted / elapsed;
      const bound = backlog ?? 'default';
      ctx.log(`ingest-load (backlog bound ${bound}): ${accepted} samples accepted in ${elapsed.toFixed(1)} s (${rate.toFixed(0)}/s), ${refused} answers 503, p99 ${percentile(latencies, 99).toFixed(0)} ms, peak RSS ${peak.toFixed(0)} MB (${rssAtStart.toFixed(0)} at start), max heap used ${maxHeapMb.toFixed(0)} MB, max lag ${maxLag.toFixed(1)} s, max backlog ${maxBacklog}, recovered in ${recovered.toFixed(1)} s`);
      const notes = `${clients} clients x ${batch}-sample batches for ${seconds} s, HISTORIAN_MAX_BACKLOG_SAMPLES=${bound}`;
      return [
        { benchmark: 'ingest-load', case: 'accepted samples/s', value: rate, unit: 'samples/s', notes },
        { benchmark: 'ingest-load', case: 'request latency p99', value: percentile(latencies, 99), unit: 'ms', notes: `${latencies.length} requests, ${refused} answered 503` },
        { benchmark: 'ingest-load', case: 'peak RSS', value: peak, unit: 'MB', notes: `${rssAtStart.toFixed(0)} MB before the flood` },
        { benchmark: 'ingest-load', case: 'max heap used', value: maxHeapMb, unit: 'MB', notes: 'nodejs_heap_size_used_bytes, sampled every 0.5 s' },
        { benchmark: 'ingest-load', case: 'max write lag', value: maxLag, unit: 's', notes: `max backlog ${maxBacklog} samples` },
        { benchmark: 'ingest-load', case: 'recovery after the flood', value: recovered, unit: 's', notes: 'until backlog and write lag are 0' },
      ];
    } finally {
      idm.kill('SIGTERM');
      await new Promise((r) => idm.once('exit', r));
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
