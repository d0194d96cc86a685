// Functions passed to page.evaluate / waitForFunction run in the browser.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { clearLoginThrottle } from '../support/auth';
import { collectErrors, launchChromium, newContext, screenshot, signIn, until } from './support/browser';
import { startPlant, type Plant } from './support/plant';

/**
 * Findings of an operator / supervisor / admin walk-through (issue 18), each checked as a person sees it:
 * text broken over lines it should not be, and a trend readout nobody asked for.
 */
const DB = 'idm_test_e2e_walk_through';
jest.setTimeout(120_000);

/** How many lines of text each element matching `selector` takes (1 = not broken). */
const linesOf = (page: Page, selector: string) =>
  page.$$eval(selector, (els) =>
    els.map((el) => {
      const range = document.createRange();
      range.selectNodeContents(el);
      const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0 && r.height > 0).map((r) => Math.round(r.top)));
      return { text: (el.textContent ?? '').trim(), lines: tops.size };
    }),
  );

describe('walk-through findings in Chromium', () => {
  let plant: Plant;
  let browser: Browser;
  let ctx: BrowserContext;
  let errors: string[];

  beforeAll(async () => {
    await clearLoginThrottle(DB);
    [plant, browser] = await Promise.all([startPlant(DB), launchChromium()]);
  }, 180_000);
  afterEach(async () => {
    await ctx?.close();
    expect(errors).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await plant?.close();
  });
  const open = async (size: { width: number; height: number }, user: string): Promise<Page> => {
    ctx = await newContext(browser, size);
    const page = await ctx.newPage();
    errors = collectErrors(page);
    await signIn(page, plant.idm.url, user, plant.password);
    return page;
  };

  it("an admin's top bar keeps every link, the name and Sign out on one line and in one row at 1280×720 and 1920×1080", async () => {
    for (const size of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
      const page = await open(size, 'admin.e2e');
      await page.getByRole('link', { name: 'Devices' }).waitFor();
      const parts = await linesOf(page, '.topbar nav a, .topbar .user, .topbar > button');
      // Nine links (the admin's screens), the name, Sign out: "Sign out" broke into "Sign / out" at 1280.
      expect(parts.length).toBe(11);
      expect(parts.filter((p) => p.lines !== 1)).toEqual([]);
      // And in one row: the links' wrapping to a second row would only move the problem.
      const middles = await page.$$eval('.topbar nav a, .topbar > button', (els) => els.map((e) => e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2));
      const linkHeight = (await page.getByRole('link', { name: 'Devices' }).boundingBox())!.height;
      expect(Math.max(...middles) - Math.min(...middles)).toBeLessThan(linkHeight / 2);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
      await screenshot(page, `walk-topbar-admin-${size.width}`);
      expect(errors).toEqual([]);
      await ctx.close();
    }
  });

  it("a sensor's trend shows no readout until the pointer is on it, then the value under the pointer", async () => {
    const tag = plant.sim.deviceFile.tags[0];
    const page = await open({ width: 1280, height: 720 }, 'operator.e2e');
    await page.goto(`${plant.idm.url}/#/sensors/${tag.sensor_id}`);
    const chart = page.getByTestId('trend-chart');
    await chart.locator('.recharts-line-curve').first().waitFor();
    const readout = () => page.$$eval('.recharts-tooltip-wrapper', (els) => els.filter((e) => e.checkVisibility({ visibilityProperty: true }) && (e.textContent ?? '').trim() !== '').map((e) => e.textContent));
    // A few live samples later (each re-renders the chart), still no readout: it showed the first point's
    // time and value as if the cursor were there.
    const points = await chart.locator('.recharts-line-curve').first().getAttribute('d');
    await until(async () => (await chart.locator('.recharts-line-curve').first().getAttribute('d')) !== points, 20_000, 'a live sample on the trend');
    expect(await readout()).toEqual([]);
    // Nor a cursor dot on the first point.
    expect(await chart.locator('.recharts-active-dot').count()).toBe(0);
    await screenshot(page, 'walk-sensor-trend-no-pointer');
    const box = (await chart.locator('.recharts-cartesian-grid').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.98, box.y + box.height / 2);
    const shown = await until(async () => (await readout())[0], 5_000, 'the readout under the pointer');
    expect(shown).toContain(tag.unit!);
    await screenshot(page, 'walk-sensor-trend-pointer');
    await page.mouse.move(2, 2);
    await until(async () => (await readout()).length === 0, 5_000, 'the readout gone with the pointer');
  });

  it('the anomaly list keeps a time, a tag id and "ongoing" on one line at 1280×720', async () => {
    const tag = plant.sim.deviceFile.tags.find((t) => t.limits?.hihi !== undefined && t.limits?.lolo !== undefined)!;
    plant.sim.injectFault({ kind: 'step', plc: tag.device_id, sensor_id: tag.sensor_id, magnitude: (tag.limits!.hihi! - tag.limits!.lolo!) * 0.75 });
    try {
      const page = await open({ width: 1280, height: 720 }, 'operator.e2e');
      await page.goto(`${plant.idm.url}/#/anomalies`);
      const row = page.locator('tr[data-episode-id]').first();
      await until(async () => {
        await page.getByRole('button', { name: 'Apply' }).click();
        return row.isVisible();
      }, 60_000, 'an anomaly episode in the list');
      const cells = await linesOf(page, 'tr[data-episode-id] td:nth-child(-n+3)');
      expect(cells.length).toBeGreaterThanOrEqual(3);
      expect(cells.map((c) => c.text)).toContain(tag.sensor_id);
      // "P01-PT-002" broke after "PT-", and the start's date sat over its time.
      expect(cells.filter((c) => c.lines !== 1)).toEqual([]);
      await screenshot(page, 'walk-anomalies-1280');
    } finally {
      plant.sim.clearFaults({ plc: tag.device_id });
    }
  });

  it("on a 390 px phone no control of Trends runs past its panel's edge (Add pen lists long tag names)", async () => {
    const [a, b] = plant.sim.deviceFile.tags;
    const page = await open({ width: 390, height: 844 }, 'operator.e2e');
    await page.goto(`${plant.idm.url}/#/trends?pens=${a.sensor_id},${b.sensor_id}&range=1h`);
    await page.getByRole('combobox', { name: 'Add pen' }).waitFor();
    const past = await page.$$eval('.panel select, .panel input, .panel button', (els) =>
      els
        .map((el) => ({ el, panel: el.closest('.panel')! }))
        .filter(({ el, panel }) => el.getBoundingClientRect().right > panel.getBoundingClientRect().right + 0.5)
        .map(({ el }) => el.getAttribute('aria-label') ?? el.closest('label')?.textContent?.trim().slice(0, 20) ?? el.textContent),
    );
    expect(past).toEqual([]);
    await screenshot(page, 'walk-trends-phone');
  });

  /** The Change-tag form of a numeric tag, open, as an admin; its fields' distinct left edges (the grid's columns). */
  const openTagForm = async (size: { width: number; height: number }): Promise<{ page: Page; columns: number }> => {
    const page = await open(size, 'admin.e2e');
    await page.goto(`${plant.idm.url}/#/admin/devices`);
    const tag = plant.sim.deviceFile.tags.find((t) => t.limits?.hi !== undefined)!;
    await page.getByRole('button', { name: `Change tag ${tag.sensor_id}` }).click();
    const form = page.getByRole('form', { name: `Change tag ${tag.sensor_id}` });
    await form.waitFor();
    await form.scrollIntoViewIfNeeded();
    const lefts = await form.locator(':scope > .field').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().left)));
    return { page, columns: new Set(lefts).size };
  };

  it('the Change-tag form is a grid of three columns at 1280×720, not a tall column of full-width inputs', async () => {
    const { page, columns } = await openTagForm({ width: 1280, height: 720 });
    expect(columns).toBe(3);
    // The four limits on one row.
    const tops = await page.locator('.tag-limits .field').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
    expect(tops).toHaveLength(4);
    expect(new Set(tops).size).toBe(1);
    // The whole form fits the 720 px screen's height.
    expect((await page.locator('.tag-form').boundingBox())!.height).toBeLessThan(720);
    await screenshot(page, 'walk-tag-form-1280');
  });

  it('on a 390 px phone the Change-tag form is one column and nothing scrolls sideways', async () => {
    const { page, columns } = await openTagForm({ width: 390, height: 844 });
    expect(columns).toBe(1);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const past = await page.$$eval('.tag-form input, .tag-form select, .tag-form button', (els) =>
      els.filter((el) => el.getBoundingClientRect().right > el.closest('.panel')!.getBoundingClientRect().right + 0.5).map((el) => el.getAttribute('name') ?? el.textContent),
    );
    expect(past).toEqual([]);
    await screenshot(page, 'walk-tag-form-phone');
  });
});
