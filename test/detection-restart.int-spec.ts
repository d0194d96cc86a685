import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { AnomalyEpisodeEvent, IngestedSample } from '@idm/contracts';
import { DomainEvents } from '@idm/core';
import { Anomaly } from '@idm/detection';
import { IngestionService } from '@idm/ingestion';
import { gaussian } from '../libs/detection/src/engine/testing/signals';
import { startTestApp, TestApp } from './support/app';

const db = 'idm_test_detection_restart';
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1);
const SENSOR = 'TT-RESTART-1';

// 1600 clean samples (24 h warm-up and more), a flat line from 1600 to 1639, then normal again.
const values = gaussian(1700, 5);
for (let i = 1600; i < 1640; i++) values[i] = 50;
const samples = (from: number, to: number): IngestedSample[] =>
  values.slice(from, to).map((value, k) => ({ sensor_id: SENSOR, timestamp: T0 + (from + k) * MINUTE, value, quality: 'good', source: 'rest' }));

async function boot(keep: boolean, events: { name: string; e: AnomalyEpisodeEvent }[]): Promise<TestApp> {
  const t = await startTestApp(db, keep ? { KEEP_DB: '1' } : {});
  const bus = t.app.get(DomainEvents);
  for (const name of ['anomaly.opened', 'anomaly.updated', 'anomaly.closed'] as const) bus.on(name, (e) => void events.push({ name, e }));
  return t;
}

describe('detection survives a restart', () => {
  let t: TestApp | undefined;
  afterAll(async () => {
    await t?.close();
  });

  it('continues the learned state and the open episode instead of re-warming', async () => {
    const before: { name: string; e: AnomalyEpisodeEvent }[] = [];
    t = await boot(false, before);
    const ingestion = t.app.get(IngestionService);
    for (let i = 0; i < 1620; i += 300) await ingestion.publish(samples(i, Math.min(i + 300, 1620)));
    expect(before.map((x) => x.name).filter((n) => n !== 'anomaly.updated')).toEqual(['anomaly.opened']);
    const opened = before[0].e;
    expect(opened).toMatchObject({ anomaly_type: 'stuck', timestamp: T0 + 1610 * MINUTE });
    await t.close(); // saves every sensor's state at shutdown
    t = undefined;

    const after: { name: string; e: AnomalyEpisodeEvent }[] = [];
    t = await boot(true, after);
    const batch = samples(1620, 1700);
    await t.app.get(IngestionService).publish(batch);
    // Still the same episode: no second opening, and it closes with the first one's id.
    expect(after.filter((x) => x.name === 'anomaly.opened')).toHaveLength(0);
    const closed = after.filter((x) => x.name === 'anomaly.closed');
    expect(closed).toHaveLength(1);
    expect(closed[0].e).toMatchObject({ anomaly_id: opened.anomaly_id, end_timestamp: T0 + 1639 * MINUTE });
    // Not warming up: the flat samples after the restart are judged at once.
    expect(batch.slice(0, 20).every((s) => s.status === 'anomaly')).toBe(true);

    // Episode writes are queued behind ingestion (never holding it up): wait for the closing one.
    const model = t.app.get<Model<Anomaly>>(getModelToken(Anomaly.name));
    let docs = await model.find({ sensor_id: SENSOR }).lean().exec();
    for (let tries = 0; tries < 50 && docs[0]?.samples !== 30; tries++) {
      await new Promise((r) => setTimeout(r, 100));
      docs = await model.find({ sensor_id: SENSOR }).lean().exec();
    }
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ _id: opened.anomaly_id, resolved: false, anomaly_type: 'stuck', samples: 30 }); // closed; resolved when its alarm is acknowledged
  });
});
