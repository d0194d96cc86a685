/**
 * `npm run bench:mqtt [-- --messages 40000 --per 10]`: samples/s through the MQTT source from the local
 * Mosquitto (scripts/services.sh), plain JSON (one value per message on 100 topics) and Sparkplug B (DDATA
 * of `--per` metrics by alias), the publisher in its own process, so the CPU measured here is the
 * driver's. Reports samples/s, CPU % of one core, and CPU per 1 000 samples/s. Prints a table and writes
 * bench-results/mqtt-load-<time>.json.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IngestedSample, MqttDeviceDto } from '@idm/contracts';
import { MqttSourceDriver, MqttTag } from '@idm/ingestion/sources/mqtt';
import { serviceEnv } from '../support/services';
import { BenchRow, formatTable } from './harness';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}
const log = (m: string) => process.stderr.write(`  … ${m}\n`);
const TOPICS = 100;

interface Result {
  samples: number;
  seconds: number;
  cpuPct: number;
  publisherSeconds: number;
}

async function runCase(url: string, mode: 'plain' | 'sparkplug', messages: number, per: number): Promise<Result> {
  const run = `bench-${process.pid}-${mode}`;
  const tags: MqttTag[] = Array.from({ length: TOPICS }, (_, i) => ({
    sensor_id: `b${i}`,
    scale: 1,
    offset: 0,
    source: mode === 'plain' ? { topic: `${run}/t${i}`, value_path: 'v', timestamp_path: 'ts' } : { edge_node_id: 'gw', device_id: 'd', metric: `m${i}` },
  }));
  const device: MqttDeviceDto = { id: run, name: run, protocol: 'mqtt', broker_url: url, client_id: `idm-${run}`, mode, group_id: run, host_id: run, timeout_ms: 10_000, enabled: true };
  const expected = mode === 'plain' ? messages : messages * per;
  let good = 0;
  let firstAt = 0;
  let lastAt = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((r) => (done = r));
  const driver = new MqttSourceDriver();
  const conn = driver.open(device, tags, {
    publish: async (batch: IngestedSample[]) => {
      for (const s of batch) if (s.quality === 'good') good++;
      const now = Date.now();
      firstAt ||= now;
      lastAt = now;
      if (good >= expected + (mode === 'sparkplug' ? TOPICS : 0)) done();
    },
    commFailed: (_d, _at, reason) => log(`comm failed: ${reason}`),
    commRestored: () => undefined,
    onError: (_d, m) => log(m),
  });
  conn.start();
  while (conn.status().state !== 'connected') await new Promise((r) => setTimeout(r, 50));
  const child = spawn(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', path.join(__dirname, 'mqtt-publisher.ts'), url, mode, run, String(messages), String(per), String(TOPICS)], {
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1', TS_NODE_PROJECT: 'tsconfig.json' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  const line = (want: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => (lines.includes(want) ? resolve() : undefined);
      child.stdout!.on('data', (b: Buffer) => (lines.push(...b.toString().split('\n').filter(Boolean)), check()));
      child.once('exit', (code) => (code ? reject(new Error(`publisher exited with ${code}`)) : check()));
      check();
    });
  await line('ready');
  if (mode === 'sparkplug') while (good < TOPICS) await new Promise((r) => setTimeout(r, 20)); // the birth values
  const cpu0 = process.cpuUsage();
  const t0 = Date.now();
  firstAt = 0;
  child.stdin!.write('go\n');
  await line('done');
  const publisherSeconds = (Date.now() - t0) / 1000;
  await all;
  const cpu = process.cpuUsage(cpu0);
  const seconds = (lastAt - t0) / 1000;
  await conn.stop();
  return { samples: expected, seconds, cpuPct: ((cpu.user + cpu.system) / 1e6 / seconds) * 100, publisherSeconds };
}

async function main(): Promise<void> {
  const url = serviceEnv().MQTT_URL;
  if (!url) throw new Error('no MQTT_URL in .local/services.env: run `bash scripts/services.sh up`');
  const messages = arg('messages', 40_000);
  const per = arg('per', 10);
  const rows: BenchRow[] = [];
  const load = () => os.loadavg()[0].toFixed(1);
  for (const mode of ['plain', 'sparkplug'] as const) {
    const n = mode === 'plain' ? messages : Math.ceil(messages / per);
    log(`${mode}: ${n} messages`);
    const r = await runCase(url, mode, n, per);
    const rate = r.samples / r.seconds;
    const what = mode === 'plain' ? `plain JSON, ${n} messages of 1 value on ${TOPICS} topics` : `Sparkplug B DDATA, ${n} messages of ${per} metrics by alias`;
    rows.push(
      { benchmark: 'mqtt-load', case: `${what}: samples through the driver`, value: rate, unit: 'samples/s', notes: `${r.samples} samples in ${r.seconds.toFixed(1)} s (publisher done after ${r.publisherSeconds.toFixed(1)} s)` },
      { benchmark: 'mqtt-load', case: `${mode}: driver CPU`, value: r.cpuPct, unit: '% of one core', notes: `load average ${load()}, ${os.cpus().length} cores` },
      { benchmark: 'mqtt-load', case: `${mode}: driver CPU per 1 000 samples/s`, value: r.cpuPct / (rate / 1000), unit: '% of one core' },
    );
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
