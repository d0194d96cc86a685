import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { modbusBinding } from '@idm/contracts';
import type { AnomalyEpisodeEvent, IngestedSample } from '@idm/contracts';
import { DomainEvents } from '@idm/core';
import { Anomaly } from '@idm/detection';
import { PlcSim, startPlcSim } from '../apps/plc-sim/src/sim';
import { startTestApp, TestApp } from './support/app';
import { authHeader, registerAndLogin } from './support/auth';
import { call, captureSamples, eventually } from './support/modbus';

describe('detection of a fault injected in the PLC simulator', () => {
  let sim: PlcSim;
  let t: TestApp;
  const events: { name: string; e: AnomalyEpisodeEvent }[] = [];
  let samples: IngestedSample[];

  beforeAll(async () => {
    sim = await startPlcSim({ plcs: 1, tags: 6, seed: 7, pollIntervalMs: 100 });
    t = await startTestApp('idm_test_detection_plc');
    const bus = t.app.get(DomainEvents);
    for (const name of ['anomaly.opened', 'anomaly.updated', 'anomaly.closed'] as const) bus.on(name, (e) => void events.push({ name, e }));
    samples = captureSamples(t.app);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  it('a stuck transmitter becomes one stuck episode in the database', async () => {
    const admin = (await registerAndLogin(t.url, { username: 'admin.detection' })).access_token;
    const tag = sim.deviceFile.tags.find((x) => modbusBinding(x)?.data_type === 'float32')!;
    // Learn in seconds instead of a day, and leave out the detectors a few seconds cannot train
    // (a slow plant cycle looks like a drift to a baseline learned over 3 s).
    const override = { warmup_ms: 3000, baseline_half_life_ms: 2000, enabled: { ewma: false, cusum: false, daily: false, runRules: false } };
    const put = await fetch(`${t.url}/anomalies/settings/sensor/${tag.sensor_id}`, { method: 'PUT', headers: authHeader(admin), body: JSON.stringify(override) });
    expect(put.status).toBe(200);
    expect((await call(t.url, 'POST', '/devices/import', admin, sim.deviceFile)).status).toBe(200);

    const mine = () => samples.filter((s) => s.sensor_id === tag.sensor_id);
    await eventually(mine, (s) => s.length >= 60, 30_000);
    const beforeFault = mine().length;
    const fault = sim.injectFault({ kind: 'stuck', plc: tag.device_id, sensor_id: tag.sensor_id, duration_ms: 3000 });

    const closed = await eventually(
      () => events.filter((x) => x.e.sensor_id === tag.sensor_id && x.name === 'anomaly.closed'),
      (c) => c.length > 0,
      20_000,
    );
    expect(closed).toHaveLength(1);
    const opened = events.filter((x) => x.e.sensor_id === tag.sensor_id && x.name === 'anomaly.opened');
    expect(opened).toHaveLength(1);
    expect(opened[0].e.anomaly_type).toBe('stuck');
    // Opened after the fault started, within about 10 flat polls (plus scheduling slack).
    expect(opened[0].e.timestamp).toBeGreaterThanOrEqual(fault.start);
    expect(opened[0].e.timestamp - fault.start).toBeLessThan(3000);
    // Nothing was flagged on the healthy signal before the fault.
    expect(mine().slice(0, beforeFault).filter((s) => s.status === 'anomaly')).toHaveLength(0);

    // Episode writes are queued behind ingestion (never holding it up): wait for the closing one.
    const model = t.app.get<Model<Anomaly>>(getModelToken(Anomaly.name));
    const docs = await eventually(
      () => model.find({ sensor_id: tag.sensor_id }).lean().exec(),
      (d) => d.some((x) => new Date(x.end_timestamp).getTime() === closed[0].e.end_timestamp),
      10_000,
    );
    expect(docs).toHaveLength(1);
    expect(docs[0]).toMatchObject({ _id: opened[0].e.anomaly_id, anomaly_type: 'stuck', resolved: false }); // resolved once its alarm is acknowledged (alarms tests)
    expect(docs[0].area).toBe(tag.area);
  });
});
