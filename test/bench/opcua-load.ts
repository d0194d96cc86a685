/**
 * `npm run bench:opcua [-- --items 10000 --seconds 20]`: the OPC UA source against the simulator's OPC UA
 * server (its own process, so the CPU measured here is the client's): N monitored items sampled and published
 * every second. Reports values/s, the client's CPU % per 1 000 values/s, and the latency from a value change
 * in the server (the value's source timestamp: the simulator stamps each update) to the source's `publish`
 * callback, p50/p99. Prints a table and writes bench-results/opcua-load-<time>.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IngestedSample, OpcuaDeviceDto } from '@idm/contracts';
import { OpcuaSourceDriver, OpcuaTag } from '@idm/ingestion/sources/opcua';
import { opcuaNodeIdOf } from '../../apps/plc-sim/src/opcua-server';
import { Plant } from '../../apps/plc-sim/src/plant';
import { startOpcuaSim } from '../support/opcua-sim';
import { BenchRow, formatTable, percentile } from './harness';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

async function main(): Promise<void> {
  const items = arg('items', 10_000);
  const seconds = arg('seconds', 20);
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
  await sim.stop();
  fs.rmSync(tmp, { recursive: true, force: true });

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

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
