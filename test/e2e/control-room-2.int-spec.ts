// Functions passed to page.evaluate / waitForFunction run in the browser.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AlarmDto, AlarmPriorityName, TagDto } from '@idm/contracts';
import { authHeader, clearLoginThrottle } from '../support/auth';
import { collectErrors, launchChromium, newContext, screenshot, signIn, until } from './support/browser';
import { startPlant, type Plant } from './support/plant';

/**
 * Control room II (issue 18): tiles that tell the truth, an alarm summary an operator can work, and a
 * phone. One plant, one browser; kept apart from control-room.int-spec.ts, which is slow already.
 */
const DB = 'idm_test_e2e_control_room_2';
jest.setTimeout(120_000);

const PRIORITY_RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** What the alarm summary shows, row by row. */
const summaryRows = (page: Page) =>
  page.$$eval('tr.alarm-row', (rows) =>
    rows.map((r) => ({
      id: r.getAttribute('data-alarm-id')!,
      state: r.getAttribute('data-state')!,
      priority: /prio-row-(\w+)/.exec(r.className)?.[1] ?? '',
      source: r.querySelector('td.source a, td.source .src-line')?.firstChild?.textContent ?? '',
      value: r.querySelector('td.value')?.textContent ?? '',
      firstOut: !!r.querySelector('.first-out'),
    })),
  );

describe('control room II in Chromium', () => {
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
    // A flood after 3 alarms in 10 minutes, so a handful of injected faults make one.
    [plant, browser] = await Promise.all([startPlant(DB, { env: { ALARM_FLOOD_THRESHOLD: '3' } }), launchChromium()]);
    admin = plant.tokens.admin;
    ctx = await newContext(browser);
    page = await ctx.newPage();
    errors = collectErrors(page);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await plant?.close();
  });

  it("the alarm summary sorts by column, filters by area, priority and state, and marks the first alarm of each area's part of a flood", async () => {
    const [plc0, plc1] = plant.sim.plant.plcs;
    const withLimits = (plcId: string) => plant.sim.deviceFile.tags.filter((t) => t.device_id === plcId && t.limits?.hihi !== undefined && t.limits?.lolo !== undefined);
    const [a, b, e] = withLimits(plc0.id);
    const [c, d] = withLimits(plc1.id);
    const priorities: [TagDto, AlarmPriorityName][] = [[a, 'critical'], [b, 'low'], [c, 'high'], [d, 'medium'], [e, 'low']];
    for (const [t, p] of priorities) expect((await api('PATCH', `/tags/${t.sensor_id}`, { alarm_priority: p })).status).toBe(200);
    const step = (t: TagDto) => plant.sim.injectFault({ kind: 'step', plc: t.device_id, sensor_id: t.sensor_id, magnitude: (t.limits!.hihi! - t.limits!.lolo!) * 0.75 });

    // A quiet plant to start from: the flood below is the only one.
    expect(((await (await api('GET', '/alarms')).json()) as AlarmDto[]).map((x) => x.id)).toEqual([]);
    await signIn(page, plant.idm.url, 'operator.e2e', plant.password);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByRole('link', { name: 'Alarms' }).first().click();
    // The first fault alone, then the rest once it is raised: a flood whose first alarm is known.
    step(a);
    await page.locator(`tr[data-alarm-id^="sensor:${a.sensor_id}|"]`).first().waitFor({ timeout: 40_000 });
    for (const t of [b, c, d, e]) step(t);
    const sources = new Set([a, b, c, d, e].map((t) => t.sensor_id));
    // One flood over two areas (the PLCs'): each area's part has its own first-out, a in plc0's.
    expect(plc0.area).not.toBe(plc1.area);
    await until(async () => {
      const rows = await summaryRows(page);
      return sources.size === new Set(rows.map((r) => r.source).filter((s) => sources.has(s))).size && rows.filter((r) => r.firstOut).length === 2;
    }, 60_000, 'an alarm from every faulted sensor and a first-out marker in each area');
    const stored = (await (await api('GET', '/alarms')).json()) as AlarmDto[];
    expect(stored.filter((x) => x.in_flood).length).toBeGreaterThan(0);
    const raised = (t: TagDto) => Math.min(...stored.filter((x) => x.sensor_id === t.sensor_id).map((x) => Date.parse(x.raised_at!)));
    // Raised in the same millisecond (one poll stamps its tags alike), the higher priority comes first: c (high) before d (medium).
    const firstOfPlc1 = raised(c) <= raised(d) ? c : d;
    const first = (await summaryRows(page)).filter((r) => r.firstOut);
    expect(first.map((r) => r.source).sort()).toEqual([a.sensor_id, firstOfPlc1.sensor_id].sort());
    // Values read with their tags' units, as on the tiles.
    for (const t of [a, b, c, d, e]) {
      const row = (await summaryRows(page)).find((r) => r.source === t.sensor_id)!;
      expect(row.value).toContain(t.unit);
      expect(row.value.endsWith(` ${t.unit}`) && Number.isFinite(parseFloat(row.value))).toBe(true);
    }
    await screenshot(page, 'cr2-alarm-summary-first-out');

    const header = (name: string) => page.locator('table.grid thead th', { has: page.getByRole('button', { name: new RegExp(`^${name}`) }) });
    // Priority first by default; a click turns it round.
    expect(await header('Priority').getAttribute('aria-sort')).toBe('ascending');
    const ranks = async () => (await summaryRows(page)).map((r) => PRIORITY_RANK[r.priority]);
    expect(await ranks()).toEqual([...(await ranks())].sort((x, y) => x - y));
    await header('Priority').getByRole('button').click();
    expect(await header('Priority').getAttribute('aria-sort')).toBe('descending');
    const desc = await ranks();
    expect(desc).toEqual([...desc].sort((x, y) => y - x));
    await header('Source').getByRole('button').click();
    expect(await header('Source').getAttribute('aria-sort')).toBe('ascending');
    expect(await header('Priority').getAttribute('aria-sort')).toBeNull();
    const bySource = (await summaryRows(page)).map((r) => r.source);
    expect(bySource).toEqual([...bySource].sort((x, y) => x.localeCompare(y, undefined, { numeric: true })));

    // One line per alarm at 1280×720, the Comment button whole, no sideways scrolling.
    const layout = await page.evaluate(() => {
      const rows = [...document.querySelectorAll('tr.alarm-row')];
      const line = parseFloat(getComputedStyle(rows[0].querySelector('td.msg')!).lineHeight);
      const comment = [...rows[0].querySelectorAll('button')].find((x) => x.getAttribute('aria-label') === 'Comment')!.getBoundingClientRect();
      return { line, heights: rows.map((r) => r.getBoundingClientRect().height), commentRight: comment.right, width: window.innerWidth, scrollWidth: document.documentElement.scrollWidth };
    });
    expect(Math.max(...layout.heights)).toBeLessThan(layout.line * 2);
    expect(layout.commentRight).toBeLessThanOrEqual(layout.width);
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.width);

    // Filters: priority, area (the second PLC's), state.
    await page.getByLabel('Priority').selectOption('critical');
    const critical = await summaryRows(page);
    expect(critical.length).toBeGreaterThan(0);
    expect(critical.every((r) => r.priority === 'critical')).toBe(true);
    expect(critical.map((r) => r.source)).toContain(a.sensor_id);
    await page.getByLabel('Priority').selectOption('');
    await page.getByLabel('Area').selectOption(plc1.area);
    const plc1Tags = new Set(plant.sim.deviceFile.tags.filter((t) => t.area === plc1.area).map((t) => t.sensor_id));
    const inArea = await summaryRows(page);
    expect(inArea.map((r) => r.source)).toEqual(expect.arrayContaining([c.sensor_id, d.sensor_id]));
    expect(inArea.every((r) => plc1Tags.has(r.source) || r.id.startsWith('device:'))).toBe(true);
    // This area's first-out stays marked when the filter hides the rest of the flood; plc0's is not listed.
    expect(inArea.filter((r) => r.firstOut).map((r) => r.source)).toEqual([firstOfPlc1.sensor_id]);
    await page.getByLabel('Area').selectOption('');
    await page.getByLabel('State').selectOption('unacked');
    expect((await summaryRows(page)).every((r) => r.state.startsWith('unack_'))).toBe(true);
    await page.getByLabel('State').selectOption('all');

    // Keyboard: arrows move between rows, A acknowledges the focused one.
    const rows = page.locator('tr.alarm-row');
    await rows.nth(0).focus();
    await page.keyboard.press('ArrowDown');
    const focusedId = await page.evaluate(() => document.activeElement?.getAttribute('data-alarm-id'));
    expect(focusedId).toBe(await rows.nth(1).getAttribute('data-alarm-id'));
    expect((await rows.nth(1).getAttribute('data-state'))!.startsWith('unack_')).toBe(true);
    await page.keyboard.press('a');
    await page.waitForFunction((id) => document.querySelector(`tr[data-alarm-id="${id}"]`)?.getAttribute('data-state')?.startsWith('ack') === true || !document.querySelector(`tr[data-alarm-id="${id}"]`), focusedId, { timeout: 15_000 });

    // Acknowledge straight from the banner.
    const bannerRow = page.getByTestId('alarm-banner').locator('li[data-state^="unack_"]').first();
    const bannerId = (await bannerRow.getAttribute('data-alarm-id'))!;
    await bannerRow.getByRole('button', { name: /^Acknowledge/ }).click();
    await page.waitForFunction((id) => !document.querySelector(`tr[data-alarm-id="${id}"]`)?.getAttribute('data-state')?.startsWith('unack_'), bannerId, { timeout: 15_000 });
    await screenshot(page, 'cr2-alarm-summary-1280x720');
    await page.setViewportSize({ width: 1600, height: 900 });
    expect(errors).toEqual([]);
  });

  it('a bad reading shows BAD and a bool tag its state words on their tiles; the analog indicator sits between limit marks', async () => {
    const plc = plant.sim.plant.plcs[0];
    const base = { device_id: plc.id, area: plc.area, word_order: 'big', byte_order: 'big' };
    // Unused PLC memory reads as 0: below this tag's physical range, so every poll is a bad reading.
    const bad = await api('POST', '/tags', { ...base, sensor_id: 'TT-E2E-BAD', register_type: 'holding', address: 900, data_type: 'float32', unit: '°C', physical_min: 1, physical_max: 100 });
    expect(bad.status).toBe(201);
    // The simulator's coils read as off.
    const motor = await api('POST', '/tags', { ...base, sensor_id: 'M-E2E-RUN', register_type: 'coil', address: 0, data_type: 'bool', description: 'Feed pump running', state_words: { '0': 'STOP', '1': 'RUN' } });
    expect(motor.status).toBe(201);
    expect(((await motor.json()) as TagDto).state_words).toEqual({ '0': 'STOP', '1': 'RUN' });

    await page.getByRole('link', { name: 'Overview' }).click();
    const value = (id: string) => page.locator(`[data-sensor-id="${id}"] [data-testid=tile-value]`);
    await until(async () => (await value('TT-E2E-BAD').textContent()) === 'BAD', 30_000, 'the bad tile to read BAD');
    await until(async () => (await value('M-E2E-RUN').textContent()) === 'STOP', 30_000, 'the bool tile to read STOP');
    expect(await page.locator('[data-sensor-id="M-E2E-RUN"] [data-testid=analog]').count()).toBe(0);
    // A simulated analog tag: a pointer on a scale with its four limit marks.
    const analogTag = plant.sim.deviceFile.tags[0].sensor_id;
    const analog = page.locator(`[data-sensor-id="${analogTag}"] [data-testid=analog]`);
    await analog.locator('.pointer').waitFor();
    expect(await analog.locator('.mark').count()).toBe(4);
    const at = Number(await analog.locator('.pointer').getAttribute('data-at'));
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(1);
    // Nothing sticks out of a tile.
    const overflow = await page.$$eval('[data-sensor-id]', (tiles) =>
      tiles.filter((t) => {
        const box = t.getBoundingClientRect();
        return [...t.querySelectorAll('.value, .unit, .analog')].some((p) => p.getBoundingClientRect().right > box.right + 0.5);
      }).map((t) => t.getAttribute('data-sensor-id')),
    );
    expect(overflow).toEqual([]);
    await page.locator('[data-sensor-id="M-E2E-RUN"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'cr2-tiles-bad-bool');
    // Its bad readings (0, below the physical range) raise an out-of-range alarm: the alarm list says BAD too.
    await page.getByRole('link', { name: 'Alarms' }).first().click();
    const badRow = page.locator('tr[data-alarm-id="sensor:TT-E2E-BAD|out_of_range"]');
    await badRow.waitFor({ timeout: 30_000 });
    expect(await badRow.locator('td.num').nth(1).textContent()).toBe('BAD');
    await screenshot(page, 'cr2-alarm-bad-reading');
    expect(errors).toEqual([]);
  });

  it('works on a 390 px phone: banner, alarm list with acknowledge and a sensor trend, without sideways scrolling', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, reducedMotion: 'reduce' });
    phone.setDefaultTimeout(20_000);
    try {
      const p = await phone.newPage();
      const phoneErrors = collectErrors(p);
      const noSideways = () => p.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
      await signIn(p, plant.idm.url, 'operator.e2e', plant.password);
      await p.locator('[data-sensor-id]').first().waitFor();
      // A fresh alarm of this test's own to acknowledge.
      const plc1 = plant.sim.plant.plcs[1];
      const tag = plant.sim.deviceFile.tags.filter((t) => t.device_id === plc1.id && t.limits?.hihi !== undefined && t.limits?.lolo !== undefined)[2];
      plant.sim.injectFault({ kind: 'step', plc: plc1.id, sensor_id: tag.sensor_id, magnitude: (tag.limits!.hihi! - tag.limits!.lolo!) * 0.75 });
      const bannerRow = p.getByTestId('alarm-banner').locator(`li[data-alarm-id^="sensor:${tag.sensor_id}|"]`).first();
      await bannerRow.waitFor({ timeout: 40_000 });
      const banner = (await p.getByTestId('alarm-banner').boundingBox())!;
      expect(banner.x).toBeGreaterThanOrEqual(0);
      expect(banner.x + banner.width).toBeLessThanOrEqual(390);
      let w = await noSideways();
      expect(w).toEqual({ scrollWidth: 390, innerWidth: 390 });
      await screenshot(p, 'cr2-phone-overview');
      // Every screen's link is on the screen (they used to scroll off to the right, Trends among them).
      const navRight = await p.locator('.topbar nav a').evaluateAll((links) => links.map((a) => a.getBoundingClientRect().right));
      expect(navRight.length).toBeGreaterThanOrEqual(6);
      expect(Math.max(...navRight)).toBeLessThanOrEqual(390);

      // With more than one alarm the phone banner's '+N' stands for the list link.
      await p.getByRole('link', { name: /^(Alarm list|\+\d+ more alarm)/ }).click();
      const row = p.locator(`tr[data-alarm-id^="sensor:${tag.sensor_id}|"]`).first();
      await row.waitFor();
      const id = (await row.getAttribute('data-alarm-id'))!;
      // Every part of the card, its buttons too, within the screen.
      const rightmost = await row.evaluate((r) => Math.max(...[r, ...r.querySelectorAll('*')].map((e) => e.getBoundingClientRect().right)));
      expect(rightmost).toBeLessThanOrEqual(390);
      w = await noSideways();
      expect(w).toEqual({ scrollWidth: 390, innerWidth: 390 });
      await screenshot(p, 'cr2-phone-alarms');
      const ack = p.locator(`tr[data-alarm-id="${id}"]`).getByRole('button', { name: /^Acknowledge/ });
      const ackBox = (await ack.boundingBox())!;
      expect(ackBox.x + ackBox.width).toBeLessThanOrEqual(390);
      await ack.tap();
      await p.waitForFunction((alarmId) => !document.querySelector(`tr[data-alarm-id="${alarmId}"]`)?.getAttribute('data-state')?.startsWith('unack_'), id, { timeout: 15_000 });

      await p.locator(`tr[data-alarm-id="${id}"] td.source a`).tap();
      await p.getByRole('heading', { name: new RegExp(tag.sensor_id) }).waitFor();
      const chart = p.getByTestId('trend-chart');
      await until(async () => ((await chart.locator('.recharts-line-curve').getAttribute('d').catch(() => null))?.split(/[LC]/).length ?? 0) > 3, 30_000, 'a trend line on the phone');
      const chartBox = (await chart.boundingBox())!;
      expect(chartBox.width).toBeGreaterThan(250);
      expect(chartBox.x + chartBox.width).toBeLessThanOrEqual(390);
      w = await noSideways();
      expect(w).toEqual({ scrollWidth: 390, innerWidth: 390 });
      await screenshot(p, 'cr2-phone-trend');
      expect(phoneErrors).toEqual([]);
    } finally {
      await phone.close();
    }
  });

  it("an admin's wide tables scroll inside their panel on a 390 px phone, never the page", async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, reducedMotion: 'reduce' });
    phone.setDefaultTimeout(20_000);
    try {
      const p = await phone.newPage();
      const phoneErrors = collectErrors(p);
      await signIn(p, plant.idm.url, 'admin.e2e', plant.password);
      for (const [screen, heading] of [['admin/devices', 'Tags'], ['admin/users', 'Users and roles']]) {
        await p.goto(`${plant.idm.url}/#/${screen}`);
        await p.getByRole('heading', { name: heading, exact: true }).waitFor();
        await p.locator('table.grid tbody tr').first().waitFor();
        // Before, the Tags table's hidden "Change" label (absolutely placed) widened the page to 730 px. A
        // mobile browser then widens its layout viewport to the page (innerWidth 730 too): compare with 390.
        const w = await p.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
        expect(w).toEqual({ scrollWidth: 390, innerWidth: 390 });
      }
      await screenshot(p, 'cr2-phone-admin-users');
      expect(phoneErrors).toEqual([]);
    } finally {
      await phone.close();
    }
  });

  it("reads times ISO-like 24 h by default, and in the user's own locale and zone once set, on every screen and after a reload", async () => {
    const raised = page.locator('tr.alarm-row td.raised').first();
    const sample = page.getByTestId('date-time-sample');
    await page.getByRole('link', { name: 'Alarms' }).first().click();
    await raised.waitFor();
    expect(await raised.textContent()).toMatch(/^\d{2}:\d{2}:\d{2}/);
    await page.getByTestId('user').getByRole('link').click();
    expect(await sample.textContent()).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);

    // A locale the browser does not know is refused, naming the field.
    await page.getByLabel(/Date and time format/).fill('en_US!');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/locale must be a language tag/).waitFor();
    await page.getByLabel(/Date and time format/).fill('en-US');
    await page.getByLabel(/Time zone/).fill('UTC');
    await page.getByRole('button', { name: 'Save' }).click();
    await until(async () => /^\d{2}\/\d{2}\/\d{4} \d{1,2}:\d{2}:\d{2} [AP]M$/.test((await sample.textContent()) ?? ''), 10_000, 'the sample in en-US format');
    await page.getByRole('link', { name: 'Alarms' }).first().click();
    await until(async () => / [AP]M/.test((await raised.textContent()) ?? ''), 10_000, 'alarm times in en-US format');
    // Kept with the account: a reload (and the server's copy) keeps it.
    await page.reload();
    await until(async () => / [AP]M/.test((await raised.textContent().catch(() => '')) ?? ''), 20_000, 'alarm times in en-US format after a reload');
    const me = (await (await fetch(`${plant.idm.url}/auth/me`, { headers: authHeader(plant.tokens.operator) })).json()) as { locale: string; time_zone: string };
    expect(me).toMatchObject({ locale: 'en-US', time_zone: 'UTC' });
    await screenshot(page, 'cr2-alarms-en-US');

    await page.getByTestId('user').getByRole('link').click();
    await page.getByLabel(/Date and time format/).fill('');
    await page.getByLabel(/Time zone/).fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await until(async () => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test((await sample.textContent()) ?? ''), 10_000, 'the ISO-like default again');
    expect(errors).toEqual([]);
  });

  it("a PLC's comm failure leaves every alarm's message readable at 1280×720, the problem first", async () => {
    const plc = plant.sim.plant.plcs[1];
    const desk = await newContext(browser, { width: 1280, height: 720 });
    // And a sensor alarm of this test's own beside it.
    const plc0 = plant.sim.plant.plcs[0];
    const tag = plant.sim.deviceFile.tags.filter((t) => t.device_id === plc0.id && t.limits?.hihi !== undefined && t.limits?.lolo !== undefined)[3];
    plant.sim.injectFault({ kind: 'stop_answering', plc: plc.id });
    plant.sim.injectFault({ kind: 'step', plc: plc0.id, sensor_id: tag.sensor_id, magnitude: (tag.limits!.hihi! - tag.limits!.lolo!) * 0.75 });
    try {
      const p = await desk.newPage();
      const deskErrors = collectErrors(p);
      await signIn(p, plant.idm.url, 'operator.e2e', plant.password);
      await p.getByRole('link', { name: 'Alarms' }).first().click();
      await p.getByLabel('State').selectOption('all');
      // The device row with its live status loaded.
      const status = p.locator(`tr[data-alarm-id^="device:${plc.id}|"] .device-comm`, { hasText: 'NOT CONNECTED' });
      await status.waitFor({ timeout: 40_000 });
      await p.locator(`tr[data-alarm-id^="sensor:${tag.sensor_id}|"]`).first().waitFor({ timeout: 40_000 });
      const layout = await p.evaluate(() => {
        const rows = [...document.querySelectorAll('tr.alarm-row')];
        const msg = (r: Element) => r.querySelector('td.msg')!;
        return {
          rem: parseFloat(getComputedStyle(document.documentElement).fontSize),
          line: parseFloat(getComputedStyle(msg(rows[0])).lineHeight),
          msgWidths: rows.map((r) => msg(r).getBoundingClientRect().width),
          heights: rows.map((r) => r.getBoundingClientRect().height),
          sensorRows: rows.filter((r) => r.querySelector('td.source a[href*="/sensors/"]')).map((r) => ({ source: r.querySelector('td.source a')!.textContent!, text: msg(r).textContent!, title: msg(r).getAttribute('title')! })),
          width: window.innerWidth,
          scrollWidth: document.documentElement.scrollWidth,
          tableRight: document.querySelector('table.alarm-table')!.getBoundingClientRect().right,
          panelRight: document.querySelector('table.alarm-table')!.closest('.panel')!.getBoundingClientRect().right,
        };
      });
      // Values with units: the table still fits its panel.
      expect(layout.tableRight).toBeLessThanOrEqual(layout.panelRight);
      // Before, the device's status took the Source column to ~25rem and every message shrank to a letter or two.
      expect(Math.min(...layout.msgWidths)).toBeGreaterThanOrEqual(7.9 * layout.rem);
      expect(Math.max(...layout.heights)).toBeLessThan(layout.line * 2);
      expect(layout.scrollWidth).toBeLessThanOrEqual(layout.width);
      // A sensor's message does not repeat the tag the Source column names; the whole message is its tooltip.
      expect(layout.sensorRows.length).toBeGreaterThan(0);
      for (const r of layout.sensorRows) {
        expect(r.text.startsWith(r.source)).toBe(false);
        expect(r.title.startsWith(r.source)).toBe(true);
      }
      // The status line is cut short: its whole text is in its tooltip.
      expect(await status.getAttribute('title')).toMatch(/^✕ NOT CONNECTED · /);
      // The device reads by its name, its id in the tooltip.
      const deviceName = p.locator(`tr[data-alarm-id^="device:${plc.id}|"] td.source .src-name`);
      const named = plant.sim.deviceFile.devices.find((x) => x.id === plc.id)!.name;
      expect(named).not.toBe(plc.id);
      await until(async () => (await deviceName.textContent()) === named, 30_000, 'the device alarm to name its device');
      expect(await deviceName.getAttribute('title')).toBe(`device id ${plc.id}`);
      await screenshot(p, 'cr2-alarm-summary-comm-failure-1280x720');
      expect(deskErrors).toEqual([]);
    } finally {
      plant.sim.clearFaults({ plc: plc.id });
      plant.sim.clearFaults({ plc: plc0.id });
      await desk.close();
    }
  });
});
