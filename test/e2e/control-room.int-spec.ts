import type { Browser, BrowserContext, Page } from 'playwright-core';
import { clearLoginThrottle } from '../support/auth';
import { collectErrors, launchChromium, newContext, screenshot, signIn } from './support/browser';
import { startPlant, type Plant } from './support/plant';

const DB = 'idm_test_e2e_control_room';

/** Waits (bounded) until `fn` returns a truthy value. */
async function until<T>(fn: () => Promise<T>, timeoutMs: number, what: string): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`);
}

const tileValues = (page: Page) =>
  page.$$eval('[data-sensor-id]', (tiles) => Object.fromEntries(tiles.map((t) => [t.getAttribute('data-sensor-id'), t.querySelector('[data-testid=tile-value]')?.textContent ?? ''])));

describe('control room in Chromium', () => {
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
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await plant?.close();
  });

  it('signs in with a wrong password refused at the form, then with the right one', async () => {
    await page.goto(`${plant.idm.url}/`);
    await page.getByRole('heading', { name: 'IDM sign in' }).waitFor();
    await page.getByLabel('Username or e-mail').fill('operator.e2e');
    await page.getByLabel('Password').fill('not the password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/invalid|incorrect|wrong/i);
    await signIn(page, plant.idm.url, 'operator.e2e', plant.password);
    expect(await page.getByTestId('user').textContent()).toContain('operator.e2e · operator');
    expect(page.url()).toMatch(/#\/overview$/);
  });

  it('shows every tag of the plant grouped by area and device, with values that change', async () => {
    const tags = plant.sim.deviceFile.tags;
    await page.locator('[data-sensor-id]').first().waitFor();
    expect(await page.locator('[data-sensor-id]').count()).toBe(tags.length);
    for (const area of new Set(tags.map((t) => t.area))) await page.getByRole('heading', { name: area, level: 2 }).waitFor();
    const first = await until(async () => {
      const v = await tileValues(page);
      return Object.values(v).every((x) => x !== '—') && v;
    }, 15_000, 'every tile to show a value');
    const changed = await until(async () => {
      const v = await tileValues(page);
      return Object.keys(v).filter((id) => v[id] !== first[id]).length >= tags.length / 2 && v;
    }, 15_000, 'values to change');
    expect(changed).toBeTruthy();
    await until(async () => (await page.getByTestId('connection').textContent())?.includes('LIVE'), 5_000, 'the live indicator');
    await screenshot(page, 'overview');
    expect(errors).toEqual([]);
  });
});
