// Functions passed to page.evaluate / waitForFunction run in the browser.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Page } from 'playwright-core';
import { launchChromium, newContext, screenshot, signIn } from '../e2e/support/browser';
import { startPlant } from '../e2e/support/plant';
import { authHeader, clearLoginThrottle } from '../support/auth';
import type { Benchmark, BenchRow } from './harness';
import { percentile } from './harness';

/** Frame times, long tasks and bound-element updates, recorded while `__bench.recording` is on. */
const INSTRUMENT = `(() => {
  const b = (window.__bench = { frames: [], longTasks: [], updates: 0, recording: false });
  new PerformanceObserver((list) => { if (b.recording) for (const e of list.getEntries()) b.longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: false });
  let last = 0;
  const loop = (t) => { if (b.recording && last) b.frames.push(t - last); last = t; requestAnimationFrame(loop); };
  requestAnimationFrame(loop);
  b.watch = () => new MutationObserver((muts) => { if (b.recording) b.updates += muts.length; })
    .observe(document.querySelector('svg.idm-screen'), { subtree: true, childList: true, characterData: true });
})();`;

/** A drawing with one value text and one state shape per tag, in a grid (what a dense unit overview looks like). */
export function benchDrawing(tags: string[]): string {
  const cols = 20;
  const cells = tags.map((t, i) => {
    const x = (i % cols) * 100;
    const y = Math.floor(i / cols) * 40;
    return `<rect id="s${i}" x="${x + 2}" y="${y + 4}" width="14" height="14" fill="#dedede" stroke="#333" data-idm-tag="${t}" data-idm-show="state"/>` +
      `<text id="v${i}" x="${x + 20}" y="${y + 16}" font-size="12" data-idm-tag="${t}" data-idm-show="value" data-idm-format="0.0">--</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${cols * 100} ${Math.ceil(tags.length / cols) * 40}">${cells.join('')}</svg>`;
}

/**
 * A process-graphics screen with 500 tags (500 value texts + 500 state shapes) updating every second, in
 * Chromium: frame time and long tasks, next to the overview benchmark's. Real stack: PLC simulator (5 PLCs ×
 * 100 tags, 1 s polls) → IDM → Socket.IO → the built client's Graphics screen.
 */
export const graphicsBench: Benchmark = {
  name: 'graphics',
  description: 'process-graphics screen with 500 bound tags at 1 Hz: frame time, long tasks (Chromium)',
  async run(ctx) {
    const plcs = Number(process.env.BENCH_GRAPHICS_PLCS ?? 5);
    const tagsPerPlc = Number(process.env.BENCH_GRAPHICS_TAGS ?? 100);
    const seconds = Number(process.env.BENCH_GRAPHICS_SECONDS ?? 20);
    const db = 'idm_bench_graphics';
    await clearLoginThrottle(db);
    ctx.log(`graphics: starting IDM and a simulated plant of ${plcs} × ${tagsPerPlc} tags`);
    const plant = await startPlant(db, { plcs, tags: tagsPerPlc, pollIntervalMs: 1000 });
    const browser = await launchChromium();
    try {
      const tags = plant.sim.deviceFile.tags.map((t) => t.sensor_id);
      const res = await fetch(`${plant.idm.url}/screens`, {
        method: 'POST',
        headers: authHeader(plant.tokens.admin),
        body: JSON.stringify({ id: 'bench', name: 'Bench', area: 'Bench', svg: benchDrawing(tags) }),
      });
      if (res.status !== 201) throw new Error(`screen upload answered ${res.status}: ${await res.text()}`);
      const page: Page = await (await newContext(browser, { width: 1920, height: 1080 })).newPage();
      await page.addInitScript(INSTRUMENT);
      await signIn(page, plant.idm.url, 'operator.e2e', plant.password);
      await page.goto(`${plant.idm.url}/#/graphics/bench`);
      await page.locator('svg.idm-screen text.idm-value').nth(tags.length - 1).waitFor({ timeout: 60_000 });
      ctx.log('graphics: screen open; waiting for live values');
      await page.waitForFunction(() => [...document.querySelectorAll('svg.idm-screen text.idm-value')].every((e) => e.textContent !== '--' && e.textContent !== '—'), undefined, { timeout: 60_000 });
      await page.evaluate(() => {
        const b = (window as unknown as { __bench: { recording: boolean; watch(): void } }).__bench;
        b.watch();
        b.recording = true;
      });
      ctx.log(`graphics: recording ${seconds} s`);
      await page.waitForTimeout(seconds * 1000);
      const m = await page.evaluate(() => {
        const b = (window as unknown as { __bench: { frames: number[]; longTasks: number[]; updates: number; recording: boolean } }).__bench;
        b.recording = false;
        return { frames: b.frames, longTasks: b.longTasks, updates: b.updates };
      });
      await screenshot(page, `graphics-${tags.length}-tags`);
      const case_ = `${tags.length} bound tags @ 1 s`;
      const row = (c: string, value: number, unit: string, notes?: string): BenchRow => ({ benchmark: 'graphics', case: `${case_}: ${c}`, value, unit, notes });
      const slow = m.frames.filter((f) => f > 50).length;
      return [
        row('element updates', m.updates / seconds, 'per s', 'text writes inside the drawing (value texts and alarm words)'),
        row('frame time p50', percentile(m.frames, 50), 'ms'),
        row('frame time p95', percentile(m.frames, 95), 'ms'),
        row('frame time max', Math.max(...m.frames), 'ms'),
        row('frames over 50 ms', (100 * slow) / Math.max(1, m.frames.length), '%', `${slow} of ${m.frames.length}`),
        row('long tasks', m.longTasks.length / seconds, 'per s', `total ${Math.round(m.longTasks.reduce((a, b) => a + b, 0))} ms in ${seconds} s; headless, 2 shared cores, server in the same machine`),
      ];
    } finally {
      await browser.close();
      await plant.close();
    }
  },
};
