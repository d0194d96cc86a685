// Functions passed to page.evaluate / waitForFunction run in the browser.
/// <reference lib="dom" />
import * as fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { TagDto } from '@idm/contracts';
import { scrapeMetrics } from '../support/app';
import { authHeader, clearLoginThrottle, login } from '../support/auth';
import { parseCsv } from '../support/csv';
import { collectErrors, launchChromium, screenshot, signIn, until } from './support/browser';
import { startPlant, type Plant } from './support/plant';

/**
 * A control-room desk (issue 18): the alarm journal for shift handover, several screens of one browser
 * signed in together, and a wall screen in kiosk mode. Access tokens live 30 s here, so renewals happen
 * while the test runs.
 */
const DB = 'idm_test_e2e_shift_desk';
jest.setTimeout(180_000);

describe('a shift desk in Chromium', () => {
  let plant: Plant;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let faulted = 0;

  const asOperator = async (method: string, path: string, body?: unknown) => {
    const { access_token } = await login(plant.idm.url, 'operator.e2e', plant.password);
    return fetch(`${plant.idm.url}${path}`, { method, headers: authHeader(access_token), body: body === undefined ? undefined : JSON.stringify(body) });
  };
  const context = async (opts: { timezoneId?: string } = {}) => {
    const ctx = await browser.newContext({ viewport: { width: 1600, height: 900 }, deviceScaleFactor: 1, reducedMotion: 'reduce', acceptDownloads: true, ...opts });
    ctx.setDefaultTimeout(20_000);
    contexts.push(ctx);
    return ctx;
  };
  /** Steps a not yet faulted tag with limits past them: a new alarm. */
  const fault = (): TagDto => {
    const tags = plant.sim.deviceFile.tags.filter((t) => t.limits?.hihi !== undefined && t.limits?.lolo !== undefined);
    const t = tags[faulted++ % tags.length];
    plant.sim.injectFault({ kind: 'step', plc: t.device_id, sensor_id: t.sensor_id, magnitude: (t.limits!.hihi! - t.limits!.lolo!) * 0.75 });
    return t;
  };
  const bannerRow = (page: Page, t: TagDto) => page.getByTestId('alarm-banner').locator(`li[data-alarm-id^="sensor:${t.sensor_id}|"]`).first();
  const refreshCount = async (result: string) =>
    Number(new RegExp(`^idm_auth_refreshes_total\\{result="${result}"[^}]*\\} (\\d+)`, 'm').exec(await scrapeMetrics(plant.idm.url))?.[1] ?? 0);
  const storedSession = (page: Page) => page.evaluate(() => JSON.parse(sessionStorage.getItem('idm.session') ?? 'null') as { accessToken: string; refreshToken: string } | null);

  beforeAll(async () => {
    await clearLoginThrottle(DB);
    [plant, browser] = await Promise.all([startPlant(DB, { env: { JWT_ACCESS_TTL_SECONDS: '30', ALARM_FLOOD_THRESHOLD: '1000' } }), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await plant?.close();
  });

  it('the journal finds an acknowledgement by sensor and kind of event, and exports the search as CSV', async () => {
    const ctx = await context({ timezoneId: 'Europe/Berlin' });
    const page = await ctx.newPage();
    const errors = collectErrors(page);
    await signIn(page, plant.idm.url, 'operator.e2e', plant.password);
    const tag = fault();
    await bannerRow(page, tag).waitFor({ timeout: 40_000 });
    const alarmId = (await bannerRow(page, tag).getAttribute('data-alarm-id'))!;
    const ack = await asOperator('POST', `/alarms/${encodeURIComponent(alarmId)}/acknowledge`, { comment: 'Handover: valve V-7, "checked", ok' });
    expect(ack.status).toBe(200);

    await page.getByRole('link', { name: 'Journal' }).click();
    await page.getByRole('heading', { name: 'Alarm journal' }).waitFor();
    const form = page.getByRole('form', { name: 'Search the journal' });
    await form.getByLabel('Sensor').fill(tag.sensor_id);
    await form.getByLabel('Event').selectOption('acknowledged');
    await form.getByRole('button', { name: 'Search' }).click();
    const rows = page.locator('tr.journal-row');
    await until(async () => (await rows.count()) === 1 && (await rows.first().getAttribute('data-kind')) === 'acknowledged', 15_000, 'one acknowledgement');
    await expect(rows.first().textContent()).resolves.toContain('Handover: valve V-7, "checked", ok');
    await expect(rows.first().textContent()).resolves.toContain('operator.e2e');

    // The whole story of that sensor's alarm: raised, then acknowledged (newest first).
    await form.getByLabel('Event').selectOption('');
    await form.getByRole('button', { name: 'Search' }).click();
    await until(async () => (await rows.count()) >= 2, 15_000, 'the raise and the acknowledgement');
    const shown = await rows.evaluateAll((trs) => trs.map((tr) => ({ kind: tr.getAttribute('data-kind'), alarm: tr.getAttribute('data-alarm-id') })));
    expect(shown.map((r) => r.kind)).toEqual(expect.arrayContaining(['raised', 'acknowledged']));
    expect(shown.findIndex((r) => r.kind === 'acknowledged')).toBeLessThan(shown.findIndex((r) => r.kind === 'raised'));
    // One line per event.
    const heights = await rows.evaluateAll((trs) => trs.map((tr) => tr.getBoundingClientRect().height));
    const line = await rows.first().locator('td.msg').evaluate((td) => parseFloat(getComputedStyle(td).lineHeight));
    expect(Math.max(...heights)).toBeLessThan(line * 2);
    await screenshot(page, 'shift-desk-journal');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^alarm-journal_\d{8}T\d{4}Z_\d{8}T\d{4}Z\.csv$/);
    const csv = parseCsv(fs.readFileSync((await download.path())!, 'utf8'));
    expect(csv[0].slice(0, 3)).toEqual(['time_local (Europe/Berlin)', 'time_utc', 'event']);
    const body = csv.slice(1);
    expect(body.map((r) => ({ kind: r[2], alarm: r[6] }))).toEqual(shown);
    expect(body.every((r) => r[5] === tag.sensor_id)).toBe(true);
    const acked = body.find((r) => r[2] === 'acknowledged')!;
    expect(acked[9]).toBe('operator.e2e');
    expect(acked[11]).toBe('Handover: valve V-7, "checked", ok');
    const berlin = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin', dateStyle: 'short', timeStyle: 'medium' }).format(new Date(acked[1]));
    expect(acked[0]).toBe(berlin);
    expect(await refreshCount('reused')).toBe(0);
    expect(errors).toEqual([]);
  });

  it('a second tab opens signed in; both get live alarms, renew without signing each other out, and sign out together', async () => {
    const ctx = await context();
    const a = await ctx.newPage();
    const errors = collectErrors(a);
    const refreshes = { a: 0, b: 0 };
    a.on('request', (r) => r.url().endsWith('/auth/refresh') && refreshes.a++);
    await signIn(a, plant.idm.url, 'operator.e2e', plant.password);
    const b = await ctx.newPage();
    errors.push(...collectErrors(b));
    b.on('request', (r) => r.url().endsWith('/auth/refresh') && refreshes.b++);
    await b.goto(`${plant.idm.url}/#/alarms`);
    // No sign-in screen: the second tab is signed in as the first.
    await b.getByTestId('user').waitFor({ timeout: 15_000 });
    expect(await b.getByTestId('user').textContent()).toContain('operator.e2e');
    expect(b.url()).toMatch(/#\/alarms$/);

    const first = fault();
    await Promise.all([bannerRow(a, first).waitFor({ timeout: 40_000 }), bannerRow(b, first).waitFor({ timeout: 40_000 })]);
    await screenshot(b, 'shift-desk-second-tab');

    // The access token runs out (30 s): the server closes both sockets and both tabs renew at the same moment.
    const before = (await storedSession(a))!;
    await until(async () => {
      const [sa, sb] = await Promise.all([storedSession(a), storedSession(b)]);
      return sa && sb && sa.accessToken !== before.accessToken && sa.refreshToken === sb.refreshToken;
    }, 90_000, 'both tabs on one renewed session').catch(async (err: Error) => {
      // Say why: a replayed refresh token (both tabs signed out) or a tab left behind.
      const [sa, sb] = await Promise.all([storedSession(a), storedSession(b)]);
      throw new Error(`${err.message}; reused=${await refreshCount('reused')} ok=${await refreshCount('ok')} a=${sa?.refreshToken.slice(0, 8)} b=${sb?.refreshToken.slice(0, 8)} refreshes=${JSON.stringify(refreshes)}`);
    });
    // One renewal for both: the other tab took the rotated pair instead of spending the old refresh token.
    expect(await refreshCount('reused')).toBe(0);
    expect(await refreshCount('ok')).toBeGreaterThanOrEqual(1);
    expect(refreshes.a + refreshes.b).toBeGreaterThanOrEqual(1);
    // Still signed in in both, and both still get alarms.
    const second = fault();
    await Promise.all([bannerRow(a, second).waitFor({ timeout: 40_000 }), bannerRow(b, second).waitFor({ timeout: 40_000 })]);
    expect(await a.getByTestId('user').isVisible()).toBe(true);
    expect(await b.getByTestId('user').isVisible()).toBe(true);
    // A renewal in one tab alone (its next call after the token ran out) leaves the other signed in.
    const renewed = (await storedSession(a))!;
    await until(async () => Date.now() > JSON.parse(Buffer.from(renewed.accessToken.split('.')[1], 'base64url').toString()).exp * 1000 + 1000, 60_000, 'the token to run out');
    await a.getByRole('link', { name: 'Journal' }).click();
    await a.locator('tr.journal-row').first().waitFor();
    await until(async () => (await storedSession(b))?.refreshToken !== renewed.refreshToken, 30_000, 'the other tab to take the renewal');
    await b.getByRole('link', { name: 'Journal' }).click();
    await b.locator('tr.journal-row').first().waitFor();
    expect(await b.getByTestId('user').isVisible()).toBe(true);
    expect(await refreshCount('reused')).toBe(0);

    // Signing out in one tab signs out the other; a tab opened afterwards asks to sign in.
    const last = (await storedSession(a))!;
    await a.getByRole('button', { name: 'Sign out' }).click();
    await b.getByLabel('Username or e-mail').waitFor({ timeout: 15_000 });
    expect(await storedSession(b)).toBeNull();
    const c = await ctx.newPage();
    await c.goto(`${plant.idm.url}/#/overview`);
    await c.getByLabel('Username or e-mail').waitFor({ timeout: 15_000 });
    // No tab tried to renew the session being ended, and the server ended it.
    expect(await refreshCount('reused')).toBe(0);
    await until(async () => (await fetch(`${plant.idm.url}/auth/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: last.refreshToken }) })).status === 401, 15_000, 'the session to be ended on the server');
    expect(errors).toEqual([]);
  });

  it('kiosk mode shows the overview full screen with the banner and no navigation, across reloads', async () => {
    const ctx = await context();
    const page = await ctx.newPage();
    const errors = collectErrors(page);
    await signIn(page, plant.idm.url, 'viewer.e2e', plant.password);
    await page.goto(`${plant.idm.url}/?kiosk=1#/alarms`);
    await page.waitForURL(/#\/overview$/);
    await page.locator('[data-sensor-id]').first().waitFor();
    await page.getByTestId('alarm-banner').waitFor();
    expect(await page.getByRole('navigation', { name: 'Screens' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    await screenshot(page, 'shift-desk-kiosk');
    await page.reload();
    await page.locator('[data-sensor-id]').first().waitFor();
    expect(await page.getByRole('navigation', { name: 'Screens' }).count()).toBe(0);
    await page.goto(`${plant.idm.url}/?kiosk=0#/overview`);
    await page.getByRole('navigation', { name: 'Screens' }).waitFor();
    expect(errors).toEqual([]);
  });
});
