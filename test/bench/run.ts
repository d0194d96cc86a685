/**
 * `npm run bench [-- name ...]`: runs the named benchmarks (all by default) against the local services,
 * prints a table and writes JSON to bench-results/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { serviceEnv } from '../support/services';
import { Benchmark, BenchRow, formatTable } from './harness';
import { alarmLatencyBench } from './alarm-latency.bench';
import { authBench } from './auth.bench';
import { alarmSummaryBench, overviewBench } from './overview.bench';
import { graphicsBench } from './graphics.bench';
import { insertManyBaseline } from './insert-many.bench';
import { historianHistoryBench, historianIngestBench } from './historian.bench';
import { modbusPollBench } from './modbus-poll.bench';
import { reportsBench } from './reports.bench';
import { reportWeekBench } from './report-week.bench';
import { nabBenchmark } from './nab/nab.bench';
import { detectorThroughputBenchmark } from './nab/detector-throughput';
import { oneSensorBenchmark } from './nab/one-sensor';
import { detectionSimBenchmark } from './detection-sim.bench';
import { ingestLoadBench } from './ingest-load.bench';
import { deviceImportBench } from './device-import.bench';

// Baselines first: later benchmarks report ratios against rows measured earlier in the same run.
const BENCHMARKS: Benchmark[] = [insertManyBaseline, historianIngestBench, historianHistoryBench, nabBenchmark, detectionSimBenchmark, detectorThroughputBenchmark, modbusPollBench, authBench, overviewBench, graphicsBench, reportsBench, reportWeekBench, alarmLatencyBench, ingestLoadBench, deviceImportBench];

/** Parts of a benchmark above that can also run on their own (by name only, never twice in a full run). */
const BY_NAME_ONLY: Benchmark[] = [alarmSummaryBench, oneSensorBenchmark];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const named = [...BENCHMARKS, ...BY_NAME_ONLY];
  const unknown = wanted.filter((w) => !named.some((b) => b.name === w));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}. Available:\n${named.map((b) => `  ${b.name}  ${b.description}`).join('\n')}`);
    process.exit(2);
  }
  const selected = wanted.length ? named.filter((b) => wanted.includes(b.name)) : BENCHMARKS;
  const env = serviceEnv();
  const rows: BenchRow[] = [];
  const ctx = { mongoUri: env.MONGO_URI, redisUrl: env.REDIS_URL, rows, log: (m: string) => process.stderr.write(`  … ${m}\n`) };
  for (const b of selected) {
    process.stderr.write(`▶ ${b.name}: ${b.description}\n`);
    rows.push(...(await b.run(ctx)));
  }
  console.log(formatTable(rows));
  const dir = path.resolve(__dirname, '..', '..', 'bench-results');
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const json = JSON.stringify({ at: new Date().toISOString(), node: process.version, rows }, null, 2);
  fs.writeFileSync(path.join(dir, `bench-${stamp}.json`), json);
  fs.writeFileSync(path.join(dir, 'latest.json'), json);
  console.log(`\nwritten: bench-results/bench-${stamp}.json`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
