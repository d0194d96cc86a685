import { DEFAULT_SLIDE_RAMP_MS, faultedValue } from './faults';
import { COUNT_DUTY, healthyValue, makeSignal } from './plant-model';
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
    expect(file.devices.map((d) => d.protocol === 'modbus' && [d.id, d.port, d.host, d.poll_interval_ms])).toEqual([['plc-01', 5020, '10.0.0.5', 500], ['plc-02', 5021, '10.0.0.5', 500]]);
    expect(file.tags).toHaveLength(24);
    const t4 = file.tags.find((t) => t.sensor_id === 'P01-PT-002')!;
    expect(t4).toMatchObject({ source: { register_type: 'holding', address: 2, data_type: 'float32' }, unit: 'bar', area: 'Boiler house' });
    expect(file.tags.find((t) => t.sensor_id === 'P02-FT-003')!.source).toMatchObject({ word_order: 'little' });
    expect(file.tags.find((t) => t.sensor_id === 'P01-IT-005')).toMatchObject({ source: { register_type: 'input', address: 0, data_type: 'int16' }, scale: 0.1 });
  });

  it('lists its pumps as assets in the device file when asked, sensors in role order', () => {
    const p = new Plant(opts);
    expect(p.deviceFile().assets).toBeUndefined();
    const file = p.deviceFile('10.0.0.5', 500, undefined, true);
    expect(file.assets).toEqual([
      { id: 'plc-01-pump', name: 'Pump 01 (Boiler house)', area: 'Boiler house', sensor_ids: ['P01-FT-003', 'P01-PT-002', 'P01-IT-005', 'P01-VT-006'], settings: {} },
      expect.objectContaining({ id: 'plc-02-pump', sensor_ids: ['P02-FT-003', 'P02-PT-002', 'P02-IT-005', 'P02-VT-006'] }),
    ]);
    const tagIds = new Set(file.tags.map((t) => t.sensor_id));
    for (const a of file.assets!) for (const id of a.sensor_ids) expect(tagIds.has(id)).toBe(true);
  });

  it('a steady plant has no slow cycles, only noise around each base; asset faults still move its pumps', () => {
    const p = new Plant({ ...opts, cycles: false });
    const cycling = new Plant(opts);
    const plc = p.plcs[0];
    const flow = plc.tags.find((t) => t.sensor_id === 'P01-FT-003')!;
    const t0 = 1_700_000_000_000;
    const spread = (plant: Plant) => {
      const vs = Array.from({ length: 300 }, (_, i) => plant.value(plant.plcs[0], plant.plcs[0].tags[flow.index], t0 + i * 1000));
      return Math.max(...vs) - Math.min(...vs);
    };
    expect(spread(p)).toBeLessThan(10 * flow.signal.noise);
    expect(spread(cycling)).toBeGreaterThan(flow.signal.amplitude);
    const before = p.value(plc, flow, t0 + 60_000);
    p.injectFault({ kind: 'valve_closing', asset: 'plc-01-pump', ramp_ms: 1000 }, t0);
    expect(p.value(plc, flow, t0 + 60_000) - before).toBeCloseTo(-(flow.signal.amplitude + 4 * flow.signal.noise));
  });

  it('writes the PLCs it is asked to as OPC UA devices of its server, their tags bound to the variables', () => {
    const p = new Plant(opts);
    const file = p.deviceFile('10.0.0.5', 500, { endpointUrl: 'opc.tcp://10.0.0.5:4840/UA/PlcSim', plcIds: new Set(['plc-02']) });
    expect(file.devices.map((d) => [d.id, d.protocol])).toEqual([['plc-01', 'modbus'], ['plc-02', 'opcua']]);
    expect(file.devices[1]).toMatchObject({ endpoint_url: 'opc.tcp://10.0.0.5:4840/UA/PlcSim', security_mode: 'None', security_policy: 'None', publishing_interval_ms: 500, enabled: true });
    // Same tags, limits and units as over Modbus; OPC UA serves engineering values, so no scaling.
    const ua = file.tags.find((t) => t.sensor_id === 'P02-FT-003')!;
    expect(ua).toMatchObject({ device_id: 'plc-02', source: { node_id: 'ns=1;s=P02-FT-003' }, scale: 1, unit: 'm³/h' });
    expect(ua.limits).toEqual(p.deviceFile().tags.find((t) => t.sensor_id === 'P02-FT-003')!.limits);
    expect(file.tags.find((t) => t.sensor_id === 'P01-IT-005')).toMatchObject({ source: { register_type: 'input' }, scale: 0.1 });
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

describe('the faults that unfold over hours or take a pattern away', () => {
  const s = makeSignal(1, 0, 0); // a temperature
  const key = [1, 0, 0];
  const t0 = 1_000_000;
  const HOUR = 3_600_000;
  const f = (kind: any, extra: object = {}) => ({ id: 1, kind, plc: 'plc-01', sensor_id: 'x', start: t0, end: null, ...extra });
  const departure = (t: number, faults: any[]) => faultedValue(s, key, t, faults) - healthyValue(s, key, t);

  it('slide: starts imperceptibly, grows with the square of time, reaches its magnitude after the ramp and holds it', () => {
    const slide = [f('slide', { magnitude: 8, ramp_ms: 2 * HOUR })];
    expect(departure(t0, slide)).toBeCloseTo(0);
    expect(departure(t0 + 0.5 * HOUR, slide)).toBeCloseTo(0.5); // 8 × (1/4)²
    expect(departure(t0 + HOUR, slide)).toBeCloseTo(2);
    expect(departure(t0 + 2 * HOUR, slide)).toBeCloseTo(8);
    expect(departure(t0 + 5 * HOUR, slide)).toBeCloseTo(8);
    // First minute: far below the noise, so only its persistence over hours gives it away.
    expect(departure(t0 + 60_000, slide)).toBeLessThan(s.noise / 10);
  });

  it('slide: by default takes 4 h to reach twice the cycle amplitude plus 10 σ', () => {
    expect(DEFAULT_SLIDE_RAMP_MS).toBe(4 * HOUR);
    expect(departure(t0 + 4 * HOUR, [f('slide')])).toBeCloseTo(2 * s.amplitude + 10 * s.noise);
    expect(departure(t0 + 2 * HOUR, [f('slide')])).toBeCloseTo((2 * s.amplitude + 10 * s.noise) / 4);
  });

  it('no_cycle: the cycle dies out over one period, without a jump; level and noise stay', () => {
    const noCycle = [f('no_cycle')];
    for (let t = t0; t < t0 + s.periodMs; t += 1000) {
      expect(Math.abs(faultedValue(s, key, t + 1000, noCycle) - faultedValue(s, key, t, noCycle) - (healthyValue(s, key, t + 1000, 0) - healthyValue(s, key, t, 0)))).toBeLessThan(
        (s.amplitude * 2 * 1000) / s.periodMs + 8 * s.noise,
      );
    }
    const over = (faults: any[]) => Array.from({ length: 600 }, (_, i) => faultedValue(s, key, t0 + s.periodMs + i * (s.periodMs / 300), faults));
    const spread = (vs: number[]) => Math.max(...vs) - Math.min(...vs);
    const mean = (vs: number[]) => vs.reduce((a, v) => a + v, 0) / vs.length;
    const healthy = over([]);
    const flat = over([f('no_cycle')]);
    expect(spread(healthy)).toBeGreaterThan(2 * s.amplitude);
    expect(spread(flat)).toBeLessThan(10 * s.noise);
    expect(spread(flat)).toBeGreaterThan(0);
    expect(Math.abs(mean(flat) - s.base)).toBeLessThan(s.noise);
    expect(Math.abs(mean(healthy) - mean(flat))).toBeLessThan(s.amplitude / 5);
  });

  describe('a counter', () => {
    const c = makeSignal(1, 0, 11, true);
    const ckey = [1, 0, 11];
    const samples = (faults: any[], from = t0, n = 3600) => Array.from({ length: n }, (_, i) => faultedValue(c, ckey, from + i * 1000, faults));

    it('counts whole pieces in bursts, zero most of the time', () => {
      expect(c).toMatchObject({ kind: 'count', code: 'QT', unit: 'pcs/min' });
      const vs = samples([]);
      expect(vs.every((v) => Number.isInteger(v) && v >= 0)).toBe(true);
      const zeros = vs.filter((v) => v === 0).length / vs.length;
      expect(zeros).toBeGreaterThan(1 - COUNT_DUTY - 0.05);
      expect(zeros).toBeLessThan(1 - COUNT_DUTY + 0.05);
      const running = vs.filter((v) => v > 0);
      expect(running.reduce((a, v) => a + v, 0) / running.length).toBeCloseTo(c.base, -1);
    });

    it('counter_stop: the increments stop (zeros where bursts come); no_cycle: the line runs steadily at its average rate', () => {
      expect(samples([f('counter_stop')]).every((v) => v === 0)).toBe(true);
      const steady = samples([f('no_cycle')], t0 + c.periodMs);
      expect(Math.min(...steady)).toBeGreaterThan(0);
      expect(steady.reduce((a, v) => a + v, 0) / steady.length).toBeCloseTo(COUNT_DUTY * c.base, -1);
      // Before the fault starts the counter is healthy.
      expect(samples([f('counter_stop', { start: t0 + 3600_000 })])).toEqual(samples([]));
    });

    it('is every 12th tag of a PLC when counters are on (off by default), leaving the other tags as they were; only a count too high is an alarm', () => {
      expect(new Plant({ ...opts, tagsPerPlc: 24 }).plcs[0].tags.some((t) => t.signal.kind === 'count')).toBe(false);
      const p = new Plant({ ...opts, tagsPerPlc: 24, counters: true });
      expect(p.plcs[0].tags.filter((t) => t.signal.kind === 'count').map((t) => t.sensor_id)).toEqual(['P01-QT-012', 'P01-QT-024']);
      expect(p.plcs[0].tags.slice(0, 11).map((t) => t.signal.kind)).toEqual(['temperature', 'pressure', 'flow', 'level', 'motor_current', 'vibration', 'temperature', 'pressure', 'flow', 'level', 'motor_current']);
      const limits = p.deviceFile().tags.find((t) => t.sensor_id === 'P01-QT-012')!.limits!;
      expect(limits.lo).toBeUndefined();
      expect(limits.lolo).toBeUndefined();
      expect(limits.hi).toBeGreaterThan(c.base);
    });

    it('counter_stop is refused on a tag that is not a counter; slide checks its ramp', () => {
      const p = new Plant({ ...opts, counters: true });
      expect(() => p.injectFault({ kind: 'counter_stop', plc: 'plc-01', sensor_id: 'P01-TT-001' })).toThrow(/count tag/);
      expect(p.injectFault({ kind: 'counter_stop', plc: 'plc-01', sensor_id: 'P01-QT-012' }, 0)).toMatchObject({ kind: 'counter_stop', end: null });
      expect(() => p.injectFault({ kind: 'slide', plc: 'plc-01', sensor_id: 'P01-TT-001', ramp_ms: -5 })).toThrow(/ramp_ms/);
      expect(p.injectFault({ kind: 'slide', plc: 'plc-01', sensor_id: 'P01-TT-001', magnitude: 4, ramp_ms: 60_000 }, 0)).toMatchObject({ ramp_ms: 60_000, magnitude: 4, end: null });
      const t = p.plcs[0].tags[0];
      expect(p.value(p.plcs[0], t, 60_000) - healthyValue(t.signal, [opts.seed, 0, 0], 60_000)).toBeCloseTo(4);
    });
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
