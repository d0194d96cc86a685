// Functions passed to page.evaluate run in the browser.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import mongoose from 'mongoose';
import type { Page } from 'playwright-core';
import { ALARM_PRIORITIES } from '@idm/contracts';
import { Plant as SimPlant } from '../../apps/plc-sim/src/plant';
import { launchChromium, newContext, screenshot, signIn } from '../e2e/support/browser';
import { startPlant } from '../e2e/support/plant';
import { dropDatabase } from '../support/app';
import { clearLoginThrottle } from '../support/auth';
import { mongoUriFor } from '../support/services';
import type { BenchContext, BenchRow } from './harness';
import { percentile } from './harness';

const CONDITIONS = ['limit', 'spike', 'level_shift', 'out_of_range', 'drift', 'stuck', 'rate_of_change', 'noise', 'flatline', 'variance'];
/** Mostly states an operator still has to work, a few shelved ones (what a flood leaves behind). */
const STATES = ['unack_active', 'unack_active', 'ack_active', 'unack_rtn', 'shelved'] as const;

/**
 * `count` stored alarm records over the plant's sensors (every area), mixed priorities and states, raised
 * over the last two hours with the newest half in a flood (so one first-out marker shows). IDM loads them
 * at start as it loads the alarms of a running plant.
 */
function seededAlarms(count: number, plcs: number, tags: number): Record<string, unknown>[] {
  const sim = new SimPlant({ plcs, tagsPerPlc: tags, seed: 7, layout: 'ports', basePort: 0 });
  const sensors = sim.plcs.flatMap((p) => p.tags.map((t) => t.sensor_id));
  if (sensors.length * CONDITIONS.length < count) throw new Error(`${sensors.length} sensors × ${CONDITIONS.length} conditions < ${count} alarms`);
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const sensor = sensors[i % sensors.length];
    const condition = CONDITIONS[Math.floor(i / sensors.length)];
    const state = STATES[i % STATES.length];
    const raised = now - 2 * 3_600_000 + Math.round((i * 2 * 3_600_000) / count);
    const active = state !== 'unack_rtn';
    return {
      _id: `sensor:${sensor}|${condition}`,
      source_type: 'sensor',
      source_id: sensor,
      sensor_id: sensor,
      condition,
      message: `${sensor}: ${condition.replace(/_/g, ' ')} — value beyond what the last hours taught (seeded for the benchmark, alarm ${i + 1} of ${count})`,
      priority: ALARM_PRIORITIES[(i * 7) % ALARM_PRIORITIES.length],
      state,
      condition_active: active,
      condition_since: raised,
      active,
      acked: state === 'ack_active',
      raised_at: raised,
      cleared_at: active ? null : raised + 60_000,
      acked_at: state === 'ack_active' ? raised + 30_000 : null,
      acked_by: state === 'ack_active' ? 'operator.e2e' : null,
      shelved_until: state === 'shelved' ? now + 3_600_000 : null,
      shelved_by: state === 'shelved' ? 'operator.e2e' : null,
      shelve_reason: state === 'shelved' ? 'benchmark' : null,
      last_value: 40 + (i % 97) * 1.37,
      activation_count: 1,
      anomaly_ids: [],
      in_flood: i >= count / 2,
      updated_at: raised,
    };
  });
}

/** Timing of one change in the page: until the DOM matches `done` (the commit) and to the frame after it. */
interface Timed {
  dom: number;
  painted: number;
}

/**
 * Runs in the page: triggers `action` (a path in `window.__alarmBench`) and resolves with the time until
 * the DOM shows the change (`done`) and until the end of the next frame.
 */
async function timeChange(page: Page, step: { kind: 'nav'; to: string; alarms?: number } | { kind: 'sort'; label: string } | { kind: 'filter'; label: string; value: string }): Promise<Timed> {
  return page.evaluate(async (s) => {
    const rows = () => document.querySelectorAll('tr[data-alarm-id]').length;
    const count = () => document.querySelector('[data-testid=alarm-count]')?.textContent ?? '';
    let action: () => void;
    let done: () => boolean;
    if (s.kind === 'nav') {
      const link = [...document.querySelectorAll<HTMLAnchorElement>('nav a')].find((a) => a.getAttribute('href') === `#${s.to}`);
      if (!link) throw new Error(`no nav link to ${s.to}`);
      action = () => link.click();
      // The summary is there when it counts every alarm and shows rows (the ones in view: it renders a window).
      done = s.alarms === undefined ? () => location.hash === `#${s.to}` && rows() === 0 : () => count() === `${s.alarms} of ${s.alarms}` && rows() > 0;
    } else if (s.kind === 'sort') {
      const button = [...document.querySelectorAll<HTMLButtonElement>('.alarm-table th button.sort')].find((b) => b.textContent?.startsWith(s.label));
      if (!button) throw new Error(`no sort header ${s.label}`);
      const th = button.closest('th')!;
      const before = th.getAttribute('aria-sort');
      action = () => button.click();
      done = () => th.getAttribute('aria-sort') !== before;
    } else {
      const select = [...document.querySelectorAll<HTMLLabelElement>('.alarm-filters label')].find((l) => l.textContent?.startsWith(s.label))?.querySelector('select');
      if (!select) throw new Error(`no filter ${s.label}`);
      const before = count();
      action = () => {
        select.value = s.value;
        select.dispatchEvent(new Event('change', { bubbles: true }));
      };
      done = () => count() !== before;
    }
    const t0 = performance.now();
    const dom = await new Promise<number>((resolve) => {
      const mo = new MutationObserver(() => {
        if (!done()) return;
        mo.disconnect();
        resolve(performance.now() - t0);
      });
      mo.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
      action();
    });
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return { dom, painted: performance.now() - t0 };
  }, step);
}

/**
 * The alarm summary with `count` active alarms (default 1 000) in Chromium: time from the nav click to all
 * rows in the DOM and painted, and the re-render after a sort header click and a filter change; long
 * tasks over the whole run. Real stack: IDM loads the seeded alarms at start, the client gets them in its
 * alarm snapshot over Socket.IO.
 */
export async function runAlarmSummaryBench(ctx: BenchContext): Promise<BenchRow[]> {
  const count = Number(process.env.BENCH_ALARMS ?? 1000);
  const plcs = 6;
  const tags = Math.ceil(count / CONDITIONS.length / plcs);
  const rounds = Number(process.env.BENCH_ALARM_ROUNDS ?? 5);
  const db = 'idm_bench_alarm_summary';
  await clearLoginThrottle(db);
  const uri = mongoUriFor(db);
  await dropDatabase(uri);
  const conn = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 5000 }).asPromise();
  try {
    await conn.collection('alarms').insertMany(seededAlarms(count, plcs, tags) as never[]);
  } finally {
    await conn.close();
  }
  ctx.log(`alarm-summary: ${count} alarms stored; starting IDM and a plant of ${plcs} × ${tags} tags`);
  const plant = await startPlant(db, { plcs, tags, pollIntervalMs: 1000, env: { KEEP_DB: '1', LOG_LEVEL: 'error' } });
  const browser = await launchChromium();
  try {
    const page = await (await newContext(browser, { width: 1280, height: 720 })).newPage();
    await page.addInitScript(`(() => {
      const b = (window.__alarmBench = { longTasks: [] });
      new PerformanceObserver((list) => { for (const e of list.getEntries()) b.longTasks.push(e.duration); }).observe({ type: 'longtask', buffered: false });
    })();`);
    await signIn(page, plant.idm.url, 'operator.e2e', plant.password);
    // Warm up: the screen's lazy module loaded and the snapshot in hand (the banner counts it).
    await page.goto(`${plant.idm.url}/#/alarms`);
    await page.getByTestId('alarm-count').getByText(`${count} of ${count}`).waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: 'Trends', exact: true }).click();
    await page.getByRole('heading', { name: /Trends/ }).first().waitFor();
    await page.evaluate(() => ((window as unknown as { __alarmBench: { longTasks: number[] } }).__alarmBench.longTasks = []));

    const open: Timed[] = [];
    const sort: Timed[] = [];
    const filter: Timed[] = [];
    let inDom = 0;
    for (let r = 0; r < rounds; r++) {
      open.push(await timeChange(page, { kind: 'nav', to: '/alarms', alarms: count }));
      inDom = await page.locator('tr[data-alarm-id]').count();
      for (const label of ['Source', 'Raised', 'State', 'Priority']) sort.push(await timeChange(page, { kind: 'sort', label }));
      for (const [label, value] of [['Priority', 'critical'], ['Priority', ''], ['State', 'unacked'], ['State', 'all']]) filter.push(await timeChange(page, { kind: 'filter', label, value }));
      if (r === rounds - 1) await screenshot(page, `alarm-summary-${count}`);
      await timeChange(page, { kind: 'nav', to: '/trends' });
    }
    const longTasks = await page.evaluate(() => (window as unknown as { __alarmBench: { longTasks: number[] } }).__alarmBench.longTasks);
    const case_ = `${count} active alarms`;
    const row = (c: string, value: number, unit: string, notes?: string): BenchRow => ({ benchmark: 'alarm-summary', case: `${case_}: ${c}`, value, unit, notes });
    const ms = (xs: Timed[], k: keyof Timed) => xs.map((x) => x[k]);
    return [
      row('open → rows in DOM p50', percentile(ms(open, 'dom'), 50), 'ms', `nav click → the summary of all ${count} shown (${inDom} rows in the DOM, the rest windowed), ${rounds} rounds (goal < 100 ms)`),
      row('open → painted p50', percentile(ms(open, 'painted'), 50), 'ms', 'to the end of the frame after it'),
      row('open → painted max', Math.max(...ms(open, 'painted')), 'ms'),
      row('sort → painted p50', percentile(ms(sort, 'painted'), 50), 'ms', `header click (source, raised, state, priority) → re-sorted rows painted, ${sort.length} clicks`),
      row('sort → painted max', Math.max(...ms(sort, 'painted')), 'ms'),
      row('filter → painted p50', percentile(ms(filter, 'painted'), 50), 'ms', `priority/state filter changed → rows painted, ${filter.length} changes`),
      row('filter → painted max', Math.max(...ms(filter, 'painted')), 'ms'),
      row('long task max', longTasks.length ? Math.max(...longTasks) : 0, 'ms', `${longTasks.length} long tasks while opening, sorting and filtering`),
    ];
  } finally {
    await browser.close();
    await plant.close();
  }
}
