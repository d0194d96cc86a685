// Functions passed to page.evaluate run in the browser.
/// <reference lib="dom" />
/**
 * `npm run bench:opcua [-- --items 10000 --seconds 20 --screen-items 1000 --screen-seconds 20 --browser-tags 100]`: the OPC UA source against the
 * simulator's OPC UA server (its own process, so the CPU measured here is the client's): N monitored items
 * sampled and published every second. Reports values/s, the client's CPU % per 1 000 values/s, and the latency
 * from a value change in the server (the value's source timestamp: the simulator stamps each update) to the
 * source's `publish` callback, p50/p99.
 *
 * Then to the screen: the whole IDM app (in this process, against the local services: `bash
 * scripts/services.sh up` first) reads the first `--screen-items` of the items from the same server (1 000 by
 * default: the whole app with all 10 000, its importing them one by one included, does not fit the bench's
 * 3 minutes on 2 shared cores; on a machine with room, `--screen-items 10000`), and a Socket.IO client subscribed
 * as the client's LiveClient subscribes a screen (websocket, token, `samples:subscribe` in chunks of 5 000 at
 * the client's default `min_interval_ms`) times each `sample` against its source timestamp: ingestion,
 * detection, the historian's durable write, the live push and Socket.IO, p50/p95/p99. `--screen-seconds 0`
 * skips it. While the app reads them, `--browser-tags` of them (0 = none) are bound on a process-graphics
 * screen in Chromium (the built client, client/dist), timed from the source timestamp to the DOM update of
 * their value text. Prints a table and writes bench-results/opcua-load-<time>.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, IngestedSample, LiveSampleDto, OpcuaDeviceDto, ServerToClientEvents } from '@idm/contracts';
import { OpcuaSourceDriver, OpcuaTag } from '@idm/ingestion/sources/opcua';
import { opcuaNodeIdOf } from '../../apps/plc-sim/src/opcua-server';
import { Plant } from '../../apps/plc-sim/src/plant';
import { CLIENT_DIST } from '../e2e/support/plant';
import { launchChromium, newContext, screenshot, signIn } from '../e2e/support/browser';
import { startTestApp } from '../support/app';
import { authHeader, clearLoginThrottle, registerAndLogin, TEST_PASSWORD } from '../support/auth';
import { benchDrawing } from './graphics.bench';
import { call } from '../support/modbus';
import { startOpcuaSim } from '../support/opcua-sim';
import { BenchRow, formatTable, percentile } from './harness';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

async function main(): Promise<void> {
  const items = arg('items', 10_000);
  const seconds = arg('seconds', 20);
  const screenSeconds = arg('screen-seconds', seconds);
  const screenItems = Math.min(items, arg('screen-items', 1000));
  const browserTags = arg('browser-tags', 100);
  const intervalMs = 1000;
  const plcs = Math.max(1, Math.ceil(items / 500));
  const tagsPerPlc = Math.ceil(items / plcs);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-opcua-bench-'));
  const log = (m: string) => process.stderr.write(`  … ${m}\n`);

  log(`starting the simulator: ${plcs} PLCs × ${tagsPerPlc} tags over OPC UA`);
  let t = Date.now();
  const sim = await startOpcuaSim({ plcs, tags: tagsPerPlc, seed: 1, pkiDir: path.join(tmp, 'sim-pki') });
  const simStartS = (Date.now() - t) / 1000;
  const plant = new Plant({ plcs, tagsPerPlc, seed: 1, layout: 'units', basePort: 0 });
  const tags: OpcuaTag[] = plant.plcs
    .flatMap((p) => p.tags)
    .slice(0, items)
    .map((tg) => ({ sensor_id: tg.sensor_id, scale: 1, offset: 0, source: { node_id: opcuaNodeIdOf(tg.sensor_id), sampling_interval_ms: intervalMs } }));
  const device: OpcuaDeviceDto = {
    id: 'bench',
    name: 'bench',
    protocol: 'opcua',
    endpoint_url: sim.endpointUrl,
    security_mode: 'None',
    security_policy: 'None',
    publishing_interval_ms: intervalMs,
    timeout_ms: 10_000,
    enabled: true,
  };

  const driver = new OpcuaSourceDriver({ pkiDir: path.join(tmp, 'idm-pki') });
  const seen = new Set<string>();
  let measuring = false;
  let values = 0;
  let bad = 0;
  const latencies: number[] = [];
  const conn = driver.open(device, tags, {
    publish: async (batch: IngestedSample[]) => {
      const now = Date.now();
      for (const s of batch) {
        if (s.quality === 'good') seen.add(s.sensor_id);
        else bad++;
        if (!measuring) continue;
        values++;
        latencies.push(now - s.timestamp);
      }
    },
    commFailed: (_d, _at, reason) => log(`comm failed: ${reason}`),
    commRestored: () => log('comm restored'),
    onError: (_d, m) => log(m),
  });
  t = Date.now();
  conn.start();
  while (seen.size < tags.length) {
    if (Date.now() - t > 300_000) throw new Error(`only ${seen.size} of ${tags.length} tags delivered a value after 5 min`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const firstValuesS = (Date.now() - t) / 1000;
  log(`all ${tags.length} items delivering after ${firstValuesS.toFixed(1)} s; measuring ${seconds} s`);
  // Steady state: one more cycle before measuring.
  await new Promise((r) => setTimeout(r, 2 * intervalMs));
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  measuring = true;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  const cpu = process.cpuUsage(cpu0);
  const wallS = Number(process.hrtime.bigint() - wall0) / 1e9;
  const rssMb = process.memoryUsage().rss / 1e6;
  await conn.stop();
  await driver.close();
  let screen: ScreenMeasurement | null = null;
  try {
    if (screenSeconds > 0) screen = await measureToScreen({ ...device, id: 'ua-bench' }, tags.slice(0, screenItems), screenSeconds, browserTags, path.join(tmp, 'idm-data'), log);
  } finally {
    await sim.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const rate = values / wallS;
  const cpuPct = ((cpu.user + cpu.system) / 1e6 / wallS) * 100;
  const load = os.loadavg()[0].toFixed(1);
  const B = 'opcua-load';
  const rows: BenchRow[] = [
    { benchmark: B, case: `${items} items at ${intervalMs} ms: values received`, value: rate, unit: 'values/s', notes: `${bad} not good over the whole run` },
    { benchmark: B, case: 'client CPU', value: cpuPct, unit: '% of one core', notes: `load average ${load}, ${os.cpus().length} cores` },
    { benchmark: B, case: 'client CPU per 1 000 values/s', value: cpuPct / (rate / 1000), unit: '% of one core' },
    { benchmark: B, case: 'latency server value change → publish, p50', value: percentile(latencies, 50), unit: 'ms', notes: 'includes up to one sampling + one publishing interval' },
    { benchmark: B, case: 'latency server value change → publish, p99', value: percentile(latencies, 99), unit: 'ms' },
    { benchmark: B, case: 'connect and create monitored items until every item delivered', value: firstValuesS, unit: 's' },
    ...(screen ? screenRows(B, screen, intervalMs) : []),
    { benchmark: B, case: 'simulator start (child process)', value: simStartS, unit: 's' },
    { benchmark: B, case: 'client RSS at the end', value: rssMb, unit: 'MB' },
  ];
  console.log(formatTable(rows));
  const dir = path.resolve(__dirname, '..', '..', 'bench-results');
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  fs.writeFileSync(path.join(dir, `opcua-load-${stamp}.json`), JSON.stringify({ at: new Date().toISOString(), node: process.version, rows }, null, 2));
  console.log(`\nwritten: bench-results/opcua-load-${stamp}.json`);
}

interface ScreenMeasurement {
  latencies: number[];
  rate: number;
  bad: number;
  subscribed: number;
  delivering: number;
  /** Seconds from the device import until every subscribed sensor had reached the socket (or the wait ended). */
  firstValuesS: number;
  /** CPU of this process (the whole IDM app and the measuring socket client) per wall time. */
  cpuFraction: number;
  samplesAtMinInterval: number;
  browser: BrowserMeasurement | null;
  /** Why the browser part did not run, if it did not. */
  browserSkipped: string | null;
}

interface BrowserMeasurement {
  tags: number;
  seconds: number;
  /** Source timestamp → the bound value text's DOM update (ms). */
  toDom: number[];
  /** The sample's socket frame in the page → that DOM update (ms): the client's own share. */
  frameToDom: number[];
}

/** The client's default live sample throttle (client/src/config.ts, VITE_SAMPLE_INTERVAL_MS). */
const SCREEN_MIN_INTERVAL_MS = 500;

/**
 * The whole app reads the items (device file import, as an admin would) and a screen's socket receives them:
 * latency from the server's source timestamp to the `sample` event.
 */
async function measureToScreen(device: OpcuaDeviceDto, tags: OpcuaTag[], seconds: number, browserTags: number, dataDir: string, log: (m: string) => void): Promise<ScreenMeasurement> {
  log('to the screen: starting IDM in this process (local services)');
  const db = 'idm_bench_opcua_screen';
  const withClient = browserTags > 0 && fs.existsSync(path.join(CLIENT_DIST, 'index.html'));
  const browserSkipped = browserTags <= 0 ? '--browser-tags 0' : withClient ? null : 'client/dist missing: npm run build --workspace client';
  await clearLoginThrottle(db);
  const idm = await startTestApp(db, {
    DATA_DIR: dataDir,
    LOG_LEVEL: 'error',
    // Serving the built client, as in production (the e2e plant does the same).
    ...(withClient ? { NODE_ENV: 'production', JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123', CLIENT_DIST } : {}),
  });
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(idm.url, { transports: ['websocket'], autoConnect: false, reconnection: false });
  try {
    const admin = (await registerAndLogin(idm.url, { username: 'admin.bench' })).access_token;
    const ids = tags.map((t) => t.sensor_id);
    const seen = new Set<string>();
    const latencies: number[] = [];
    let measuring = false;
    let received = 0;
    let bad = 0;
    socket.auth = { token: admin };
    socket.on('sample', (s: LiveSampleDto) => {
      const now = Date.now();
      seen.add(s.sensor_id);
      if (!measuring) return;
      received++;
      if (s.quality !== 'good') bad++;
      latencies.push(now - Date.parse(s.timestamp));
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
      socket.connect();
    });
    // As LiveClient.watchSamples: at most 5 000 sensor ids per subscribe.
    for (let i = 0; i < ids.length; i += 5000) {
      const ack = (await socket.timeout(30_000).emitWithAck('samples:subscribe', { sensor_ids: ids.slice(i, i + 5000), min_interval_ms: SCREEN_MIN_INTERVAL_MS })) as { ok: boolean; message?: string };
      if (!ack.ok) throw new Error(`samples:subscribe refused: ${ack.message}`);
    }
    const file = {
      version: 2,
      devices: [device],
      tags: tags.map((t) => ({ sensor_id: t.sensor_id, device_id: device.id, area: 'OPC UA bench', unit: '', description: '', scale: 1, offset: 0, source: t.source })),
    };
    log(`to the screen: importing ${tags.length} OPC UA tags`);
    const t0 = Date.now();
    const imported = await call(idm.url, 'POST', '/devices/import', admin, file);
    if (imported.status !== 200 && imported.status !== 201) throw new Error(`device import answered ${imported.status}: ${JSON.stringify(imported.body)}`);
    // Every sensor on the socket at least once (a loaded simulator may not sample all: the wait is bounded).
    while (seen.size < ids.length && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 200));
    const firstValuesS = (Date.now() - t0) / 1000;
    log(`to the screen: ${seen.size} of ${ids.length} sensors on the socket after ${firstValuesS.toFixed(1)} s; measuring ${seconds} s`);
    await new Promise((r) => setTimeout(r, 2000));
    const cpu0 = process.cpuUsage();
    const wall0 = process.hrtime.bigint();
    measuring = true;
    await new Promise((r) => setTimeout(r, seconds * 1000));
    measuring = false;
    const cpu = process.cpuUsage(cpu0);
    const wallS = Number(process.hrtime.bigint() - wall0) / 1e9;
    log(`to the screen: ${received} samples in ${wallS.toFixed(1)} s`);
    let browser: BrowserMeasurement | null = null;
    if (withClient) {
      const shown = ids.slice(0, browserTags);
      browser = await measureInBrowser(idm.url, admin, 'admin.bench', shown, Math.min(seconds, 15), log);
    } else log(`to the screen: no browser part (${browserSkipped})`);
    return {
      latencies, rate: received / wallS, bad, subscribed: ids.length, delivering: seen.size, firstValuesS,
      cpuFraction: (cpu.user + cpu.system) / 1e6 / wallS, samplesAtMinInterval: SCREEN_MIN_INTERVAL_MS, browser, browserSkipped,
    };
  } finally {
    socket.close();
    await idm.close();
  }
}

/**
 * Instruments the page before any script runs: each `sample` (or `samples` array) socket frame's source timestamp and arrival are
 * kept per sensor; when a bound value text of the graphics screen changes, its sensor's latest sample is timed
 * (once) from the source timestamp (wall clock, same machine) and from the frame's arrival.
 */
const INSTRUMENT = `(() => {
  const b = (window.__bench = { latest: new Map(), toDom: [], frameToDom: [], recording: false });
  const Orig = window.WebSocket;
  window.WebSocket = class extends Orig {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (ev) => {
        if (!b.recording || typeof ev.data !== 'string' || !(ev.data.startsWith('42["sample"') || ev.data.startsWith('42["samples"'))) return;
        // One sample, or the client's batches: an array of them, each arrived with the frame.
        const [name, payload] = JSON.parse(ev.data.slice(2));
        const arrived = performance.now();
        for (const s of name === 'samples' ? payload : [payload]) b.latest.set(s.sensor_id, { source: Date.parse(s.timestamp), arrived });
      });
    }
  };
  b.watch = () => new MutationObserver((muts) => {
    if (!b.recording) return;
    const wall = Date.now();
    const now = performance.now();
    for (const m of muts) {
      const el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
      if (!el || !el.classList.contains('idm-value')) continue;
      const id = (el.getAttribute('data-idm-target') || '').replace(/^sensor:/, '');
      const s = b.latest.get(id);
      if (!s) continue;
      b.latest.delete(id);
      b.toDom.push(wall - s.source);
      b.frameToDom.push(now - s.arrived);
    }
  }).observe(document.querySelector('svg.idm-screen'), { subtree: true, childList: true, characterData: true });
})();`;

/** A process-graphics screen binding `shown` (value text + state shape each), open in Chromium while IDM reads the items. */
async function measureInBrowser(url: string, token: string, username: string, shown: string[], seconds: number, log: (m: string) => void): Promise<BrowserMeasurement> {
  const res = await fetch(`${url}/screens`, { method: 'POST', headers: authHeader(token), body: JSON.stringify({ id: 'opcua-bench', name: 'OPC UA bench', area: 'OPC UA bench', svg: benchDrawing(shown) }) });
  if (res.status !== 201) throw new Error(`screen upload answered ${res.status}: ${await res.text()}`);
  log('to the screen: starting Chromium');
  const browser = await launchChromium();
  try {
    const page = await (await newContext(browser, { width: 1920, height: 1080 })).newPage();
    await page.addInitScript(INSTRUMENT);
    await signIn(page, url, username, TEST_PASSWORD);
    log('to the screen: signed in; opening the graphics screen');
    await page.goto(`${url}/#/graphics/opcua-bench`);
    await page.locator('svg.idm-screen text.idm-value').nth(shown.length - 1).waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => [...document.querySelectorAll('svg.idm-screen text.idm-value')].every((e) => e.textContent !== '--' && e.textContent !== '—'), undefined, { timeout: 60_000 });
    log(`to the screen: ${shown.length} tags on a graphics screen in Chromium; recording ${seconds} s`);
    await page.evaluate(() => {
      const b = (window as unknown as { __bench: { recording: boolean; watch(): void } }).__bench;
      b.watch();
      b.recording = true;
    });
    await page.waitForTimeout(seconds * 1000);
    const m = await page.evaluate(() => {
      const b = (window as unknown as { __bench: { toDom: number[]; frameToDom: number[]; recording: boolean } }).__bench;
      b.recording = false;
      return { toDom: b.toDom, frameToDom: b.frameToDom };
    });
    await screenshot(page, `opcua-screen-${shown.length}-tags`);
    return { tags: shown.length, seconds, ...m };
  } finally {
    await browser.close();
  }
}

function screenRows(B: string, m: ScreenMeasurement, intervalMs: number): BenchRow[] {
  const via = 'OPC UA source → ingestion (detection, historian durable write) → live push → Socket.IO client subscribed as a screen';
  return [
    { benchmark: B, case: 'to the screen: samples/s on the socket', value: m.rate, unit: 'samples/s', notes: `${m.delivering} of ${m.subscribed} subscribed sensors delivered; ${m.bad} not good; min_interval_ms ${m.samplesAtMinInterval} (client default)` },
    { benchmark: B, case: 'latency server value change → screen socket, p50', value: percentile(m.latencies, 50), unit: 'ms', notes: `${via}; includes up to one sampling + one publishing interval (${intervalMs} ms)` },
    { benchmark: B, case: 'latency server value change → screen socket, p95', value: percentile(m.latencies, 95), unit: 'ms' },
    { benchmark: B, case: 'latency server value change → screen socket, p99', value: percentile(m.latencies, 99), unit: 'ms' },
    { benchmark: B, case: 'IDM app CPU per 1 000 values/s (whole app + measuring socket)', value: (100 * m.cpuFraction) / (m.rate / 1000), unit: '% of one core', notes: `${(100 * m.cpuFraction).toFixed(1)} % of one core in all` },
    { benchmark: B, case: 'to the screen: device import until every sensor on the socket', value: m.firstValuesS, unit: 's' },
    ...(m.browser ? browserRows(B, m.browser, m.subscribed) : [{ benchmark: B, case: 'latency server value change → DOM in Chromium', value: NaN, unit: 'ms', notes: `not measured: ${m.browserSkipped}` }]),
  ];
}

function browserRows(B: string, m: BrowserMeasurement, reading: number): BenchRow[] {
  const notes = `${m.tags} of the ${reading} items bound on a graphics screen (value text each), built client in headless Chromium; ${m.toDom.length} updates timed in ${m.seconds} s`;
  return [
    { benchmark: B, case: 'latency server value change → DOM in Chromium, p50', value: percentile(m.toDom, 50), unit: 'ms', notes },
    { benchmark: B, case: 'latency server value change → DOM in Chromium, p95', value: percentile(m.toDom, 95), unit: 'ms' },
    { benchmark: B, case: 'latency server value change → DOM in Chromium, p99', value: percentile(m.toDom, 99), unit: 'ms' },
    { benchmark: B, case: 'socket frame in the page → DOM, p50', value: percentile(m.frameToDom, 50), unit: 'ms', notes: "the client's own share (frame batching, rendering)" },
    { benchmark: B, case: 'socket frame in the page → DOM, p99', value: percentile(m.frameToDom, 99), unit: 'ms' },
  ];
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
