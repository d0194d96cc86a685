import type { AlarmDto, AnomalyEpisode, DeviceFile, Role } from '@idm/contracts';
import { AssetHealthService } from '@idm/detection';
import { PlcSim, startPlcSim } from '../apps/plc-sim/src/sim';
import { startTestApp, TestApp } from './support/app';
import { clearLoginThrottle, loginAllRoles } from './support/auth';
import { call, captureSamples, eventually } from './support/modbus';

/**
 * Equipment health through the real path (issue 13): the PLC simulator's pump, read over Modbus, learned by
 * its asset detector; a closing valve injected through the simulator's fault API (flow down, pressure up,
 * current up slightly, each unremarkable alone) becomes exactly one multivariate episode on the asset and one
 * alarm, naming the faulted tags; the healthy stretch before it raises nothing.
 *
 * The plant is steady (no slow cycles) and the asset learns 200 polls at 100 ms: a detector that learns in
 * seconds cannot know cycles of minutes, and would take their next stretch for a fault.
 */
const TRAIN = 200;
const HEALTHY = 150;
const ASSET = 'plc-01-pump';

describe('an asset fault in the PLC simulator becomes one asset episode and one alarm', () => {
  const db = 'idm_test_asset_fault_sim';
  let sim: PlcSim;
  let t: TestApp;
  let tokens: Record<Role, string>;

  beforeAll(async () => {
    sim = await startPlcSim({ plcs: 1, tags: 6, seed: 7, pollIntervalMs: 100, controlPort: 0, cycles: false, assetsInDeviceFile: true });
    await clearLoginThrottle(db);
    t = await startTestApp(db, { ALARM_ON_DELAY_MS: '0' });
    tokens = await loginAllRoles(t.url);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
  });

  const history = async (): Promise<AnomalyEpisode[]> => {
    const r = await call(t.url, 'GET', `/anomalies/history?asset_id=${ASSET}`, tokens.viewer);
    expect(r.status).toBe(200);
    return (r.body as { items: AnomalyEpisode[] }).items;
  };
  const alarms = async (): Promise<AlarmDto[]> => (await call(t.url, 'GET', `/alarms?source_id=${ASSET}&include_normal=true`, tokens.viewer)).body as AlarmDto[];

  it('learns the pump over Modbus, stays quiet while healthy, and turns a closing valve into one episode and one alarm naming its tags', async () => {
    const file = structuredClone(sim.deviceFile) as DeviceFile;
    expect(file.assets).toHaveLength(1);
    const pump = file.assets![0];
    expect(pump.id).toBe(ASSET);
    const [flow, pressure, current, vibration] = pump.sensor_ids;
    // The device file carries the asset; its settings make it learn in seconds and alarm at high priority.
    pump.settings = { train_samples: TRAIN, alarm_priority: 'high' };
    const samples = captureSamples(t.app);
    const imported = await call(t.url, 'POST', '/devices/import', tokens.admin, file);
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ assets: 1 });

    // Learning, then a healthy stretch: polls of the pump's flow tag (every poll reads all four of its tags).
    const flowPolls = () => samples.filter((s) => s.sensor_id === flow && s.quality === 'good').length;
    await eventually(flowPolls, (n) => n >= TRAIN + HEALTHY, 240_000, 250);
    expect(t.app.get(AssetHealthService).openEpisode(ASSET)).toBeNull();

    const res = await fetch(`${sim.controlUrl}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'valve_closing', asset: ASSET, ramp_ms: 5000 }) });
    expect(res.status).toBe(201);
    const fault = (await res.json()) as { start: number };

    const episodes = await eventually(history, (e) => e.length > 0 && e[0].alarm_id !== null, 120_000, 250);
    // Still one while the fault stands a while longer (no chattering episodes).
    const pollsAtDetection = flowPolls();
    await eventually(flowPolls, (n) => n >= pollsAtDetection + 100, 120_000, 250);
    const after = await history();
    if (after.length !== 1) {
      // Seen once in CI (an empty history after the episode had been listed with its alarm): say what the
      // history and the alarm show a moment later, so a recurrence can be told from a read that missed it.
      await new Promise((r) => setTimeout(r, 1000));
      const again = await history();
      throw new Error(`history of ${ASSET}: ${after.length} episodes (expected 1); 1 s later ${JSON.stringify(again)}; alarms ${JSON.stringify(await alarms())}`);
    }
    const [episode] = after;
    expect(episode).toMatchObject({ sensor_id: `asset:${ASSET}`, asset_id: ASSET, anomaly_type: 'multivariate', alarm_id: episodes[0].alarm_id });
    // Episodes are stored in order: the healthy stretch before the fault opened none.
    expect(Date.parse(episode.timestamp)).toBeGreaterThanOrEqual(fault.start);
    const contributions = episode.evidence.contributions ?? [];
    const named = contributions.map((c) => c.sensor_id);
    expect(named.length).toBeGreaterThan(0);
    // A tag the valve moves drives the episode; the vibration it leaves alone is never the top one. (At the
    // episode's first moment the four tags' polls can straddle the ramp under load, so vibration may still
    // carry a small share of the statistic: it is not asserted absent.)
    expect([flow, pressure, current]).toContain(named[0]);
    const vibrationShare = contributions.find((c) => c.sensor_id === vibration)?.share ?? 0;
    expect(vibrationShare).toBeLessThan(contributions[0].share);

    const raised = await alarms();
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ id: `asset:${ASSET}|multivariate`, source_type: 'asset', source_id: ASSET, priority: 'high' });
    expect(raised[0].message).toContain(named[0]);
  }, 600_000);
});
