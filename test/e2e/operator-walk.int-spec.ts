// Functions passed to page.evaluate / waitForFunction run in the browser.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { authHeader, clearLoginThrottle } from '../support/auth';
import { collectErrors, launchChromium, newContext, screenshot, signIn, until } from './support/browser';
import { injectCommAndHiHi, startPlant, type CommAndHiHi, type Plant } from './support/plant';

/**
 * Findings of a second operator / supervisor / admin walk-through (issue 18) with the plant's faults on: what a
 * person sees go wrong at a control-room size or on a phone, checked in Chromium.
 */
const DB = 'idm_test_e2e_operator_walk';
jest.setTimeout(150_000);

describe('operator walk-through findings in Chromium', () => {
  let plant: Plant;
  let browser: Browser;
  let ctx: BrowserContext;
  let errors: string[];
  /** A comm failure of one PLC and a sensor of another over its HiHi: a device alarm and a sensor alarm. */
  let faulted: CommAndHiHi;

  beforeAll(async () => {
    await clearLoginThrottle(DB);
    [plant, browser] = await Promise.all([startPlant(DB), launchChromium()]);
    faulted = injectCommAndHiHi(plant);
  }, 180_000);
  afterEach(async () => {
    await ctx?.close();
    expect(errors).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await plant?.close();
  });
  const open = async (size: { width: number; height: number }, user: string, beforeSignIn?: (c: BrowserContext) => Promise<void>): Promise<Page> => {
    ctx = await newContext(browser, size);
    await beforeSignIn?.(ctx);
    const page = await ctx.newPage();
    errors = collectErrors(page);
    await signIn(page, plant.idm.url, user, plant.password);
    return page;
  };
  /** Waits until the banner lists the device alarm and the sensor alarm. */
  const bannerWithBoth = async (page: Page) => {
    await page.locator(`.banner-top li[data-alarm-id^="device:${faulted.plcId}|"]`).waitFor({ timeout: 60_000 });
    await page.locator(`.banner-top li[data-alarm-id^="sensor:${faulted.sensorId}|"]`).waitFor({ timeout: 60_000 });
  };

  it("an admin's top bar keeps one row at 1280×720 when the connection is lost (the screen does not jump down)", async () => {
    // The screen's socket goes through a route the test can cut, like a server that stopped answering.
    let down = false;
    const sockets: WebSocketRoute[] = [];
    const page = await open({ width: 1280, height: 720 }, 'admin.e2e', (c) =>
      c.routeWebSocket(/\/socket\.io\//, (ws) => {
        if (down) return void ws.close();
        ws.connectToServer();
        sockets.push(ws);
      }),
    );
    const conn = page.getByTestId('connection');
    await until(async () => (await conn.textContent())?.includes('LIVE'), 20_000, 'LIVE');
    const headHeight = () => page.locator('.topbar').evaluate((e) => e.getBoundingClientRect().height);
    const liveHeight = await headHeight();
    down = true;
    await Promise.all(sockets.map((ws) => ws.close()));
    await until(async () => (await conn.textContent())?.includes('CONNECTION LOST'), 20_000, 'CONNECTION LOST');
    expect(await conn.textContent()).toMatch(/values from \d\d:\d\d:\d\d/);
    // Every link, the state, the name and Sign out in one row: "CONNECTION LOST — values from 15:51:06" on one
    // line pushed Reports, Users and Devices into a second row, and the whole screen 36 px down.
    const middles = await page.$$eval('.topbar nav a, .topbar .conn, .topbar .user, .topbar > button', (els) => els.map((e) => e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2));
    expect(middles).toHaveLength(12);
    const linkHeight = (await page.getByRole('link', { name: 'Devices' }).boundingBox())!.height;
    expect(Math.max(...middles) - Math.min(...middles)).toBeLessThan(linkHeight / 2);
    expect(await headHeight()).toBeLessThan(liveHeight + linkHeight / 2);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await screenshot(page, 'operator-walk-topbar-lost-1280');
    // The browser's own report of the refused socket is expected here, nothing else.
    errors.splice(0, errors.length, ...errors.filter((e) => !/WebSocket/.test(e)));
  });

  it("the banner shows a device alarm's source whole at 1280×720 and 1920×1080, and every row's message starts at one edge", async () => {
    for (const size of [{ width: 1280, height: 720 }, { width: 1920, height: 1080 }]) {
      const page = await open(size, 'operator.e2e');
      await bannerWithBoth(page);
      const rows = await page.$$eval('.banner-top li', (lis) =>
        lis.map((li) => {
          const src = li.querySelector('.src')!;
          return { text: src.textContent!.trim(), cut: src.scrollWidth > src.clientWidth + 0.5, msgLeft: Math.round(li.querySelector('.msg')!.getBoundingClientRect().left) };
        }),
      );
      // "PLC 02 (Turbine hall)" read "PLC 02 (Turbine…" in a fixed 10rem column, even at 1920 px.
      expect(rows.find((r) => r.text === faulted.plcName)).toEqual(expect.objectContaining({ cut: false }));
      expect(rows.filter((r) => r.cut)).toEqual([]);
      expect(new Set(rows.map((r) => r.msgLeft)).size).toBe(1);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
      await screenshot(page, `operator-walk-banner-${size.width}`);
      await ctx.close();
    }
  });

  it('on a 390 px phone the banner gives each alarm two lines, so what is wrong is read, not cut after a few letters', async () => {
    const page = await open({ width: 390, height: 844 }, 'operator.e2e');
    // A phone's banner shows only the most urgent alarm (the critical HiHi); the device's is behind its +1.
    await page.locator(`.banner-top li[data-alarm-id^="device:${faulted.plcId}|"]`).waitFor({ state: 'attached', timeout: 60_000 });
    await page.locator(`.banner-top li[data-alarm-id^="sensor:${faulted.sensorId}|"]`).waitFor({ timeout: 60_000 });
    const msg = page.locator(`.banner-top li[data-alarm-id^="sensor:${faulted.sensorId}|"] .msg`);
    const lines = await msg.evaluate((e) => Math.round(e.getBoundingClientRect().height / parseFloat(getComputedStyle(e).lineHeight)));
    // "P01-PT-002 above HiHi …" is longer than a phone's line: it wraps to a second line (it was cut at "above H…")
    // and stops there (the banner stays short; the whole message is in the tooltip and the alarm list).
    expect(lines).toBe(2);
    // Its Ack stays on screen beside it.
    const ack = (await page.locator(`.banner-top li[data-alarm-id^="sensor:${faulted.sensorId}|"]`).getByRole('button', { name: /^Acknowledge/ }).boundingBox())!;
    expect(ack.x + ack.width).toBeLessThanOrEqual(390);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'operator-walk-banner-phone');
  });

  it('a multi-pen trend and a sensor trend tick their value axes on round numbers (not 5.50, 6.15, 6.80, 7.45)', async () => {
    const [a, b, c] = plant.sim.deviceFile.tags.filter((t) => t.device_id === plant.sim.plant.plcs[0].id);
    const page = await open({ width: 1280, height: 720 }, 'operator.e2e');
    /** Each value axis's tick values, read from the chart. */
    const axes = () =>
      page.$$eval('.recharts-yAxis-tick-labels', (els) => els.map((el) => [...el.querySelectorAll('.recharts-cartesian-axis-tick-value')].map((t) => Number((t.textContent ?? '').replace(/[^\d.-]/g, '')))));
    /** Ticks a round step apart (1, 2 or 5 × 10ⁿ), each a whole multiple of it. */
    const round = (ticks: number[]) => {
      const step = ticks[1] - ticks[0];
      const mantissa = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
      return ticks.length >= 2 && [1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6) && ticks.every((t, i) => Math.abs(t - ticks[0] - i * step) < step * 1e-6 && Math.abs(t / step - Math.round(t / step)) < 1e-6);
    };
    await page.goto(`${plant.idm.url}/#/trends?pens=${a.sensor_id},${b.sensor_id},${c.sensor_id}&range=10m`);
    const own = await until(async () => {
      const got = await axes();
      return got.length === 3 && got.every((t) => t.length >= 2) ? got : null;
    }, 30_000, 'three value axes with ticks');
    expect(own.filter((t) => !round(t))).toEqual([]);
    await screenshot(page, 'operator-walk-trend-ticks');
    await page.goto(`${plant.idm.url}/#/sensors/${faulted.sensorId}`);
    const one = await until(async () => {
      const got = await axes();
      return got.length === 1 && got[0].length >= 2 ? got[0] : null;
    }, 30_000, "the sensor trend's value axis");
    expect(round(one)).toBe(true);
  });

  it("the journal's table fits its panel at 1280×720 with a device alarm in it, the message keeping its room", async () => {
    const page = await open({ width: 1280, height: 720 }, 'operator.e2e');
    await bannerWithBoth(page);
    await page.getByRole('link', { name: 'Journal' }).click();
    await page.locator(`tr.journal-row[data-alarm-id^="device:${faulted.plcId}|"]`).first().waitFor({ timeout: 30_000 });
    const layout = await page.evaluate(() => {
      const table = document.querySelector('table.journal-grid')!;
      const scroller = table.closest('.table-scroll')!;
      return {
        sideways: scroller.scrollWidth - scroller.clientWidth,
        tableRight: table.getBoundingClientRect().right,
        panelRight: table.closest('.panel')!.getBoundingClientRect().right,
        msg: Math.min(...[...document.querySelectorAll('tr.journal-row td.msg')].map((td) => td.getBoundingClientRect().width)),
        rem: parseFloat(getComputedStyle(document.documentElement).fontSize),
      };
    });
    // It ran ~140 px past the panel: the message sat behind a sideways scroll, cut mid-word at the panel's edge.
    expect(layout.sideways).toBeLessThanOrEqual(1);
    expect(layout.tableRight).toBeLessThanOrEqual(layout.panelRight);
    expect(layout.msg).toBeGreaterThanOrEqual(12.9 * layout.rem);
    await screenshot(page, 'operator-walk-journal-1280');
  });

  it("the Devices table keeps a poll interval and a device's COMM FAILURE on one line at 1280×720", async () => {
    // A long address beside it, as the demo plant's OPC UA server has (disabled: nothing connects).
    const ua = { id: 'ua-walk', name: 'Line 7 server', protocol: 'opcua', endpoint_url: 'opc.tcp://historian-gateway.plant.example:4840/UA/Line7', security_mode: 'SignAndEncrypt', security_policy: 'Basic256Sha256', publishing_interval_ms: 500, enabled: false };
    const res = await fetch(`${plant.idm.url}/devices`, { method: 'POST', headers: authHeader(plant.tokens.admin), body: JSON.stringify(ua) });
    expect(res.status).toBe(201);
    const page = await open({ width: 1280, height: 720 }, 'admin.e2e');
    await page.goto(`${plant.idm.url}/#/admin/devices`);
    const row = page.getByRole('row', { name: new RegExp(`${faulted.plcId}`) }).filter({ hasText: 'COMM FAILURE' });
    await row.waitFor({ timeout: 30_000 });
    const lines = await row.locator('td').evaluateAll((tds) =>
      tds.slice(2, 4).map((td) => {
        const range = document.createRange();
        range.selectNodeContents(td);
        return { text: (td.textContent ?? '').trim(), lines: new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size };
      }),
    );
    // "1000 / ms" and "✕ COMM / FAILURE" were broken over two lines.
    expect(lines.map((l) => l.text)).toEqual([expect.stringMatching(/^\d+ ms$/), '✕ COMM FAILURE']);
    expect(lines.filter((l) => l.lines !== 1)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
    await screenshot(page, 'operator-walk-devices-1280');
  });
});
