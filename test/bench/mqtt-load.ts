/**
 * `npm run bench:mqtt [-- --samples 100000 --per 10 --batch 1000 --clients 4]`: the same samples into the
 * historian of one running IDM (the built server, in its own process) three ways, in one run:
 *   - REST: `POST /sensors/data` (authenticated operator token), `--clients` concurrent clients posting
 *     `--batch`-sample batches, each client its own sensors in time order (the baseline);
 *   - plain MQTT: one JSON value per QoS 1 message, round-robin on 100 topics bound to 100 tags;
 *   - Sparkplug B: DDATA of `--per` metrics by alias (100 metrics of one device, 100 tags).
 * The MQTT load comes from a publisher in its own process through the local Mosquitto (scripts/services.sh),
 * pre-encoded and written raw with 2 000 messages in flight, so it costs far less CPU than IDM and the broker
 * (on shared cores the load generator's CPU is taken from IDM).
 * A path's rate: its samples over the time from the first one sent until the historian's own counter says
 * all are accepted (`historian_samples_accepted_total`: durable). The bench then waits until all are in the
 * database (no uncommitted journal record, no backlog) and reads one sensor per path back (`export.csv`)
 * to check its count. CPU per 1 000 samples/s: the IDM process's CPU (user + system from /proc, so the load
 * generators' is not counted) over the whole time, database writes included, per sample. To show what limits
 * a row, its notes give the CPU while accepting of IDM (and its time runnable but waiting for a core), of the
 * load generator and of Mosquitto, in % of one core. Prints a table
 * (ratios against REST: > 1 is better) and writes bench-results/mqtt-load-<time>.json. Needs
 * `npx nest build server`.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DeviceFile, MqttDeviceDto, TagDto } from '@idm/contracts';
import { dropDatabase, scrapeMetrics, TEST_METRICS_TOKEN } from '../support/app';
import { authHeader, registerAndLogin } from '../support/auth';
import { freePort } from '../support/ferretdb';
import { mongoUriFor, ROOT, serviceEnv } from '../support/services';
import { BenchRow, formatTable } from './harness';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}
const log = (m: string) => process.stderr.write(`  … ${m}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SENSORS = 100;
const PATHS = ['rest', 'plain', 'sparkplug'] as const;
type Path = (typeof PATHS)[number];

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

/** CPU seconds (user + system) the process has used so far, from /proc (clock ticks of 1/100 s on Linux). */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The local Mosquitto's pid (scripts/services.sh), for its CPU; null when it is not ours. */
function brokerPid(): number | null {
  const file = path.join(ROOT, '.local', 'run', 'mosquitto.pid');
  const pid = fs.existsSync(file) ? Number(fs.readFileSync(file, 'utf8').trim()) : NaN;
  return Number.isInteger(pid) && fs.existsSync(`/proc/${pid}/stat`) ? pid : null;
}

/** Seconds the process has waited on a run queue for a CPU so far (/proc/<pid>/schedstat, 0 if unavailable). */
function runWaitSeconds(pid: number): number {
  const stat = fs.existsSync(`/proc/${pid}/schedstat`) ? fs.readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ') : [];
  return Number(stat[1] ?? 0) / 1e9;
}

interface Result {
  samples: number;
  /** Until every sample was accepted (journaled) by the historian. */
  seconds: number;
  /** Until every sample was in the database. */
  storedSeconds: number;
  /** IDM's CPU over storedSeconds. */
  cpuSeconds: number;
  /** While accepting (over `seconds`): IDM's CPU, its time runnable but waiting for a core (the machine's other
   * load), Mosquitto's CPU (NaN if its pid is unknown). */
  busy: { idm: number; idmWaiting: number; broker: number };
  /** The load generator's CPU: the publisher process's (MQTT), this process's (REST: its clients run here). */
  loadCpuSeconds: number;
  loadSeconds: number;
  readBack: { sensor: string; got: number; want: number };
}

class Idm {
  private constructor(
    readonly url: string,
    readonly proc: ChildProcess,
    readonly token: string,
    private readonly dataDir: string,
  ) {}

  static async start(run: string): Promise<Idm> {
    const env = serviceEnv();
    const main = path.join(ROOT, 'dist', 'apps', 'server', 'main.js');
    if (!fs.existsSync(main)) throw new Error('bench:mqtt needs the built server: run `npx nest build server`');
    const mongoUri = mongoUriFor('idm_bench_mqtt', env.MONGO_URI);
    await dropDatabase(mongoUri);
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-bench-mqtt-'));
    const { PATH, HOME } = process.env;
    const proc = spawn(process.execPath, [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROF] : []), main], {
      env: {
        PATH, HOME, NODE_ENV: 'test', LOG_LEVEL: 'error', HOST: '127.0.0.1', PORT: String(port), MONGO_URI: mongoUri, REDIS_URL: env.REDIS_URL,
        JWT_SECRET: 'idm-bench-mqtt-secret-0123456789abcdef', METRICS_TOKEN: TEST_METRICS_TOKEN, DATA_DIR: dataDir, QUEUE_PREFIX: `idm-bench-mqtt-${run}`,
        DETECTION_SNAPSHOT_SECONDS: '86400',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const url = `http://127.0.0.1:${port}`;
    for (const deadline = Date.now() + 90_000; ; await sleep(200)) {
      if ((await fetch(`${url}/health`).catch(() => null))?.status === 200) break;
      if (proc.exitCode !== null || Date.now() > deadline) throw new Error('IDM did not start');
    }
    const token = (await registerAndLogin(url, { username: 'bench.mqtt' })).access_token;
    return new Idm(url, proc, token, dataDir);
  }

  async call(method: string, route: string, body?: unknown): Promise<any> {
    const res = await fetch(`${this.url}${route}`, { method, headers: authHeader(this.token), body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${route} answered ${res.status}: ${text.slice(0, 500)}`);
    return text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
  }

  async counters(): Promise<{ accepted: number; pending: number }> {
    let text = '';
    // On a loaded machine a scrape can fail now and then (connection reset); the next one answers.
    for (let attempt = 1; !text; attempt++) {
      text = await scrapeMetrics(this.url).catch((err: unknown) => {
        if (attempt >= 10 || this.proc.exitCode !== null) throw err;
        log(`metrics scrape failed (${String((err as Error).cause ?? err)}), again`);
        return sleep(500).then(() => '');
      });
    }
    const accepted = metric(text, 'historian_samples_accepted_total');
    const pending = metric(text, 'historian_journal_uncommitted_records') + metric(text, 'historian_backlog_samples');
    return { accepted: accepted || 0, pending: Number.isNaN(pending) ? Infinity : pending };
  }

  /** Raw samples of one sensor in [from, to] as stored, by the CSV export. */
  async storedCount(sensor: string, from: number, to: number): Promise<number> {
    const csv: string = await this.call('GET', `/sensors/${encodeURIComponent(sensor)}/export.csv?from=${from}&to=${to}`);
    return csv.split('\n').filter(Boolean).length - 1;
  }

  async stop(): Promise<void> {
    this.proc.kill('SIGTERM');
    if (this.proc.exitCode === null) await new Promise((r) => this.proc.once('exit', r));
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** The publisher process (test/bench/mqtt-publisher.ts): births on start, "ready", then the load on "go". */
function publisher(url: string, mode: 'plain' | 'sparkplug', prefix: string, messages: number, per: number, ts0: number) {
  const child = spawn(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', path.join(__dirname, 'mqtt-publisher.ts'), url, mode, prefix, String(messages), String(per), String(SENSORS), String(ts0)], {
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1', TS_NODE_PROJECT: 'tsconfig.json' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  child.stdout!.on('data', (b: Buffer) => lines.push(...b.toString().split('\n').filter(Boolean)));
  const line = (want: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (lines.includes(want) ? resolve() : undefined);
      child.stdout!.on('data', check);
      child.once('exit', (code) => (code ? reject(new Error(`publisher exited with ${code}`)) : check()));
      check();
    });
  /** The publisher's own CPU seconds for the load, from its `cpu <s>` line. */
  const cpu = () => Number(lines.find((l) => l.startsWith('cpu '))?.slice(4) ?? NaN);
  return { line, cpu, go: () => child.stdin!.write('go\n') };
}

/** REST load: `clients` clients, each posting its own SENSORS/clients sensors' samples in time order. */
async function restLoad(idm: Idm, prefix: string, samples: number, batch: number, clients: number, ts0: number): Promise<void> {
  const own = SENSORS / clients;
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const total = Math.floor(samples / clients);
      for (let j0 = 0; j0 < total; j0 += batch) {
        const body = JSON.stringify({
          samples: Array.from({ length: Math.min(batch, total - j0) }, (_, k) => {
            const j = j0 + k;
            return { sensor_id: `${prefix}.t${c * own + (j % own)}`, timestamp: ts0 + j, value: j };
          }),
        });
        for (;;) {
          const res = await fetch(`${idm.url}/sensors/data`, { method: 'POST', headers: authHeader(idm.token), body });
          await res.arrayBuffer();
          if (res.status === 202) break;
          // Backpressure: a well-behaved client waits Retry-After and sends the batch again.
          if (res.status !== 503) throw new Error(`POST /sensors/data answered ${res.status}`);
          await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000);
        }
      }
    }),
  );
}

/**
 * Runs `load`; the rate is the samples over the time until the historian has accepted them all (durable in
 * its journal: what a 202 or an MQTT PUBACK stands for). Then waits until all are in the database (the last
 * buckets are written when their sensors go idle, HISTORIAN_IDLE_CLOSE_MS later); the CPU is the IDM
 * process's over the whole time, database writes included, per sample.
 */
async function measure(idm: Idm, expected: number, load: () => Promise<void>): Promise<Omit<Result, 'readBack' | 'loadCpuSeconds'>> {
  const base = (await idm.counters()).accepted;
  const pid = idm.proc.pid as number;
  const cpu0 = cpuSeconds(pid);
  const wait0 = runWaitSeconds(pid);
  const broker = brokerPid();
  const broker0 = broker ? cpuSeconds(broker) : NaN;
  let busy = { idm: NaN, idmWaiting: NaN, broker: NaN };
  const t0 = Date.now();
  let loadSeconds = NaN;
  let loadError: unknown = null;
  const loading = load().then(
    () => (loadSeconds = (Date.now() - t0) / 1000),
    (err: unknown) => (loadError = err),
  );
  let acceptedSeconds = NaN;
  let progress = base;
  for (let last = Date.now(); ; await sleep(100)) {
    if (loadError) throw loadError;
    const c = await idm.counters();
    if (Number.isNaN(acceptedSeconds) && c.accepted - base >= expected) {
      acceptedSeconds = (Date.now() - t0) / 1000;
      busy = { idm: cpuSeconds(pid) - cpu0, idmWaiting: runWaitSeconds(pid) - wait0, broker: broker ? cpuSeconds(broker) - broker0 : NaN };
    }
    if (!Number.isNaN(acceptedSeconds) && c.pending === 0) break;
    // Stuck: nothing more accepted for 30 s (compared with the last count; it was "any accepted" before, so a stall hung).
    if (c.accepted > progress) (progress = c.accepted), (last = Date.now());
    if (Date.now() - last > 30_000 && Number.isNaN(acceptedSeconds)) throw new Error(`stuck: ${c.accepted - base} of ${expected} samples accepted`);
  }
  const storedSeconds = (Date.now() - t0) / 1000;
  const cpu = cpuSeconds(pid) - cpu0;
  await loading;
  return { samples: expected, seconds: acceptedSeconds, storedSeconds, cpuSeconds: cpu, busy, loadSeconds };
}

async function main(): Promise<void> {
  const mqttUrl = serviceEnv().MQTT_URL;
  if (!mqttUrl) throw new Error('no MQTT_URL in .local/services.env: run `bash scripts/services.sh up`');
  // The publisher outruns IDM (the broker acknowledges at once), so up to all messages wait in the broker's
  // queue for IDM's session: keep --samples within the dev broker's max_queued_messages (100 000), over it
  // Mosquitto drops the excess and the bench stops with "stuck".
  const samples = arg('samples', 100_000);
  const per = arg('per', 10);
  const batch = arg('batch', 1000);
  const clients = arg('clients', 4);
  const run = `b${process.pid}`;
  const idm = await Idm.start(run);
  const rows: BenchRow[] = [];
  try {
    // One MQTT device per mode, 100 tags each; the REST sensors are tags too (of a disabled device), so every
    // path feeds registered sensors through the same pipeline (detection, alarms, historian).
    const device = (id: string, mode: 'plain' | 'sparkplug', enabled = true): MqttDeviceDto => ({
      id, name: id, protocol: 'mqtt', broker_url: mqttUrl, client_id: `idm-${run}-${id}`, mode, timeout_ms: 10_000, enabled,
      ...(mode === 'sparkplug' ? { group_id: `${run}-sp`, host_id: `idm-${run}` } : {}),
    });
    const tags = (p: Path): TagDto[] =>
      Array.from({ length: SENSORS }, (_, i) => ({
        sensor_id: `${run}.${p}.t${i}`, device_id: `${run}-${p}`, area: 'Bench', scale: 1, offset: 0, unit: '', description: '',
        source: p === 'sparkplug' ? { edge_node_id: 'gw', device_id: 'd', metric: `m${i}` } : { topic: `${run}-${p}/t${i}`, value_path: 'v', timestamp_path: 'ts' },
      }));
    const file: DeviceFile = {
      version: 2,
      devices: [device(`${run}-rest`, 'plain', false), device(`${run}-plain`, 'plain'), device(`${run}-sparkplug`, 'sparkplug')],
      tags: PATHS.flatMap(tags),
    };
    await idm.call('POST', '/devices/import?mode=merge', file);
    for (const p of ['plain', 'sparkplug'] as const) {
      for (const deadline = Date.now() + 60_000; (await idm.call('GET', `/devices/${run}-${p}/status`)).state !== 'connected'; await sleep(200)) {
        if (Date.now() > deadline) throw new Error(`device ${run}-${p} did not connect`);
      }
    }
    // What the IDM process costs doing nothing (timers, the metrics scrapes of this bench), for reading the CPU rows.
    const idle0 = cpuSeconds(idm.proc.pid as number);
    for (let i = 0; i < 15; i++) await idm.counters().then(() => sleep(200));
    const idlePct = ((cpuSeconds(idm.proc.pid as number) - idle0) / 3) * 100;
    const results = {} as Record<Path, Result>;
    for (const p of PATHS.filter((x) => !process.env.BENCH_PATHS || process.env.BENCH_PATHS.split(',').includes(x) || x === 'rest')) {
      // Timestamps in the recent past, 1 ms apart per message: each sensor's samples in order, none on one instant.
      const ts0 = Date.now() - 15 * 60_000;
      const messages = p === 'sparkplug' ? Math.ceil(samples / per) : samples;
      const expected = p === 'sparkplug' ? messages * per : p === 'rest' ? Math.floor(samples / clients) * clients : samples;
      log(`${p}: ${expected} samples (load ${os.loadavg()[0].toFixed(1)})`);
      let r: Omit<Result, 'readBack'>;
      if (p === 'rest') {
        // The REST clients run in this process: its CPU (with the bench's metrics scrapes) is the load generator's.
        const own0 = process.cpuUsage();
        const m = await measure(idm, expected, () => restLoad(idm, `${run}.rest`, samples, batch, clients, ts0));
        const own = process.cpuUsage(own0);
        r = { ...m, loadCpuSeconds: (own.user + own.system) / 1e6 };
      } else {
        const before = (await idm.counters()).accepted;
        const pub = publisher(mqttUrl, p, p === 'plain' ? `${run}-plain` : `${run}-sp`, messages, per, ts0);
        await pub.line('ready');
        if (p === 'sparkplug') {
          // The births' own values (one per metric) go first: wait until they are in, so they are not counted as load.
          for (let c = await idm.counters(); c.accepted - before < SENSORS || c.pending > 0; c = await idm.counters()) await sleep(200);
        }
        r = {
          ...(await measure(idm, expected, async () => {
            pub.go();
            await pub.line('done');
          })),
          loadCpuSeconds: pub.cpu(),
        };
      }
      const sensor = `${run}.${p}.t${SENSORS - 1}`;
      const want = p === 'rest' ? Math.floor(samples / clients) / (SENSORS / clients) : expected / SENSORS;
      const got = await idm.storedCount(sensor, ts0, ts0 + (p === 'rest' ? samples : messages));
      if (got !== want) throw new Error(`${p}: ${sensor} has ${got} stored samples, expected ${want}`);
      results[p] = { ...r, readBack: { sensor, got, want } };
    }
    const load = os.loadavg()[0].toFixed(1);
    // CPU per 1 000 samples/s: the IDM CPU seconds one sample costs (database writes included), times 1 000, in % of one core.
    const cost = (r: Result) => (r.cpuSeconds / r.samples) * 1000 * 100;
    const rate = (r: Result) => r.samples / r.seconds;
    // Who was busy while a path was being accepted (% of one core; the load generator over its own sending): a
    // process near 100 % is what limits the row; IDM's time runnable but waiting for a core shows how much the
    // rest of the machine held it back.
    const pct = (cpu: number, s: number) => (Number.isNaN(cpu) ? 'n/a' : `${((cpu / s) * 100).toFixed(0)} %`);
    const busy = (r: Result) =>
      `while accepting, CPU: IDM ${pct(r.busy.idm, r.seconds)} (+ ${pct(r.busy.idmWaiting, r.seconds)} runnable waiting for a core), ` +
      `load generator ${pct(r.loadCpuSeconds, r.loadSeconds)}, Mosquitto ${pct(r.busy.broker, r.seconds)}`;
    for (const p of PATHS) {
      const r = results[p];
      if (!r) continue;
      const what =
        p === 'rest'
          ? `POST /sensors/data, ${clients} clients x ${batch}-sample batches`
          : p === 'plain'
            ? `plain MQTT JSON, 1 value per QoS 1 message on ${SENSORS} topics`
            : `Sparkplug B DDATA, ${per} metrics by alias per QoS 1 message`;
      const vsRest = (baseline: number, ratio: number) => (p === 'rest' ? {} : { baseline, ratio });
      rows.push(
        {
          benchmark: 'mqtt-load', case: `${what}: samples/s into the historian`, value: rate(r), unit: 'samples/s', ...vsRest(rate(results.rest), rate(r) / rate(results.rest)),
          notes:
            `${r.samples} samples on ${SENSORS} sensors accepted in ${r.seconds.toFixed(1)} s (load sent in ${r.loadSeconds.toFixed(1)} s), all in the database after ${r.storedSeconds.toFixed(1)} s; ` +
            `read back ${r.readBack.got}/${r.readBack.want} of ${r.readBack.sensor}; ${busy(r)}`,
        },
        {
          benchmark: 'mqtt-load', case: `${p}: IDM CPU per 1 000 samples/s`, value: cost(r), unit: '% of one core', ...vsRest(cost(results.rest), cost(results.rest) / cost(r)),
          notes: `${r.cpuSeconds.toFixed(2)} CPU s of the IDM process for ${r.samples} samples, database writes included; idle IDM ${idlePct.toFixed(1)} %; load average ${load}, ${os.cpus().length} cores`,
        },
      );
    }
  } finally {
    await idm.stop();
  }
  console.log(formatTable(rows));
  const dir = path.resolve(__dirname, '..', '..', 'bench-results');
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  fs.writeFileSync(path.join(dir, `mqtt-load-${stamp}.json`), JSON.stringify({ at: new Date().toISOString(), node: process.version, rows }, null, 2));
  console.log(`\nwritten: bench-results/mqtt-load-${stamp}.json`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
