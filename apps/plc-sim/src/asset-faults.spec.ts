import { assetEffect } from './asset-faults';
import { Plant } from './plant';

const opts = { plcs: 2, tagsPerPlc: 12, seed: 7, layout: 'ports' as const, basePort: 5020 };
const T0 = 1_700_000_000_000;

/** Mean of a tag's value over `n` seconds from `from` (averages the noise and most of the cycle out against a twin plant). */
function meanDelta(faulty: Plant, healthy: Plant, sensorId: string, from: number, n = 120): number {
  const plc = faulty.plcs.find((p) => p.tags.some((t) => t.sensor_id === sensorId))!;
  const tag = plc.tags.find((t) => t.sensor_id === sensorId)!;
  const twin = healthy.plcById(plc.id)!.tags[tag.index];
  let sum = 0;
  for (let i = 0; i < n; i++) sum += faulty.value(plc, tag, from + i * 1000) - healthy.value(healthy.plcById(plc.id)!, twin, from + i * 1000);
  return sum / n;
}

describe('plant assets and asset faults', () => {
  it('defines one pump per PLC from its flow, pressure, motor current and vibration tags', () => {
    const p = new Plant(opts);
    expect(p.assets.map((a) => a.id)).toEqual(['plc-01-pump', 'plc-02-pump']);
    const pump = p.assets[0];
    expect(pump).toMatchObject({ plc: 'plc-01', area: 'Boiler house', sensors: { flow: 'P01-FT-003', pressure: 'P01-PT-002', current: 'P01-IT-005', vibration: 'P01-VT-006' } });
    expect(new Plant({ ...opts, tagsPerPlc: 4 }).assets).toEqual([]);
  });

  it('a closing valve moves flow down, pressure up and current up slightly, together; nothing else', () => {
    const faulty = new Plant(opts);
    const healthy = new Plant(opts);
    const fault = faulty.injectFault({ kind: 'valve_closing', asset: 'plc-01-pump' }, T0);
    expect(fault).toMatchObject({ kind: 'valve_closing', asset: 'plc-01-pump', plc: 'plc-01', end: null });
    const after = T0 + 60_000; // past the 30 s ramp
    const s = (id: string) => faulty.plcs[0].tags.find((t) => t.sensor_id === id)!.signal;
    expect(meanDelta(faulty, healthy, 'P01-FT-003', after)).toBeCloseTo(assetEffect('valve_closing', 'flow', s('P01-FT-003')), 6);
    expect(meanDelta(faulty, healthy, 'P01-FT-003', after)).toBeLessThan(0);
    expect(meanDelta(faulty, healthy, 'P01-PT-002', after)).toBeGreaterThan(0);
    const current = meanDelta(faulty, healthy, 'P01-IT-005', after);
    expect(current).toBeGreaterThan(0);
    expect(current).toBeLessThan(-meanDelta(faulty, healthy, 'P01-FT-003', after));
    expect(meanDelta(faulty, healthy, 'P01-VT-006', after)).toBe(0);
    expect(meanDelta(faulty, healthy, 'P01-TT-001', after)).toBe(0);
    expect(meanDelta(faulty, healthy, 'P02-FT-003', after)).toBe(0);
    // Ramps in: half way after 15 s.
    expect(meanDelta(faulty, healthy, 'P01-FT-003', T0 + 15_000, 1)).toBeCloseTo(assetEffect('valve_closing', 'flow', s('P01-FT-003')) / 2, 6);
    expect(meanDelta(faulty, healthy, 'P01-FT-003', T0 - 10_000, 5)).toBe(0);
    faulty.clearFaults({ plc: 'plc-01' });
    expect(meanDelta(faulty, healthy, 'P01-FT-003', after)).toBe(0);
  });

  it('a rotor imbalance raises vibration with the motor current', () => {
    const faulty = new Plant(opts);
    const healthy = new Plant(opts);
    faulty.injectFault({ kind: 'rotor_imbalance', asset: 'plc-02-pump', magnitude: 2, ramp_ms: 1000, duration_ms: 600_000 }, T0);
    expect(meanDelta(faulty, healthy, 'P02-VT-006', T0 + 5000)).toBeGreaterThan(0);
    expect(meanDelta(faulty, healthy, 'P02-IT-005', T0 + 5000)).toBeGreaterThan(0);
    expect(meanDelta(faulty, healthy, 'P02-FT-003', T0 + 5000)).toBe(0);
    expect(meanDelta(faulty, healthy, 'P02-VT-006', T0 + 700_000)).toBe(0);
  });

  it('refuses an asset fault without a known asset, or on another PLC, naming it', () => {
    const p = new Plant(opts);
    expect(() => p.injectFault({ kind: 'valve_closing' }, T0)).toThrow('fault valve_closing needs an asset: one of plc-01-pump, plc-02-pump');
    expect(() => p.injectFault({ kind: 'valve_closing', asset: 'nope' }, T0)).toThrow(/needs an asset/);
    expect(() => p.injectFault({ kind: 'rotor_imbalance', asset: 'plc-01-pump', plc: 'plc-02' }, T0)).toThrow('asset plc-01-pump belongs to plc-01, not plc-02');
    expect(() => p.injectFault({ kind: 'valve_closing', asset: 'plc-01-pump', ramp_ms: -1 }, T0)).toThrow(/ramp_ms must be a positive number/);
  });
});
