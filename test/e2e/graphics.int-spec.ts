// Functions passed to page.evaluate / waitForFunction run in the browser.
/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { isBoolTag, type TagDto } from '@idm/contracts';
import { authHeader, clearLoginThrottle } from '../support/auth';
import { collectErrors, launchChromium, newContext, screenshot, signIn, until } from './support/browser';
import { startPlant, type Plant } from './support/plant';

/**
 * Process graphics (issue 19) in Chromium: an admin uploads a drawing bound to the plant's tags, the live
 * view shows values changing and an alarm colour appearing, a click opens the sensor, and an earlier version
 * is rolled back from the editor.
 */
const DB = 'idm_test_e2e_graphics';
jest.setTimeout(120_000);

const drawing = (title: string, valueTag: string, stateTag: string) =>
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200">' +
  `<title>${title}</title>` +
  '<rect x="0" y="0" width="400" height="200" fill="#d3d3d3"/>' +
  `<text id="value" x="20" y="40" font-size="20" data-idm-tag="${valueTag}" data-idm-show="value" data-idm-format="0.00" data-idm-unit="u">--</text>` +
  `<circle id="pump" cx="300" cy="100" r="30" fill="#dedede" stroke="#333" data-idm-tag="${stateTag}" data-idm-show="state"/>` +
  '</svg>';

describe('process graphics in Chromium', () => {
  let plant: Plant;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let errors: string[];
  let admin: string;
  const api = (method: string, path: string, body?: unknown) =>
    fetch(`${plant.idm.url}${path}`, { method, headers: authHeader(admin), body: body === undefined ? undefined : JSON.stringify(body) });

  beforeAll(async () => {
    await clearLoginThrottle(DB);
    [plant, browser] = await Promise.all([startPlant(DB), launchChromium()]);
    admin = plant.tokens.admin;
    ctx = await newContext(browser);
    page = await ctx.newPage();
    errors = collectErrors(page);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await plant?.close();
  });

  it('uploads a screen, shows live values and an alarm colour, clicks through to the sensor, and rolls back a version', async () => {
    const withLimits = plant.sim.deviceFile.tags.filter((t) => t.limits?.hihi !== undefined && t.limits?.lolo !== undefined) as TagDto[];
    const [alarmTag] = withLimits;
    const valueTag = plant.sim.deviceFile.tags.find((t) => t.sensor_id !== alarmTag.sensor_id && !isBoolTag(t))!;
    await signIn(page, plant.idm.url, 'admin.e2e', plant.password);

    // Upload through the editor: a hostile drawing is refused with the reason, a clean one is stored.
    await page.goto(`${plant.idm.url}/#/graphics/new/edit`);
    await page.getByLabel('Name').fill('Pump house');
    await page.getByLabel('Area').fill('Pump house');
    await page.getByLabel('…or SVG text').fill('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    await page.getByRole('button', { name: 'Create screen' }).click();
    await page.getByTestId('upload-error').getByText(/script elements can run code/).waitFor();
    await page.getByLabel('…or SVG text').fill(drawing('first', valueTag.sensor_id, alarmTag.sensor_id));
    await page.getByRole('button', { name: 'Create screen' }).click();
    await page.waitForURL(/#\/graphics\/pump-house\/edit$/);
    await page.getByRole('cell', { name: alarmTag.sensor_id }).first().waitFor();

    // Live: the value text takes the tag's values with two decimals and the unit, and changes.
    await page.goto(`${plant.idm.url}/#/graphics/pump-house`);
    const valueText = () => page.locator('#value').textContent();
    const first = await until(async () => {
      const t = await valueText();
      return t && /^-?\d+\.\d\d u$/.test(t) ? t : null;
    }, 30_000, 'a formatted value on the drawing');
    await until(async () => {
      const t = await valueText();
      return t !== first && /^-?\d+\.\d\d u$/.test(t ?? '');
    }, 30_000, 'the value to change');
    expect(await page.getByTestId('screen-link-pump-house').textContent()).toContain('Pump house');
    expect(await page.locator('svg.idm-screen #pump').getAttribute('class')).not.toMatch(/idm-alarm-/);

    // A fault on the state-bound tag: its shape takes the alarm colour and a priority marker, and the tree counts it.
    plant.sim.injectFault({ kind: 'step', plc: alarmTag.device_id, sensor_id: alarmTag.sensor_id, magnitude: (alarmTag.limits!.hihi! - alarmTag.limits!.lolo!) * 0.75 });
    const alarmClass = await until(async () => /idm-alarm-(critical|high|medium|low)/.exec((await page.locator('svg.idm-screen #pump').getAttribute('class')) ?? '')?.[0], 60_000, 'an alarm colour on the pump');
    const fill = await page.locator('svg.idm-screen #pump').evaluate((el) => getComputedStyle(el).fill);
    expect(fill).not.toBe('rgb(222, 222, 222)');
    const flag = page.locator('[data-idm-flag-for="pump"]');
    expect(await flag.getAttribute('class')).toContain(alarmClass.replace('idm-alarm-', 'idm-flag-'));
    expect(['1', '2', '3', '4']).toContain(await flag.locator('.idm-flag-num').textContent());
    await until(async () => (await page.getByTestId('screen-link-pump-house').getByTestId('screen-alarm-count').textContent()) !== '0', 20_000, 'the alarm count in the tree');
    await screenshot(page, 'graphics-live-alarm');

    // On a 390 px phone the drawing takes the width under the tree (beside it, it was a 90 px thumbnail).
    await page.setViewportSize({ width: 390, height: 844 });
    await until(async () => ((await page.locator('svg.idm-screen').boundingBox())?.width ?? 0) > 300, 10_000, 'the drawing at full phone width');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(page, 'graphics-phone');
    await page.setViewportSize({ width: 1600, height: 900 });

    // Click-through: the value opens its sensor's detail.
    await page.locator('svg.idm-screen #value').click();
    await page.waitForURL(new RegExp(`#/sensors/${valueTag.sensor_id}$`));

    // Versions: a second drawing, then back to the first from the editor.
    const put = await api('PUT', '/screens/pump-house', { svg: drawing('second', valueTag.sensor_id, valueTag.sensor_id), note: 'rebind pump' });
    expect(put.status).toBe(200);
    await page.goto(`${plant.idm.url}/#/graphics/pump-house/edit`);
    await page.getByTestId('version-2').getByText('current').waitFor();
    await page.getByRole('button', { name: 'Roll back to v1' }).click();
    await page.getByTestId('version-3').getByText('current').waitFor();
    const now = (await (await api('GET', '/screens/pump-house')).json()) as { version: number; svg: string };
    expect(now.version).toBe(3);
    expect(now.svg).toContain('<title>first</title>');
    expect(errors).toEqual([]);
  });
});
