// Functions passed to page.evaluate / waitForFunction run in the browser.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { AlarmDto } from '@idm/contracts';
import { authHeader, clearLoginThrottle, login } from '../support/auth';
import { collectErrors, launchChromium, newContext, screenshot, signIn, until } from './support/browser';
import { startPlant, type Plant } from './support/plant';

const DB = 'idm_test_e2e_control_room';
// Bounded but generous: CI runs this next to other suites on two shared cores.
jest.setTimeout(120_000);
const ACCESS_TTL_S = 30;

/**
 * What a control-room screen at the page's current size shows of the overview: the tile value's font size
 * in CSS px, sideways overflow, tiles that overlap each other, and tile parts cut off by the tile's edge.
 */
function overviewLayout(page: Page) {
  return page.evaluate(() => {
    const rect = (e: Element) => e.getBoundingClientRect();
    const tiles = [...document.querySelectorAll('[data-sensor-id]')];
    const overlaps: string[] = [];
    const clipped: string[] = [];
    tiles.forEach((t, i) => {
      const a = rect(t);
      for (const u of tiles.slice(i + 1)) {
        const b = rect(u);
        if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5) {
          overlaps.push(`${t.getAttribute('data-sensor-id')} × ${u.getAttribute('data-sensor-id')}`);
        }
      }
      for (const part of t.querySelectorAll('.tile-name strong, .value, .unit, svg.spark, .tile-state')) {
        const p = rect(part);
        if (p.bottom > a.bottom + 0.5 || p.right > a.right + 0.5 || p.left < a.left - 0.5) clipped.push(`${t.getAttribute('data-sensor-id')} ${part.getAttribute('class')}`);
      }
    });
    // A device's tiles come in groups of whole rows (the browser skips groups off screen): together they must
    // read as one grid, every row full but the device's last, every column at the same x.
    const ragged: string[] = [];
    for (const device of document.querySelectorAll('.device')) {
      const rows = new Map<number, number[]>();
      for (const t of device.querySelectorAll('[data-sensor-id]')) {
        const r = rect(t);
        const key = Math.round(r.top);
        rows.set(key, [...(rows.get(key) ?? []), Math.round(r.left)]);
      }
      const lines = [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, lefts]) => lefts);
      lines.forEach((lefts, i) => {
        const full = lines[0];
        if ((i < lines.length - 1 && lefts.length !== full.length) || lefts.some((x, j) => Math.abs(x - full[j]) > 1)) ragged.push(`${device.getAttribute('data-device-id')} row ${i + 1}: ${lefts.length} of ${full.length}`);
      });
    }
    const value = document.querySelector('[data-testid=tile-value]')!;
    return {
      ragged,
      skippedPerTile: tiles.filter((t) => getComputedStyle(t).contentVisibility === 'auto').length,
      scrollWidth: document.scrollingElement!.scrollWidth,
      rootPx: parseFloat(getComputedStyle(document.documentElement).fontSize),
      valuePx: parseFloat(getComputedStyle(value).fontSize),
      tileWidth: Math.round(rect(tiles[0]).width),
      tilesPerRow: tiles.filter((t) => Math.abs(rect(t).top - rect(tiles[0]).top) < 1).length,
      overlaps,
      clipped,
    };
  });
}

const tileValues = (page: Page) =>
  page.$$eval('[data-sensor-id]', (tiles) => Object.fromEntries(tiles.map((t) => [t.getAttribute('data-sensor-id'), t.querySelector('[data-testid=tile-value]')?.textContent ?? ''])));

describe('control room in Chromium', () => {
  let plant: Plant;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let errors: string[];
  let signedInAt = 0;

  beforeAll(async () => {
    await clearLoginThrottle(DB);
    // Short-lived access tokens: the screens must refresh them on the fly during the suite.
    [plant, browser] = await Promise.all([startPlant(DB, { env: { JWT_ACCESS_TTL_SECONDS: String(ACCESS_TTL_S) } }), launchChromium()]);
    ctx = await newContext(browser);
    page = await ctx.newPage();
    errors = collectErrors(page);
  }, 180_000);
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
    await screenshot(page, 'login-refused');
    await signIn(page, plant.idm.url, 'operator.e2e', plant.password);
    signedInAt = Date.now();
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
    }, 30_000, 'every tile to show a value');
    const changed = await until(async () => {
      const v = await tileValues(page);
      return Object.keys(v).filter((id) => v[id] !== first[id]).length >= tags.length / 2 && v;
    }, 30_000, 'values to change');
    expect(changed).toBeTruthy();
    await until(async () => (await page.getByTestId('connection').textContent())?.includes('LIVE'), 15_000, 'the live indicator');
    await screenshot(page, 'overview');
    expect(errors).toEqual([]);
  });

  it('a tile far off screen is held back and shows its current value as soon as it is scrolled into view', async () => {
    const other = await newContext(browser);
    try {
      const p = await other.newPage();
      // Every sample's value and arrival time on the page's own socket (a sample in a `samples` array at the array's arrival).
      await p.addInitScript(`(() => {
        const seen = (window.__samples = {});
        const Orig = window.WebSocket;
        window.WebSocket = class extends Orig {
          constructor(...args) {
            super(...args);
            this.addEventListener('message', (ev) => {
              // One sample ('42["sample"') or, as the client asks for, an array of them ('42["samples"').
              if (typeof ev.data !== 'string' || !(ev.data.startsWith('42["sample"') || ev.data.startsWith('42["samples"'))) return;
              const [name, payload] = JSON.parse(ev.data.slice(2));
              const at = performance.now();
              for (const s of name === 'samples' ? payload : [payload]) (seen[s.sensor_id] ??= []).push([at, s.value]);
            });
          }
        };
      })();`);
      await signIn(p, plant.idm.url, 'operator.e2e', plant.password);
      const last = p.locator('[data-sensor-id]').last();
      await last.waitFor();
      const id = (await last.getAttribute('data-sensor-id'))!;
      // A plant this small fits near the screen: put the last device four screens further down.
      await p.addStyleTag({ content: '.device:last-of-type { margin-top: 400vh; }' });
      // Held back: a newer sample arrived and was not rendered; the old value is hidden, not shown.
      await p.locator(`[data-sensor-id="${id}"][data-behind]`).waitFor({ state: 'attached', timeout: 30_000 });
      const seen = await p.evaluate(async (sensorId) => {
        const tile = document.querySelector(`[data-sensor-id="${sensorId}"]`)!;
        const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
        const at = performance.now();
        tile.scrollIntoView({ block: 'center' });
        const frames: { text: string; behind: boolean }[] = [];
        for (let i = 0; i < 3; i++) {
          await frame();
          frames.push({ text: tile.querySelector('[data-testid=tile-value]')!.textContent ?? '', behind: tile.hasAttribute('data-behind') });
        }
        const samples = (window as unknown as { __samples: Record<string, [number, number][]> }).__samples[sensorId];
        // The newest value when it was scrolled to, and any that came after.
        const before = samples.filter(([t]) => t <= at);
        return { frames, current: [...before.slice(-1), ...samples.filter(([t]) => t > at)].map(([, v]) => v) };
      }, id);
      const isCurrent = (text: string) => seen.current.some((v) => Math.abs(Number(text) - v) <= Math.max(0.0005, Math.abs(v) * 0.0051));
      // Never an old value on screen: in the first frame it is either current or still hidden; two frames on it is current.
      expect(seen.frames[0].behind || isCurrent(seen.frames[0].text)).toBe(true);
      expect(seen.frames[2].behind).toBe(false);
      expect(isCurrent(seen.frames[2].text)).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('fits a 1280×720 desk screen and scales up on 1920×1080 and 3840×2160 wall screens: larger type and tiles, no sideways scrolling, nothing overlapping or cut off', async () => {
    const layouts: Record<string, Awaited<ReturnType<typeof overviewLayout>>> = {};
    try {
      for (const [width, height] of [[1280, 720], [1920, 1080], [3840, 2160]] as const) {
        await page.setViewportSize({ width, height });
        await page.waitForFunction((w) => window.innerWidth === w, width);
        await page.waitForTimeout(300); // a couple of frames of live updates at the new size
        const layout = await overviewLayout(page);
        layouts[width] = layout;
        await screenshot(page, `overview-${width}x${height}`);
        expect(layout.scrollWidth).toBeLessThanOrEqual(width);
        expect(layout.overlaps).toEqual([]);
        expect(layout.clipped).toEqual([]);
        expect(layout.ragged).toEqual([]);
        // The browser observes every content-visibility element each frame: groups of rows, never each tile.
        expect(layout.skippedPerTile).toBe(0);
      }
      // Narrow enough for a device's 8 tiles to span two groups of two rows: still one grid.
      await page.setViewportSize({ width: 700, height: 900 });
      await page.waitForFunction(() => window.innerWidth === 700);
      const narrow = await overviewLayout(page);
      expect(narrow.tilesPerRow).toBeLessThan(4);
      expect(narrow.ragged).toEqual([]);
    } finally {
      await page.setViewportSize({ width: 1600, height: 900 });
    }
    console.log(`overview layout by screen width: ${JSON.stringify(Object.fromEntries(Object.entries(layouts).map(([w, l]) => [w, { rootPx: l.rootPx, valuePx: l.valuePx, tileWidth: l.tileWidth, tilesPerRow: l.tilesPerRow }])))}`);
    const [desk, hd, wall] = [layouts[1280], layouts[1920], layouts[3840]];
    // Readable from across the room: the values grow with the screen (a fixed 17 px root would fail this).
    expect(desk.valuePx).toBeGreaterThanOrEqual(30);
    expect(hd.valuePx).toBeGreaterThan(desk.valuePx * 1.15);
    expect(wall.valuePx).toBeGreaterThan(desk.valuePx * 1.6);
    // The space is used: larger tiles, and more of them side by side.
    expect(wall.tileWidth).toBeGreaterThan(desk.tileWidth * 1.5);
    expect(wall.tilesPerRow).toBeGreaterThan(desk.tilesPerRow);
    expect(errors).toEqual([]);
  });

  it('opens the detail of a sensor with a live trend and its limits, draws its history and zooms by range selection', async () => {
    const tag = plant.sim.deviceFile.tags.find((t) => t.limits?.hi !== undefined && t.device_id === plant.sim.plant.plcs[1].id)!;
    await page.locator(`[data-sensor-id="${tag.sensor_id}"]`).click();
    await page.getByRole('heading', { name: new RegExp(tag.sensor_id) }).waitFor();
    expect(page.url()).toContain(`#/sensors/${tag.sensor_id}`);
    const chart = page.getByTestId('trend-chart');
    await chart.locator('.recharts-surface').first().waitFor();
    await chart.getByText(`H ${tag.limits!.hi}`, { exact: true }).waitFor();
    const points = async () => ((await chart.locator('.recharts-line-curve').getAttribute('d'))?.split(/[LC]/).length ?? 0);
    await until(async () => (await points()) > 5, 30_000, 'a live trend line');

    // Two hours of history, as a historian would hold it (posted through the REST API the way a
    // gateway back-fills): the 8 h view draws it as a min/max band with the mean.
    const plc = plant.sim.plant.plcs.find((p) => p.id === tag.device_id)!;
    const simTag = plc.tags.find((t) => t.sensor_id === tag.sensor_id)!;
    const now = Date.now();
    const samples = [];
    for (let t = now - 2 * 3_600_000; t < now - 120_000; t += 1_000) samples.push({ sensor_id: tag.sensor_id, timestamp: t, value: plant.sim.plant.value(plc, simTag, t) });
    const res = await fetch(`${plant.idm.url}/sensors/data`, { method: 'POST', headers: authHeader(plant.tokens.admin), body: JSON.stringify({ samples }) });
    expect(res.status).toBe(202);
    await page.getByRole('button', { name: '8 h' }).click();
    await chart.locator('.recharts-area-area').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: '1 h' }).click();
    // The 1 h range is shown once the range fields say so and its history is drawn.
    const rangeMinutes = async () => (Date.parse(await page.getByLabel('To').inputValue()) - Date.parse(await page.getByLabel('From').inputValue())) / 60_000;
    await until(async () => Math.abs((await rangeMinutes()) - 60) < 2 || undefined, 30_000, 'the 1 h range');
    await chart.locator('.recharts-area-area').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(500);
    await screenshot(page, 'sensor-detail');

    // Drag across the middle of the plot: the chart zooms into that time range. The press itself starts
    // the selection (it once needed the chart to have seen a hover first, and a loaded machine lost the drag).
    const box = (await chart.locator('.recharts-cartesian-grid').boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width * 0.4, y);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, y, { steps: 4 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'Reset zoom' }).waitFor();
    const from = Date.parse(await page.getByLabel('From').inputValue());
    const to = Date.parse(await page.getByLabel('To').inputValue());
    expect((to - from) / 60_000).toBeGreaterThan(5); // about 12 of the 60 minutes
    expect((to - from) / 60_000).toBeLessThan(30);
    await screenshot(page, 'sensor-detail-zoomed');
  });

  it('a sensor pushed past its limits alarms on its tile and is marked as an anomaly episode on its trend', async () => {
    const plc = plant.sim.plant.plcs[0];
    const tag = plant.sim.deviceFile.tags.find((t) => t.device_id === plc.id && t.limits?.hihi !== undefined && t.limits?.lolo !== undefined)!;
    await page.getByRole('link', { name: 'Overview' }).click();
    const tile = page.locator(`[data-sensor-id="${tag.sensor_id}"]`);
    await tile.waitFor();
    // Let the trend show some normal behaviour first.
    await page.waitForTimeout(3000);
    plant.sim.injectFault({ kind: 'step', plc: plc.id, sensor_id: tag.sensor_id, magnitude: (tag.limits!.hihi! - tag.limits!.lolo!) * 0.75 });
    await page.waitForFunction((id) => /\balarm-(critical|high|medium|low)\b/.test(document.querySelector(`[data-sensor-id="${id}"]`)?.className ?? ''), tag.sensor_id, { timeout: 40_000 });
    expect(await tile.textContent()).toContain('UNACK');
    await page.getByTestId('alarm-banner').locator(`li[data-alarm-id*="${tag.sensor_id}"]`).first().waitFor();
    await screenshot(page, 'overview-sensor-alarm');

    await tile.click();
    await page.getByTestId('trend-chart').locator('.recharts-reference-area').first().waitFor({ timeout: 40_000 });
    await page.waitForTimeout(3000);
    await screenshot(page, 'sensor-detail-anomaly');
    plant.sim.clearFaults();
  });

  it('lists the episode in the anomaly history, filtered by sensor, exports it as CSV, and leads to the alarm it raised', async () => {
    const plc = plant.sim.plant.plcs[0];
    const tag = plant.sim.deviceFile.tags.find((t) => t.device_id === plc.id && t.limits?.hihi !== undefined && t.limits?.lolo !== undefined)!;
    await page.getByRole('link', { name: 'Anomalies' }).click();
    await page.getByLabel('Sensor', { exact: true }).fill(tag.sensor_id);
    await page.getByRole('button', { name: 'Apply' }).click();
    expect(page.url()).toContain(`sensor_id=${tag.sensor_id}`);
    const row = page.locator('table.grid tbody tr', { hasText: tag.sensor_id }).first();
    await row.waitFor();
    expect(await row.textContent()).toMatch(/limit/);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    const stream = await download.createReadStream();
    let csv = '';
    for await (const chunk of stream) csv += chunk.toString();
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toMatch(/^id,sensor_id,/);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(1).every((l) => l.includes(tag.sensor_id))).toBe(true);

    // The episode links to the alarm it raised (the link is written just behind the episode: reload until
    // it shows); following it picks the alarm out in the alarm list, with the episodes behind it.
    const withAlarm = page.locator('table.grid tbody tr', { hasText: tag.sensor_id }).filter({ has: page.getByRole('link', { name: /^Alarm / }) }).first();
    await until(async () => {
      if (await withAlarm.count()) return true;
      await page.reload();
      await row.waitFor();
      return (await withAlarm.count()) > 0;
    }, 20_000, 'an episode linked to its alarm');
    // Pinned by its id: `withAlarm` is resolved again at every action and could name another episode by then.
    const episodeId = (await withAlarm.getAttribute('data-episode-id'))!;
    const episodeRow = page.locator(`table.grid tbody tr[data-episode-id="${episodeId}"]`);
    const alarmId = (await episodeRow.getByRole('link', { name: /^Alarm / }).getAttribute('title'))!;
    expect(alarmId.startsWith(`sensor:${tag.sensor_id}|`)).toBe(true);
    await episodeRow.getByRole('link', { name: /^Alarm / }).click();
    const picked = page.locator('tr[aria-current="true"]');
    await picked.waitFor();
    expect(page.url()).toContain(`#/alarms?alarm=${encodeURIComponent(alarmId)}`);
    expect(await picked.getAttribute('data-alarm-id')).toBe(alarmId);
    await page.locator(`.alarm-episodes li[data-episode-id="${episodeId}"]`).waitFor();
    await screenshot(page, 'alarm-from-episode');
  });

  it('raises an alarm in the banner within a few polls when a PLC stops answering', async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.locator('[data-sensor-id]').first().waitFor();
    // Start from a quiet banner: everything raised so far (by the earlier tests) acknowledged.
    const admin = (await login(plant.idm.url, 'admin.e2e', plant.password)).access_token;
    const open = ((await (await fetch(`${plant.idm.url}/alarms`, { headers: authHeader(admin) })).json()) as AlarmDto[]).filter((a) => !a.acknowledged);
    if (open.length) {
      const ack = await fetch(`${plant.idm.url}/alarms/acknowledge`, { method: 'POST', headers: authHeader(admin), body: JSON.stringify({ ids: open.map((a) => a.id) }) });
      expect(ack.status).toBe(200);
    }
    // Scrolled down the overview (on a desk screen short enough to scroll): the banner stays in sight.
    const usualSize = page.viewportSize()!;
    await page.setViewportSize({ width: 1280, height: 480 });
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
    await until(async () => (await page.evaluate(() => window.scrollY)) > 0 || undefined, 5_000, 'the overview scrolled down');
    const plc = plant.sim.plant.plcs[1];
    const injectedAt = Date.now();
    plant.sim.injectFault({ kind: 'stop_answering', plc: plc.id });
    const banner = page.getByTestId('alarm-banner');
    const row = banner.locator(`li[data-alarm-id="device:${plc.id}|comm_failure"]`);
    await row.waitFor({ timeout: 30_000 });
    const seenAfterMs = Date.now() - injectedAt;
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
    const rowBox = (await row.boundingBox())!;
    expect(rowBox.y).toBeGreaterThanOrEqual(0);
    expect(rowBox.y + rowBox.height).toBeLessThanOrEqual(480);
    expect(await page.evaluate(() => document.elementFromPoint(40, 10)?.closest('.topbar') !== null)).toBe(true);
    await page.setViewportSize(usualSize);
    await page.evaluate(() => window.scrollTo(0, 0));
    expect(await row.getAttribute('data-state')).toBe('unack_active');
    expect(await row.textContent()).toMatch(/Communication failure/);
    expect(await row.textContent()).toContain('UNACK');
    // The device shows its comm failure where its tiles are.
    await page.locator(`[data-device-id="${plc.id}"] .comm-bad`).waitFor({ timeout: 30_000 });
    console.log(`comm-failure alarm on screen ${seenAfterMs} ms after the fault (poll interval 500 ms, timeout 1000 ms)`);
    await screenshot(page, 'overview-alarm');
  });

  it('acknowledging in one browser changes the state in another; a viewer has no acknowledge button', async () => {
    const plc = plant.sim.plant.plcs[1];
    const alarmId = `device:${plc.id}|comm_failure`;
    const viewerCtx = await newContext(browser);
    try {
      const viewer = await viewerCtx.newPage();
      await signIn(viewer, plant.idm.url, 'viewer.e2e', plant.password);
      await viewer.getByRole('link', { name: 'Alarms' }).first().click();
      const viewerRow = viewer.locator(`tr[data-alarm-id="${alarmId}"]`);
      await viewerRow.waitFor();
      expect(await viewerRow.getAttribute('data-state')).toBe('unack_active');
      expect(await viewer.getByRole('button', { name: /^Ack|^Acknowledge/ }).count()).toBe(0);
      expect(await viewer.getByText('View only: acknowledging needs the operator role.').count()).toBe(1);

      await page.getByRole('link', { name: /^Alarm list/ }).click();
      const row = page.locator(`tr[data-alarm-id="${alarmId}"]`);
      await row.waitFor();
      await screenshot(page, 'alarm-list');
      await row.getByRole('button', { name: /^Acknowledge/ }).click();
      await page.waitForFunction((id) => document.querySelector(`tr[data-alarm-id="${id}"]`)?.getAttribute('data-state') === 'ack_active', alarmId, { timeout: 15_000 });
      // The other screen follows over its own socket.
      await viewer.waitForFunction((id) => document.querySelector(`tr[data-alarm-id="${id}"]`)?.getAttribute('data-state') === 'ack_active', alarmId, { timeout: 15_000 });
      expect(await viewerRow.textContent()).toContain('Acked');
    } finally {
      await viewerCtx.close();
      plant.sim.clearFaults();
    }
  });


  it('an admin imports a device file on the Devices screen; a bad file is refused with the tag named; an OPC UA server is added with the form', async () => {
    const adminCtx = await newContext(browser);
    try {
      const admin = await adminCtx.newPage();
      const adminErrors = collectErrors(admin);
      await signIn(admin, plant.idm.url, 'admin.e2e', plant.password);
      await admin.getByRole('link', { name: 'Devices' }).click();
      const file = structuredClone(plant.sim.deviceFile);
      const renamed = file.tags[0];
      renamed.description = 'Renamed by the e2e import';
      await admin.locator('input[type=file]').setInputFiles({ name: 'plant.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
      await admin.getByRole('button', { name: 'Import' }).click();
      await admin.getByText(`Imported ${file.devices.length} device(s), ${file.tags.length} tag(s) and ${file.assets?.length ?? 0} asset(s) (merge).`).waitFor();
      await admin.getByText('Renamed by the e2e import').waitFor();

      const bad = structuredClone(plant.sim.deviceFile);
      (bad.tags[1].source as { address: number }).address = -5;
      await admin.locator('input[type=file]').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
      await admin.getByRole('button', { name: 'Import' }).click();
      const alert = admin.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toContain(bad.tags[1].sensor_id);
      await screenshot(admin, 'admin-devices');

      // An OPC UA server added with the device form (disabled: nothing listens there); its password never comes back.
      await admin.getByRole('button', { name: 'Add device' }).click();
      const form = admin.getByRole('form', { name: 'Add a device' });
      await form.getByLabel('Protocol').selectOption('opcua');
      await form.getByLabel('Id', { exact: true }).fill('ua-e2e');
      await form.getByLabel('Name', { exact: true }).fill('Line 7 OPC UA');
      await form.getByLabel('Endpoint URL').fill('opc.tcp://127.0.0.1:48401/UA');
      await form.getByLabel('User name').fill('reader');
      await form.getByLabel('Password').fill('e2e-secret');
      await form.getByLabel('Enabled').uncheck();
      await form.getByRole('button', { name: 'Add device' }).click();
      await admin.getByText('opc.tcp://127.0.0.1:48401/UA').waitFor();
      const token = (await login(plant.idm.url, 'admin.e2e', plant.password)).access_token;
      const stored = await fetch(`${plant.idm.url}/devices/ua-e2e`, { headers: authHeader(token) });
      expect(await stored.json()).toMatchObject({ protocol: 'opcua', username: 'reader', password_set: true, enabled: false });

      await admin.getByRole('link', { name: 'Users' }).click();
      const viewerRow = admin.locator('tr', { hasText: 'viewer.e2e' });
      await viewerRow.waitFor();
      expect(await viewerRow.getByRole('combobox').inputValue()).toBe('viewer');
      expect(adminErrors).toEqual([]);
    } finally {
      await adminCtx.close();
    }
  });

  it('a supervisor generates a report with progress and downloads it, and subscribes to a digest', async () => {
    const supCtx = await newContext(browser);
    try {
      const sup = await supCtx.newPage();
      const supErrors = collectErrors(sup);
      await signIn(sup, plant.idm.url, 'supervisor.e2e', plant.password);
      await sup.getByRole('link', { name: 'Reports' }).click();
      await sup.getByLabel('Format').selectOption('csv');
      await sup.getByRole('button', { name: 'Generate' }).click();
      await sup.locator('.report-job progress').waitFor();
      const download = sup.getByRole('button', { name: 'Download CSV' });
      await download.waitFor({ timeout: 30_000 });
      expect(await sup.locator('.report-job progress').getAttribute('value')).toBe('100');
      const [file] = await Promise.all([sup.waitForEvent('download'), download.click()]);
      let csv = '';
      for await (const chunk of await file.createReadStream()) csv += chunk.toString();
      expect(csv.length).toBeGreaterThan(20);

      // A bad address is refused at the field; a good one is listed with its next run.
      await sup.getByLabel('Name').fill('Shift handover');
      await sup.getByLabel('Recipients (comma separated)').fill('not-an-address');
      await sup.getByRole('button', { name: 'Subscribe' }).click();
      await sup.getByText(/e-mail address/).first().waitFor();
      expect(await sup.getByLabel('Recipients (comma separated)').getAttribute('aria-invalid')).toBe('true');
      await sup.getByLabel('Recipients (comma separated)').fill('shift.lead@plant.example');
      await sup.getByRole('button', { name: 'Subscribe' }).click();
      await sup.locator('tr', { hasText: 'Shift handover' }).waitFor();
      expect(await sup.locator('tr', { hasText: 'Shift handover' }).textContent()).toContain('shift.lead@plant.example');
      await screenshot(sup, 'reports');
      expect(supErrors).toEqual([]);
    } finally {
      await supCtx.close();
    }
  });

  it('after the access token expired, the operator still shelves an alarm with a reason (refreshed on the fly)', async () => {
    // An alarm of this test's own: a PLC that stops answering (earlier alarms may all be back to normal).
    const plc = plant.sim.plant.plcs[plant.sim.plant.plcs.length - 1];
    plant.sim.injectFault({ kind: 'stop_answering', plc: plc.id });
    const wait = signedInAt + (ACCESS_TTL_S + 2) * 1000 - Date.now();
    if (wait > 0) await page.waitForTimeout(wait);
    await page.getByRole('link', { name: 'Alarms' }).first().click();
    // Pin the row by its alarm id. A locator such as `tr.alarm-row >> nth=0` is resolved again at every
    // action: under load this PLC's comm failure can arrive after the list is drawn, sort above the first
    // row, and take the click meant for another alarm (the cause of a timeout here under the full suite).
    const id = `device:${plc.id}|comm_failure`;
    const row = page.locator(`tr[data-alarm-id="${id}"]`);
    await row.waitFor({ timeout: 30_000 });
    await row.getByRole('button', { name: 'Shelve' }).click();
    const form = page.getByRole('form', { name: /^Shelve/ });
    await form.getByLabel(/Shelve for/).selectOption('30');
    await form.getByLabel('Reason').fill('Instrument technician recalibrating');
    await form.getByRole('button', { name: 'Shelve' }).click();
    await page.waitForFunction((alarmId) => document.querySelector(`tr[data-alarm-id="${alarmId}"]`)?.getAttribute('data-state') === 'shelved', id, { timeout: 15_000 });
    expect(await page.locator(`tr[data-alarm-id="${id}"]`).textContent()).toMatch(/Shelved until/);
    expect(await page.getByTestId('user').textContent()).toContain('operator.e2e');
    await screenshot(page, 'alarm-list-shelved');
    expect(errors).toEqual([]);
    plant.sim.clearFaults();
  });
});
