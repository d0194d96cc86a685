import { MongoClient } from 'mongodb';
import type { Benchmark, BenchRow } from './harness';

/**
 * Baseline for the ingestion benchmarks: a bare `insertMany` of sample-shaped documents (one per sample),
 * batch 1000, into the same local database. The historian's full pipeline is compared against this.
 */
export const insertManyBaseline: Benchmark = {
  name: 'insert-many',
  description: 'raw insertMany of sample-shaped documents (docs/s, batch 1000): the ingestion baseline',
  async run(ctx) {
    const total = Number(process.env.BENCH_INSERT_DOCS ?? 50000);
    const batch = 1000;
    const client = await MongoClient.connect(ctx.mongoUri.replace(/\/[^/?]*(\?|$)/, '/idm_bench$1'));
    try {
      const col = client.db().collection('bench_samples');
      await col.drop().catch(() => undefined);
      const t0 = Date.now() - total;
      const start = process.hrtime.bigint();
      for (let i = 0; i < total; i += batch) {
        const docs = [];
        for (let j = i; j < Math.min(total, i + batch); j++) {
          docs.push({ sensor_id: `bench-${j % 100}`, timestamp: new Date(t0 + j), value: Math.sin(j / 50) * 10 + 50, status: 'normal', quality: 'good' });
        }
        await col.insertMany(docs, { ordered: false });
        if ((i / batch) % 10 === 0) ctx.log(`insert-many: ${i + docs.length}/${total}`);
      }
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const stored = await col.estimatedDocumentCount();
      if (stored !== total) throw new Error(`insert-many stored ${stored} of ${total} documents`);
      await col.drop();
      const row: BenchRow = { benchmark: 'insert-many', case: `insertMany batch=${batch}, ${total} docs`, value: total / seconds, unit: 'docs/s' };
      return [row];
    } finally {
      await client.close();
    }
  },
};
