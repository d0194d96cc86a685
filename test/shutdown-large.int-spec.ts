import type { IngestedSample } from '@idm/contracts';
import { DetectionService } from '@idm/detection';
import { AnomaliesRepository } from '../libs/detection/src/anomalies.repository';
import { HistorianService, RollupDayViews } from '@idm/historian';
import { HistorianRepository } from '../libs/historian/src/historian.repository';
import { IngestionService } from '@idm/ingestion';
import { startTestApp, TestApp } from './support/app';
import { eventually } from './support/modbus';

const DB = 'idm_test_shutdown_large';
const N = 2000;
const SAMPLES = 12;
const MINUTE = 60_000;
const sensor = (i: number) => `SD-${String(i).padStart(4, '0')}`;

/** Seconds `close()` took (printed for the report, never asserted: speed goes to benchmarks). */
async function timedClose(t: TestApp, what: string): Promise<void> {
  const t0 = Date.now();
  await t.close();
  console.log(`${what}: app.close() took ${((Date.now() - t0) / 1000).toFixed(1)} s with ${N} sensors`);
}

describe('closing a plant of 2 000 live sensors', () => {
  let t: TestApp | undefined;
  afterAll(async () => {
    await t?.close();
  });

  it('saves every detector state at close, and a restart stops the rollup-view probe instead of finishing it', async () => {
    // No periodic save by the timer: what the detectors learned after the save below is saved by the shutdown alone.
    t = await startTestApp(DB, { MODBUS_POLLING: '0', DETECTION_SNAPSHOT_SECONDS: '86400' });
    const ingestion = t.app.get(IngestionService);
    const t0 = Date.now() - 30 * MINUTE;
    for (let k = 0; k < SAMPLES; k++) {
      const batch: IngestedSample[] = Array.from({ length: N }, (_, i) => ({ sensor_id: sensor(i), timestamp: t0 + k * MINUTE, value: 20 + (i % 7) + Math.sin(k + i), quality: 'good', source: 'rest' }));
      await ingestion.publish(batch);
      // A periodic save half-way (inserts, as none was saved yet): the close then replaces every state.
      if (k === SAMPLES / 2 - 1) expect(await t.app.get(DetectionService).saveStates()).toBe(N);
    }
    const detection = t.app.get(DetectionService);
    expect(detection.sensorCount).toBe(N);
    const learned = await Promise.all(Array.from({ length: N }, async (_, i) => (await detection.check({ sensor_id: sensor(i), samples: [], use_live_state: true })).samplesToLearn));
    await t.app.get(HistorianService).drain(false);
    await timedClose(t, 'detection save');
    t = undefined;

    t = await startTestApp(DB, { KEEP_DB: '1', MODBUS_POLLING: '0', DETECTION_SNAPSHOT_SECONDS: '86400' });
    // Every detector's state is in the database, with what it had learned.
    const repo = t.app.get(AnomaliesRepository);
    const saved = await Promise.all(Array.from({ length: N }, (_, i) => repo.loadState(sensor(i))));
    expect(saved.filter((s) => !s).length).toBe(0);
    expect(saved.map((s) => s!.state.n)).toEqual(Array.from({ length: N }, () => SAMPLES));
    const restored = await Promise.all(Array.from({ length: N }, async (_, i) => (await t!.app.get(DetectionService).check({ sensor_id: sensor(i), samples: [], use_live_state: true })).samplesToLearn));
    expect(restored).toEqual(learned);

    // The start-up probe of the report views reads each known sensor's pack of each day due a view: held
    // after 50 lookups until the app closes, so it is surely still running then.
    const views = t.app.get(RollupDayViews);
    const packs = t.app.get(HistorianRepository);
    let closing = false;
    let lookups = 0;
    const pack = packs.pack.bind(packs);
    jest.spyOn(packs, 'pack').mockImplementation(async (id) => {
      if (++lookups > 50) while (!closing) await new Promise((r) => setTimeout(r, 20));
      return pack(id);
    });
    const destroy = views.onModuleDestroy.bind(views);
    jest.spyOn(views, 'onModuleDestroy').mockImplementation(() => {
      closing = true;
      return destroy();
    });
    await eventually(() => lookups, (n) => n > 50, 60_000);
    await timedClose(t, 'rollup-view probe');
    t = undefined;
    // Stopped where it was: not even one day's lookups of all sensors (it would have made ten days' worth).
    expect(lookups).toBeLessThan(N);
  }, 600_000);
});
