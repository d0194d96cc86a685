/**
 * `npx ts-node test/bench/nab/offline.ts [nab] [synthetic] [detector-throughput]`: the detection
 * benchmarks that need no services (NAB, the synthetic failure classes, throughput), without starting
 * FerretDB/Redis. Same table as `npm run bench`.
 */
import { formatTable, Benchmark, BenchRow } from '../harness';
import { detectorThroughputBenchmark, nabBenchmark } from './nab.bench';

const OFFLINE: Benchmark[] = [nabBenchmark, detectorThroughputBenchmark];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const selected = wanted.length ? OFFLINE.filter((b) => wanted.includes(b.name)) : OFFLINE;
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
