import * as os from 'node:os';
import type { DeviceDto, TagDto } from '@idm/contracts';
import { RegistryService } from '@idm/ingestion';
import { RegistryRepository } from '../../libs/ingestion/src/registry/registry.repository';
import { startTestApp } from '../support/app';
import { percentile, type Benchmark, type BenchContext, type BenchRow } from './harness';

const SIZES = [1000, 2000];
const ROUNDS = 3;
const CASES = ['new tags', 'same file again', 'every tag changed'] as const;

function deviceFile(n: number, revision: number) {
  const device = { id: 'plc-import', name: 'PLC import', host: '127.0.0.1', port: 1502, unit_id: 1, poll_interval_ms: 1000, timeout_ms: 500, enabled: false };
  const tags = Array.from({ length: n }, (_, i) => ({
    sensor_id: `IM-${String(i).padStart(5, '0')}`, device_id: 'plc-import', area: 'Bench', register_type: 'holding', address: i * 2, data_type: 'float32', unit: '°C', description: `tag ${i} rev ${revision}`,
  }));
  return { version: 1, devices: [device], tags };
}

type Writes = Pick<RegistryRepository, 'saveDevices' | 'saveTags' | 'deleteDevices' | 'deleteTags'>;

/**
 * `RegistryService.importFile` (what `POST /devices/import` runs, less HTTP) of N tags: into an empty registry,
 * the same file again, and the file with every tag changed. Before: main's writes, one `replaceOne` / `deleteOne`
 * per record; after: the bulk writes (only what changed; inserts in bulk, replaces UPDATES_PER_COMMAND per command). Alternated
 * rounds, median of each.
 */
export const deviceImportBench: Benchmark = {
  name: 'device-import',
  description: 'device file import of 1 000 and 2 000 tags (new, unchanged, all changed): one write per record vs bulk',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const rows: BenchRow[] = [];
    const app = await startTestApp('idm_bench_device_import');
    try {
      const service = app.app.get(RegistryService);
      const repo = app.app.get(RegistryRepository);
      const bulk: Writes = { saveDevices: repo.saveDevices.bind(repo), saveTags: repo.saveTags.bind(repo), deleteDevices: repo.deleteDevices.bind(repo), deleteTags: repo.deleteTags.bind(repo) };
      const none = { inserted: 0, replaced: 0, unchanged: 0 };
      const perRecord: Writes = {
        saveDevices: async (ds: readonly DeviceDto[]) => { for (const d of ds) await repo.saveDevice(d); return none; },
        saveTags: async (ts: readonly TagDto[]) => { for (const t of ts) await repo.saveTag(t); return none; },
        deleteDevices: async (ids: readonly string[]) => { for (const id of ids) await repo.deleteDevice(id); },
        deleteTags: async (ids: readonly string[]) => { for (const id of ids) await bulk.deleteTags([id]); },
      };
      const empty = async () => {
        Object.assign(repo, bulk);
        await service.importFile({ version: 1, devices: [], tags: [] }, 'replace');
      };
      for (const n of SIZES) {
        const seconds = { before: CASES.map(() => [] as number[]), after: CASES.map(() => [] as number[]) };
        const loads: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          for (const side of round % 2 ? (['after', 'before'] as const) : (['before', 'after'] as const)) {
            await empty();
            Object.assign(repo, side === 'before' ? perRecord : bulk);
            const files = [deviceFile(n, 1), deviceFile(n, 1), deviceFile(n, 2)];
            for (let c = 0; c < CASES.length; c++) {
              ctx.log(`${n} tags, ${CASES[c]}, ${side === 'before' ? 'one write per record' : 'bulk'} (round ${round + 1})`);
              const t0 = performance.now();
              const result = await service.importFile(files[c], 'merge');
              seconds[side][c].push((performance.now() - t0) / 1000);
              if (result.tags !== n) throw new Error(`imported ${result.tags} tags, expected ${n}`);
            }
            loads.push(os.loadavg()[0]);
          }
        }
        const stored = await repo.listTags();
        if (stored.length !== n || stored.some((t) => !t.description.endsWith('rev 2'))) throw new Error('the last import did not store every changed tag');
        const notes = `median of ${ROUNDS}, alternated; load ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}`;
        for (let c = 0; c < CASES.length; c++) {
          const before = percentile(seconds.before[c], 50);
          const after = percentile(seconds.after[c], 50);
          rows.push({ benchmark: 'device-import', case: `${n} tags, ${CASES[c]}: one write per record (before)`, value: before, unit: 's', notes });
          rows.push({ benchmark: 'device-import', case: `${n} tags, ${CASES[c]}: bulk (after)`, value: after, unit: 's', baseline: before, ratio: before / after, notes });
        }
      }
      Object.assign(repo, bulk);
    } finally {
      await app.close();
    }
    return rows;
  },
};
