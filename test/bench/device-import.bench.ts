import { RegistryService } from '@idm/ingestion';
import { RegistryRepository } from '../../libs/ingestion/src/registry/registry.repository';
import type { TagDto } from '@idm/contracts';
import { startTestApp } from '../support/app';
import type { Benchmark, BenchContext, BenchRow } from './harness';

const SIZES = [1000, 10_000];

function deviceFile(n: number) {
  const device = { id: 'plc-import', name: 'PLC import', host: '127.0.0.1', port: 1502, unit_id: 1, poll_interval_ms: 1000, timeout_ms: 500, enabled: false };
  const tags = Array.from({ length: n }, (_, i) => ({
    sensor_id: `IM-${String(i).padStart(5, '0')}`, device_id: 'plc-import', area: 'Bench', register_type: 'holding', address: i * 2, data_type: 'float32', unit: '°C', description: `tag ${i}`,
  }));
  return { version: 1, devices: [device], tags };
}

/**
 * `POST /devices/import` of a file of N new tags into an empty registry (merge), through RegistryService,
 * with the bulk writes and, as the baseline, with the old path (one `replaceOne` per tag).
 */
export const deviceImportBench: Benchmark = {
  name: 'device-import',
  description: 'device file import of 1 000 and 10 000 tags: bulk writes vs one replaceOne per tag',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    const app = await startTestApp('idm_bench_device_import');
    try {
      const service = app.app.get(RegistryService);
      const repo = app.app.get(RegistryRepository);
      const bulkSave = repo.saveTags.bind(repo);
      const perTagSave = async (tags: readonly TagDto[]) => {
        for (const t of tags) await repo.saveTag(t);
      };
      const empty = async () => {
        await service.importFile({ version: 1, devices: [], tags: [] }, 'replace');
      };
      for (const n of SIZES) {
        const file = deviceFile(n);
        await empty();
        repo.saveTags = perTagSave;
        ctx.log(`import ${n} tags, one replaceOne per tag`);
        let t0 = performance.now();
        await service.importFile(file, 'merge');
        const before = (performance.now() - t0) / 1000;
        repo.saveTags = bulkSave;
        await empty();
        ctx.log(`import ${n} tags, bulk`);
        t0 = performance.now();
        const result = await service.importFile(file, 'merge');
        const after = (performance.now() - t0) / 1000;
        if (result.tags !== n) throw new Error(`imported ${result.tags} tags, expected ${n}`);
        t0 = performance.now();
        await empty();
        const removeAll = (performance.now() - t0) / 1000;
        rows.push({ benchmark: 'device-import', case: `per-tag replaceOne (old) ${n} tags`, value: before, unit: 's' });
        rows.push({ benchmark: 'device-import', case: `bulkWrite merge ${n} tags`, value: after, unit: 's', baseline: before, ratio: before / after });
        rows.push({ benchmark: 'device-import', case: `bulkWrite replace removing ${n} tags`, value: removeAll, unit: 's' });
      }
    } finally {
      await app.close();
    }
    return rows;
  },
};
