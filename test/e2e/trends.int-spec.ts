// Functions passed to page.evaluate / waitForFunction run in the browser.
/// <reference lib="dom" />
import * as fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { HistoryResponseDto } from '@idm/contracts';
import { authHeader, clearLoginThrottle, login } from '../support/auth';
import { parseCsv } from '../support/csv';
import { collectErrors, launchChromium, newContext, screenshot, signIn, until } from './support/browser';
import { startPlant, type Plant } from './support/plant';

/** Multi-pen trends (issue 18 item 5): three pens overlaid, a cursor readout of each, link, group, export, zoom. */
const DB = 'idm_test_e2e_trends';
jest.setTimeout(150_000);

describe('multi-pen trends in Chromium', () => {
  let plant: Plant;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    await clearLoginThrottle(DB);
    [plant, browser] = await Promise.all([startPlant(DB), launchChromium()]);
    ctx = await newContext(browser);
    page = await ctx.newPage();
    errors = collectErrors(page);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await plant?.close();
  });

  it('overlays three pens with a cursor value for each, shares the view as a link, saves it as a group, exports and zooms', async () => {
    const tags = plant.sim.deviceFile.tags.slice(0, 3);
    const pens = tags.map((t) => t.sensor_id);
    await signIn(page, plant.idm.url, 'viewer.e2e', plant.password);
    await page.getByRole('link', { name: 'Trends' }).click();
    await page.getByRole('heading', { name: 'Trends' }).waitFor();
    await page.getByRole('button', { name: '10 min' }).click();
    // One at a time, as a person would: each pen's chip is there before the next is picked.
    for (const [i, id] of pens.entries()) {
      await page.getByLabel('Add pen').selectOption(id);
      await page.locator(`.pen-chip[data-pen="${id}"]`).waitFor();
      expect(await page.locator('.pen-chip').count()).toBe(i + 1);
    }
    expect(new URL(page.url().replace('#/', '')).searchParams.get('pens')).toBe(pens.join(','));
    const chart = page.getByTestId('multi-pen-chart');
    // Every pen drawn with some history (the plant has been polled for a while).
    await until(async () => {
      const d = await chart.locator('.recharts-line-curve').evaluateAll((ls) => ls.map((l) => (l.getAttribute('d') ?? '').split(/[LC]/).length));
      return d.length === 3 && d.every((n) => n > 3);
    }, 60_000, 'three drawn pens').catch(async (err) => {
      await screenshot(page, 'trends-debug');
      console.log(page.url(), (await chart.innerHTML().catch(() => 'no chart')).slice(0, 3000), await page.locator('.form-error').allTextContents());
      throw err;
    });
    // Pens read by tag name and unit (the id as tooltip), in the chips and the cursor readout.
    expect(await page.locator('.pen-chip').evaluateAll((cs) => cs.map((c) => [(c.textContent ?? '').replace('×', '').trim(), c.getAttribute('title')]))).toEqual(
      tags.map((t) => [`${t.description}${t.unit ? ` (${t.unit})` : ''}`, t.sensor_id]),
    );
    expect((await page.getByTestId('pen-name').allTextContents()).map((n) => n.trim())).toEqual(tags.map((t) => t.description));
    // Own axes: one value axis per pen.
    expect(await chart.locator('.recharts-yAxis').count()).toBe(3);

    // The cursor a few seconds before the live edge, where every pen has samples: a value for every pen.
    const readout = page.getByTestId('cursor-readout');
    const svg = (await chart.locator('svg.recharts-surface').boundingBox())!;
    const area = await chart.locator('clipPath rect').first().evaluate((r) => ({ x: Number(r.getAttribute('x')), w: Number(r.getAttribute('width')) }));
    await until(async () => {
      await page.mouse.move(svg.x + area.x + area.w * (1 - 5_000 / 600_000), svg.y + svg.height / 2);
      const values = await readout.locator('[data-testid=pen-value]').evaluateAll((cells) => cells.map((c) => c.getAttribute('data-value')));
      return values.length === 3 && values.every((v) => v !== '' && v !== null);
    }, 30_000, 'a cursor value for every pen');
    const cursor = Number(await readout.getAttribute('data-cursor'));
    const [from, to] = [Number(await chart.getAttribute('data-from')), Number(await chart.getAttribute('data-to'))];
    expect(cursor).toBeGreaterThan(from);
    expect(cursor).toBeLessThan(to);
    const { access_token } = await login(plant.idm.url, 'viewer.e2e', plant.password);
    for (const id of pens) {
      const cell = readout.locator(`tr[data-pen="${id}"] [data-testid=pen-value]`);
      const shown = Number(await cell.getAttribute('data-value'));
      const at = Number(await cell.getAttribute('data-at'));
      expect(await cell.getAttribute('data-at')).not.toBe('');
      expect(Number.isFinite(shown)).toBe(true);
      expect(await cell.textContent()).not.toBe('—');
      // The pen's point under the cursor (samples come every 0.5 s here; a bucket is at most (to-from)/400 wide).
      expect(Math.abs(at - cursor)).toBeLessThan(Math.max(5_000, (to - from) / 200));
      // Where the history has that point, the readout shows its value.
      const res = await fetch(`${plant.idm.url}/sensors/${encodeURIComponent(id)}/history?from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}&max_points=400`, { headers: authHeader(access_token) });
      const stored = ((await res.json()) as HistoryResponseDto).buckets.find((b) => (b.t ?? Date.parse(b.timestamp)) === at);
      if (stored) expect(shown).toBeCloseTo(stored.mean, 6);
    }
    await screenshot(page, 'trends-three-pens');

    // Shared axis: one value axis.
    await page.getByLabel('Axes').selectOption('shared');
    await until(async () => (await chart.locator('.recharts-yAxis').count()) === 1, 5_000, 'one shared axis');

    // The link opens the same pens in another tab.
    const link = page.url();
    const other = await ctx.newPage();
    await other.goto(link);
    await other.locator('.pen-chip').nth(2).waitFor();
    expect(await other.locator('.pen-chip').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-pen')))).toEqual(pens);
    // The restored view names its pens too (once the tags are loaded).
    await other.locator('.pen-chip', { hasText: tags[0].description }).waitFor();
    expect(await other.getByLabel('Axes').inputValue()).toBe('shared');
    await other.close();

    // A saved group survives a reload.
    await page.getByLabel('Name').fill('Boiler check');
    await page.getByRole('button', { name: 'Save group' }).click();
    await page.reload();
    await page.getByLabel('Saved groups').locator('option', { hasText: 'Boiler check (3 pens)' }).waitFor({ state: 'attached' });
    // Saved for the user, not the browser: another browser signed in as them opens it.
    const elsewhere = await newContext(browser);
    const desk = await elsewhere.newPage();
    await signIn(desk, plant.idm.url, 'viewer.e2e', plant.password);
    await desk.goto(`${plant.idm.url}/#/trends`);
    await desk.getByLabel('Saved groups').locator('option', { hasText: 'Boiler check (3 pens)' }).waitFor({ state: 'attached' });
    await desk.getByLabel('Saved groups').selectOption('Boiler check');
    await desk.locator('.pen-chip').nth(2).waitFor();
    expect(await desk.locator('.pen-chip').evaluateAll((cs) => cs.map((c) => c.getAttribute('data-pen')))).toEqual(pens);
    await elsewhere.close();

    // Export: a column per pen.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const rows = parseCsv(fs.readFileSync((await download.path())!, 'utf8'));
    expect(rows[0]).toEqual(['time_local', 'time_utc', ...tags.map((t) => `${t.description}${t.unit ? ` (${t.unit})` : ''}`)]);
    expect(rows.length).toBeGreaterThan(3);
    expect(rows[1][0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    // Drag from anywhere on the plot to zoom: the range goes to the address.
    const plot = (await chart.locator('.chart-plot').boundingBox())!;
    await page.mouse.move(plot.x + plot.width * 0.3, plot.y + plot.height * 0.4);
    await page.mouse.down();
    await page.mouse.move(plot.x + plot.width * 0.6, plot.y + plot.height * 0.6, { steps: 5 });
    await page.mouse.up();
    await until(async () => new URL(page.url().replace('#/', '')).searchParams.has('from'), 5_000, 'a zoomed range in the address');
    expect(errors).toEqual([]);
  });

  it("types ranges in the product's format on an en-US browser: 24 h ISO-like text, a wrong date named by field, a valid one applied", async () => {
    // An American browser in UTC: its own pickers would read 12/07/2026, 02:05 PM.
    const us = await browser.newContext({ viewport: { width: 1600, height: 900 }, deviceScaleFactor: 1, reducedMotion: 'reduce', locale: 'en-US', timezoneId: 'UTC' });
    us.setDefaultTimeout(20_000);
    const desk = await us.newPage();
    const deskErrors = collectErrors(desk);
    expect(await desk.evaluate(() => new Date(Date.UTC(2026, 11, 7, 14, 5)).toLocaleString())).toBe('12/7/2026, 2:05:00 PM');
    await signIn(desk, plant.idm.url, 'viewer.e2e', plant.password);
    const pen = plant.sim.deviceFile.tags[0].sensor_id;
    await desk.goto(`${plant.idm.url}/#/trends?pens=${encodeURIComponent(pen)}&range=1h`);
    const form = desk.getByRole('form', { name: 'Date range' });
    const from = form.getByLabel('From');
    const to = form.getByLabel('To');
    const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/;
    await until(async () => iso.test(await to.inputValue()), 10_000, 'the range in ISO-like text');
    expect(await from.inputValue()).toMatch(iso);
    expect(await from.getAttribute('type')).toBe('text');
    const toText = await to.inputValue();
    const toMs = Date.parse(`${toText.replace(' ', 'T')}:00Z`);

    // A date that does not exist: refused, naming the field; the view stays.
    const before = desk.url();
    await from.fill('2026-02-30 10:00');
    await from.press('Enter');
    await expect(form.getByRole('alert').textContent()).resolves.toBe('From: 2026-02 has no day 30, write it like 2026-12-07 14:05');
    expect(await from.getAttribute('aria-invalid')).toBe('true');
    expect(desk.url()).toBe(before);
    await screenshot(desk, 'trends-range-typed-error');

    // A valid one applies: the chart and the link show that range.
    const wanted = toMs - 20 * 60_000;
    const d = new Date(wanted).toISOString();
    await from.fill(`${d.slice(0, 10)} ${d.slice(11, 16)}`);
    await from.press('Enter');
    const chart = desk.getByTestId('multi-pen-chart');
    await until(async () => (await chart.getAttribute('data-from')) === String(wanted), 10_000, 'the typed range on the chart');
    expect(await chart.getAttribute('data-to')).toBe(String(toMs));
    expect(new URL(desk.url().replace('#/', '')).searchParams.get('from')).toBe(new Date(wanted).toISOString());
    expect(await form.getByRole('alert').count()).toBe(0);

    // The journal's custom range reads and refuses the same way.
    await desk.goto(`${plant.idm.url}/#/journal`);
    await desk.getByRole('heading', { name: 'Alarm journal' }).waitFor();
    await desk.locator('select[name=range]').selectOption('custom');
    const jTo = desk.getByLabel('To', { exact: true });
    expect(await jTo.inputValue()).toMatch(iso);
    await jTo.fill('12/07/2026 2:05 PM');
    await desk.getByRole('button', { name: 'Search' }).click();
    await expect(desk.getByRole('form', { name: 'Search the journal' }).getByRole('alert').textContent()).resolves.toBe('To: "12/07/2026 2:05 PM" is not a date and time, write it like 2026-12-07 14:05');
    await screenshot(desk, 'journal-range-typed-error');
    await us.close();
    expect(deskErrors).toEqual([]);
  });
});
