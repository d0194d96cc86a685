// Functions passed to page.evaluate / waitForFunction run in the browser.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium, newContext, screenshot, signIn } from '../e2e/support/browser';
import { startPlant } from '../e2e/support/plant';
import { clearLoginThrottle } from '../support/auth';
import { runAlarmSummaryBench } from './alarm-summary.bench';
import type { BenchContext, Benchmark, BenchRow } from './harness';
import { percentile } from './harness';
import { startCpuProfile, startTrace, stopCpuProfile, stopTrace } from './page-profile';

/**
 * Instruments the page before any script runs: socket frames carrying a `sample` are timed on arrival
 * (a listener added ahead of socket.io's own; each sample of a `samples` array at the array's arrival), each tile's DOM update is matched to the arrival of its
 * sensor's sample, a rAF loop records frame times and a PerformanceObserver the long tasks.
 */
const INSTRUMENT = `(() => {
  const b = (window.__bench = { arrivals: new Map(), commit: [], painted: [], frames: [], longTasks: [], sampleFrames: 0, samples: 0, sockets: 0, recording: false });
  const Orig = window.WebSocket;
  window.WebSocket = class extends Orig {
    constructor(...args) {
      super(...args);
      b.sockets++;
      this.addEventListener('message', (ev) => {
        if (!b.recording || typeof ev.data !== 'string') return;
        // One sample per frame ('42["sample"'), or the client's batches ('42["samples"'): each sensor in the
        // array is timed from the frame's arrival.
        const one = ev.data.startsWith('42["sample"');
        if (!one && !ev.data.startsWith('42["samples"')) return;
        const at = performance.now();
        b.sampleFrames++;
        const re = /"sensor_id":"([^"]+)"/g;
        for (let m = re.exec(ev.data); m; m = one ? null : re.exec(ev.data)) {
          b.samples++;
          if (!b.arrivals.has(m[1])) b.arrivals.set(m[1], at);
        }
      });
    }
  };
  new PerformanceObserver((list) => { if (b.recording) for (const e of list.getEntries()) b.longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: false });
  let last = 0;
  const loop = (t) => { if (b.recording && last) b.frames.push(t - last); last = t; requestAnimationFrame(loop); };
  requestAnimationFrame(loop);
  b.watch = () => {
    new MutationObserver((muts) => {
      if (!b.recording) return;
      const now = performance.now();
      const seen = new Set();
      for (const m of muts) {
        const tile = (m.target.nodeType === 1 ? m.target : m.target.parentElement)?.closest('[data-sensor-id]');
        const id = tile && tile.getAttribute('data-sensor-id');
        if (!id || seen.has(id) || !b.arrivals.has(id)) continue;
        seen.add(id);
        const at = b.arrivals.get(id);
        b.arrivals.delete(id);
        b.commit.push(now - at);
        requestAnimationFrame(() => setTimeout(() => b.painted.push(performance.now() - at), 0));
      }
    }).observe(document.querySelector('[data-testid=overview]'), { subtree: true, childList: true, characterData: true });
  };
})();`;

interface Measured {
  sampleFrames: number;
  samples: number;
  sockets: number;
  commit: number[];
  painted: number[];
  frames: number[];
  longTasks: number[];
}

/**
 * The overview with 2 000 tags updating every second, in Chromium: frame times, long tasks, and the
 * time from a sample's socket frame to its tile's DOM update and to the frame after it (painted).
 * Real stack: PLC simulator (20 PLCs × 100 tags, 1 s polls) → IDM → Socket.IO → the built client.
 */
export const overviewBench: Benchmark = {
  name: 'overview',
  description: 'control-room overview with 2 000 live tags: frame time, long tasks, socket event → painted tile; then the alarm summary with 1 000 active alarms (Chromium)',
  async run(ctx) {
    const rows = await runOverview(ctx);
    // The second goal for the control-room client: the alarm summary with 1 000 active alarms.
    return [...rows, ...(process.env.BENCH_OVERVIEW_ALARMS === '0' ? [] : await runAlarmSummaryBench(ctx))];
  },
};

async function runOverview(ctx: BenchContext): Promise<BenchRow[]> {
  const plcs = Number(process.env.BENCH_OVERVIEW_PLCS ?? 20);
  const tags = Number(process.env.BENCH_OVERVIEW_TAGS ?? 100);
  const seconds = Number(process.env.BENCH_OVERVIEW_SECONDS ?? 20);
  const db = 'idm_bench_overview';
  await clearLoginThrottle(db);
  ctx.log(`overview: starting IDM and a simulated plant of ${plcs} × ${tags} tags`);
  const plant = await startPlant(db, { plcs, tags, pollIntervalMs: 1000 });
  const browser = await launchChromium();
  try {
    const page: Page = await (await newContext(browser, { width: 1920, height: 1080 })).newPage();
    await page.addInitScript(INSTRUMENT);
    await signIn(page, plant.idm.url, 'operator.e2e', plant.password);
    // BENCH_OVERVIEW_ANALOG=hidden: the same run with the analog indicators not laid out or painted (an A/B of their cost).
    const hidden = process.env.BENCH_OVERVIEW_ANALOG === 'hidden';
    if (hidden) await page.addStyleTag({ content: '.analog { display: none !important; }' });
    await page.locator('[data-sensor-id]').nth(plcs * tags - 1).waitFor({ timeout: 60_000 });
    ctx.log('overview: all tiles on screen; waiting for live values');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=tile-value]')].every((e) => e.textContent !== '—'), undefined, { timeout: 60_000 });
    // BENCH_OVERVIEW_PROFILE=1: also a Chromium trace (thread time per task, by kind of work) and a CPU
    // profile (self time per source module), the profile kept in bench-results/ for DevTools. They slow the page a little.
    // BENCH_OVERVIEW_PROFILE=trace: the trace alone (per-task CPU), without the CPU profiler's own cost.
    const profile = process.env.BENCH_OVERVIEW_PROFILE === '1' || process.env.BENCH_OVERVIEW_PROFILE === 'trace';
    const out = path.resolve(__dirname, '..', '..', 'bench-results');
    if (profile) {
      fs.mkdirSync(out, { recursive: true });
      await startTrace(browser, page);
    }
    const cpu = process.env.BENCH_OVERVIEW_PROFILE === '1' ? await startCpuProfile(page) : null;
    await page.evaluate(() => {
      const b = (window as unknown as { __bench: { recording: boolean; watch(): void } }).__bench;
      b.watch();
      b.recording = true;
    });
    ctx.log(`overview: recording ${seconds} s`);
    await page.waitForTimeout(seconds * 1000);
    const m = await page.evaluate(() => {
      const b = (window as unknown as { __bench: Measured & { recording: boolean } }).__bench;
      b.recording = false;
      return { sampleFrames: b.sampleFrames, samples: b.samples, sockets: b.sockets, commit: b.commit, painted: b.painted, frames: b.frames, longTasks: b.longTasks };
    });
    const extra: BenchRow[] = [];
    if (profile) {
      if (cpu) {
        const p = await stopCpuProfile(cpu, seconds, path.resolve(__dirname, '..', '..', 'client', 'dist'), path.join(out, 'overview.cpuprofile'));
        ctx.log(`overview profile, self ms per s by module: ${JSON.stringify(p.byModule)}`);
        ctx.log(`overview profile, self ms per s by function: ${JSON.stringify(p.byFunction)}`);
      }
      const t = await stopTrace(browser, seconds, process.env.BENCH_OVERVIEW_TRACE_FILE);
      ctx.log(`overview trace, main thread ms per s by kind: ${JSON.stringify(t.byKind)}`);
      ctx.log(`overview trace, longest tasks: ${JSON.stringify(t.longest)}`);
      const prow = (c: string, value: number, unit: string, notes?: string): BenchRow => ({ benchmark: 'overview', case: `profiled: ${c}`, value, unit, notes });
      extra.push(
        prow('main thread CPU', t.cpuMsPerS, 'ms/s', `by kind (wall ms/s): ${JSON.stringify(t.byKind)}`),
        prow('tasks over 50 ms CPU', t.over50Cpu, 'tasks', `${t.over50Wall} over 50 ms wall`),
        prow('longest task CPU', t.maxCpuMs, 'ms', `longest wall ${t.maxWallMs.toFixed(1)} ms`),
        prow('CPU of the longest-wall task', t.cpuOfLongestWallMs, 'ms', 'the rest of its wall time the renderer waited for a core'),
      );
    }
    await screenshot(page, `overview-${plcs * tags}-tags`);
    const analog = await page.locator('[data-sensor-id] .analog').count();
    const case_ = `${plcs * tags} tags @ 1 s${hidden ? ', analog hidden' : ''}`;
    const row = (c: string, value: number, unit: string, notes?: string): BenchRow => ({ benchmark: 'overview', case: `${case_}: ${c}`, value, unit, notes });
    const slow = m.frames.filter((f) => f > 50).length;
    return [
      row('sample frames received', m.sampleFrames / seconds, 'per s', `WebSocket messages carrying samples; ${m.sockets} WebSocket(s) opened by the page`),
      row('samples received', m.samples / seconds, 'per s'),
      row('updates seen', m.commit.length / seconds, 'tiles/s', `${m.commit.length} tile updates matched to their socket frame`),
      row('socket event → DOM p50', percentile(m.commit, 50), 'ms'),
      row('socket event → DOM p95', percentile(m.commit, 95), 'ms'),
      row('socket event → painted p50', percentile(m.painted, 50), 'ms', 'to the end of the frame after the update'),
      row('socket event → painted p95', percentile(m.painted, 95), 'ms'),
      row('frame time p50', percentile(m.frames, 50), 'ms'),
      row('frame time p95', percentile(m.frames, 95), 'ms'),
      row('frame time max', Math.max(...m.frames), 'ms'),
      row('frames over 50 ms', (100 * slow) / Math.max(1, m.frames.length), '%', `${slow} of ${m.frames.length}`),
      row('long tasks', m.longTasks.length / seconds, 'per s', `total ${Math.round(m.longTasks.reduce((a, b) => a + b, 0))} ms in ${seconds} s; headless, 2 shared cores, server in the same machine`),
      row('long task max', m.longTasks.length ? Math.max(...m.longTasks) : 0, 'ms', `analog indicators ${hidden ? 'hidden' : 'on'} (${analog} of ${plcs * tags} tiles); goal: no long task (none over 50 ms)`),
      ...extra,
    ];
  } finally {
    await browser.close();
    await plant.close();
  }
}

/** The overview benchmark's second part on its own: the alarm summary with 1 000 active alarms. */
export const alarmSummaryBench: Benchmark = {
  name: 'alarm-summary',
  description: 'alarm summary with 1 000 active alarms: open, sort and filter to painted rows, long tasks (Chromium)',
  run: runAlarmSummaryBench,
};
