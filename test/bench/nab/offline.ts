/**
 * `npm run bench:detection [-- nab detection-sim detector-throughput one-sensor]`: the detection benchmarks, which
 * need no services (NAB with its cross-validation and the synthetic failure classes, the PLC simulator's
 * plant, throughput), without starting FerretDB/Redis. Same table as `npm run bench`.
 */
import { formatTable, Benchmark, BenchRow } from '../harness';
import { nabBenchmark } from './nab.bench';
import { detectorThroughputBenchmark } from './detector-throughput';
import { detectionSimBenchmark } from '../detection-sim.bench';
import { oneSensorBenchmark } from './one-sensor';

// `one-sensor` is also part of `detector-throughput`: by name only.
const OFFLINE: Benchmark[] = [nabBenchmark, detectionSimBenchmark, detectorThroughputBenchmark];
const BY_NAME_ONLY: Benchmark[] = [oneSensorBenchmark];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const selected = wanted.length ? [...OFFLINE, ...BY_NAME_ONLY].filter((b) => wanted.includes(b.name)) : OFFLINE;
  const rows: BenchRow[] = [];
  const ctx = { mongoUri: '', redisUrl: '', rows, log: (m: string) => process.stderr.write(`  … ${m}\n`) };
  for (const b of selected) {
    process.stderr.write(`▶ ${b.name}: ${b.description}\n`);
    rows.push(...(await b.run(ctx)));
  }
  console.log(formatTable(rows));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  },
);
