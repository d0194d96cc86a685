import { faultedValue } from './faults';
import { healthyValue, makeSignal } from './plant-model';
import { Plant } from './plant';
import { encodeValue } from './register-encoding';

const opts = { plcs: 2, tagsPerPlc: 12, seed: 7, layout: 'ports' as const, basePort: 5020 };

describe('plant model', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = new Plant(opts);
    const b = new Plant(opts);
    const c = new Plant({ ...opts, seed: 8 });
    const t = 1_700_000_000_000;
    const tag = a.plcs[1].tags[3];
    expect(a.value(a.plcs[1], tag, t)).toBe(b.value(b.plcs[1], b.plcs[1].tags[3], t));
    expect(a.value(a.plcs[1], tag, t)).not.toBe(c.value(c.plcs[1], c.plcs[1].tags[3], t));
  });

  it('keeps healthy signals near their base, inside the physical range', () => {
    const s = makeSignal(1, 0, 0);
    for (let t = 0; t < 3_600_000; t += 10_007) {
      const v = healthyValue(s, [1, 0, 0], t);
      expect(Math.abs(v - s.base)).toBeLessThan(s.amplitude + 5 * s.noise);
      expect(v).toBeGreaterThanOrEqual(s.min);
    }
  });

  it('writes a device file that matches its layout', () => {
    const p = new Plant(opts);
    const file = p.deviceFile('10.0.0.5', 500);
    expect(file.devices.map((d) => [d.id, d.port, d.host, d.poll_interval_ms])).toEqual([['plc-01', 5020, '10.0.0.5', 500], ['plc-02', 5021, '10.0.0.5', 500]]);
    expect(file.tags).toHaveLength(24);
    const t4 = file.tags.find((t) => t.sensor_id === 'P01-PT-002')!;
    expect(t4).toMatchObject({ register_type: 'holding', address: 2, data_type: 'float32', unit: 'bar', area: 'Boiler house' });
    expect(file.tags.find((t) => t.sensor_id === 'P02-FT-003')!.word_order).toBe('little');
    expect(file.tags.find((t) => t.sensor_id === 'P01-IT-005')).toMatchObject({ register_type: 'input', address: 0, data_type: 'int16', scale: 0.1 });
  });

  it('serves registers that decode to the model value', () => {
    const p = new Plant(opts);
    const plc = p.plcs[1];
    const tag = plc.tags[2];
    const t = 1_700_000_000_123;
    const regs = p.readRegisters(plc, 'holding', 0, 20, t);
    const buf = Buffer.alloc(4);
    // plc-02 uses CDAB: the low word comes first
    buf.writeUInt16BE(regs[tag.address + 1], 0);
    buf.writeUInt16BE(regs[tag.address], 2);
    expect(buf.readFloatBE(0)).toBeCloseTo(p.value(plc, tag, t), 3);
  });
});

describe('faults', () => {
  const s = makeSignal(1, 0, 1);
  const key = [1, 0, 1];
  const t0 = 1_000_000;
  const f = (kind: any, extra: object = {}) => ({ id: 1, kind, plc: 'plc-01', sensor_id: 'x', start: t0, end: null, ...extra });

  it('spike and step add their magnitude only while active', () => {
    const base = healthyValue(s, key, t0 + 10);
    expect(faultedValue(s, key, t0 + 10, [f('step', { magnitude: 5 })])).toBeCloseTo(base + 5);
    expect(faultedValue(s, key, t0 + 10, [f('spike', { magnitude: 50, end: t0 + 5 })])).toBeCloseTo(base);
  });

  it('drift grows with time, stuck freezes, out_of_range leaves the physical range', () => {
    expect(faultedValue(s, key, t0 + 120_000, [f('drift', { magnitude: 1 })]) - healthyValue(s, key, t0 + 120_000)).toBeCloseTo(2);
    expect(faultedValue(s, key, t0 + 90_000, [f('stuck')])).toBe(healthyValue(s, key, t0));
    expect(faultedValue(s, key, t0 + 1, [f('out_of_range')])).toBeGreaterThan(s.max);
  });

  it('noise burst widens the noise', () => {
    const spread = (faults: any[]) => {
      const vs = Array.from({ length: 200 }, (_, i) => faultedValue(s, key, t0 + i * 100, faults) - healthyValue(s, key, t0 + i * 100, 0));
      return Math.sqrt(vs.reduce((a, v) => a + v * v, 0) / vs.length);
    };
    expect(spread([f('noise_burst', { magnitude: 10 })])).toBeGreaterThan(5 * spread([]));
  });

  it('a plant device fault: stop answering and slow', () => {
    const p = new Plant(opts);
    p.injectFault({ kind: 'slow', plc: 'plc-01', magnitude: 300 }, 0);
    expect(p.deviceFault(p.plcs[0], 1)).toEqual({ stopped: false, delayMs: 300, offline: false });
    p.injectFault({ kind: 'stop_answering', plc: 'plc-01' }, 0);
    expect(p.deviceFault(p.plcs[0], 1).stopped).toBe(true);
    expect(p.deviceFault(p.plcs[1], 1)).toEqual({ stopped: false, delayMs: 0, offline: false });
    const reboot = p.injectFault({ kind: 'reboot', plc: 'plc-02' }, 0);
    expect(reboot.end).toBe(5000);
    expect(p.deviceFault(p.plcs[1], 4999).offline).toBe(true);
    expect(p.deviceFault(p.plcs[1], 5000).offline).toBe(false);
    expect(p.clearFaults({ plc: 'plc-01' })).toBe(2);
    expect(p.clearFaults()).toBe(1);
    expect(() => p.injectFault({ kind: 'spike', plc: 'plc-01', sensor_id: 'nope' })).toThrow(/needs a sensor_id/);
  });
});

describe('encodeValue', () => {
  it('writes the four byte orders of a float32', () => {
    expect(encodeValue(10, 'float32', 'big', 'big')).toEqual([0x4120, 0x0000]);
    expect(encodeValue(10, 'float32', 'little', 'big')).toEqual([0x0000, 0x4120]);
    expect(encodeValue(10, 'float32', 'big', 'little')).toEqual([0x2041, 0x0000]);
    expect(encodeValue(10, 'float32', 'little', 'little')).toEqual([0x0000, 0x2041]);
  });
});
