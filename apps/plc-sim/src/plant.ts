import type { DeviceFile, Endianness, ModbusDataType, RegisterType, TagDto } from '@idm/contracts';
import { ASSET_ROLES, assetFaultOffset, AssetRole, isAssetFault, SimAsset } from './asset-faults';
import { defaultDurationMs, Fault, faultedValue, FaultKind, isActive, TAG_FAULTS } from './faults';
import { makeSignal, SignalSpec } from './plant-model';
import { encodeValue } from './register-encoding';

export const AREAS = ['Boiler house', 'Turbine hall', 'Cooling water', 'Compressor station', 'Water treatment', 'Tank farm'];

export interface SimTag {
  sensor_id: string;
  index: number;
  signal: SignalSpec;
  register_type: RegisterType;
  address: number;
  data_type: Exclude<ModbusDataType, 'bool'>;
  word_order: Endianness;
  byte_order: Endianness;
  scale: number;
}

export interface SimPlc {
  index: number;
  id: string;
  name: string;
  area: string;
  port: number;
  unit_id: number;
  tags: SimTag[];
  /** Tag at each register address, per area, for fast block reads. */
  byAddress: Record<'holding' | 'input', Map<number, SimTag>>;
}

/** What a fault injection asks for (the control API's `POST /faults` body). */
export interface FaultRequest {
  kind: FaultKind;
  /** Required except for asset faults (the asset's PLC). */
  plc?: string;
  sensor_id?: string;
  /** Asset faults: the asset's id (`plc` may then be left out). */
  asset?: string;
  magnitude?: number;
  duration_ms?: number;
  /** `slide` only: time to reach `magnitude` (default 4 h). */
  ramp_ms?: number;
}

export interface PlantOptions {
  plcs: number;
  tagsPerPlc: number;
  seed: number;
  /** `ports`: PLC i listens on basePort + i with unit id 1; `units`: all on basePort with unit ids 1..n. */
  layout: 'ports' | 'units';
  basePort: number;
  /** Every 12th tag a batch counter (see COUNT_TAG_EVERY); off by default. */
  counters?: boolean;
  /**
   * false: a steady plant, every signal at its base plus noise (no slow cycles). For tests whose detectors
   * learn in seconds: a few seconds of a cycle of minutes teach nothing about the rest of it.
   */
  cycles?: boolean;
}

/**
 * The simulated plant: PLCs with tags laid out like a real PLC program (float32 process values in holding
 * registers, every fifth one an int16 ×0.1 in input registers; odd PLCs use CDAB word order as many
 * Schneider/Modicon devices do), values from the plant model with faults applied.
 */
export class Plant {
  readonly plcs: SimPlc[] = [];
  /** One pump per PLC that has a flow, a pressure, a motor current and a vibration tag. */
  readonly assets: SimAsset[] = [];
  /** sensor id → its asset and role, for applying asset faults. */
  private readonly assetRoles = new Map<string, { asset: string; role: AssetRole }>();
  private faults: Fault[] = [];
  private nextFaultId = 1;

  constructor(readonly options: PlantOptions) {
    for (let i = 0; i < options.plcs; i++) {
      const id = `plc-${String(i + 1).padStart(2, '0')}`;
      const plc: SimPlc = {
        index: i,
        id,
        name: `PLC ${String(i + 1).padStart(2, '0')} (${AREAS[i % AREAS.length]})`,
        area: AREAS[i % AREAS.length],
        port: options.layout === 'ports' ? options.basePort + i : options.basePort,
        unit_id: options.layout === 'ports' ? 1 : i + 1,
        tags: [],
        byAddress: { holding: new Map(), input: new Map() },
      };
      let holding = 0;
      let input = 0;
      for (let j = 0; j < options.tagsPerPlc; j++) {
        const signal = makeSignal(options.seed, i, j, options.counters ?? false);
        const asInt = j % 5 === 4;
        const tag: SimTag = {
          sensor_id: `P${String(i + 1).padStart(2, '0')}-${signal.code}-${String(j + 1).padStart(3, '0')}`,
          index: j,
          signal,
          register_type: asInt ? 'input' : 'holding',
          address: asInt ? input : holding,
          data_type: asInt ? 'int16' : 'float32',
          word_order: i % 2 === 1 ? 'little' : 'big',
          byte_order: 'big',
          scale: asInt ? 0.1 : 1,
        };
        if (asInt) input += 1;
        else holding += 2;
        plc.tags.push(tag);
        plc.byAddress[tag.register_type as 'holding' | 'input'].set(tag.address, tag);
      }
      this.plcs.push(plc);
      this.addPump(plc);
    }
  }

  private addPump(plc: SimPlc): void {
    const first = (kind: string) => plc.tags.find((t) => t.signal.kind === kind)?.sensor_id;
    const sensors = { flow: first('flow'), pressure: first('pressure'), current: first('motor_current'), vibration: first('vibration') };
    if (Object.values(sensors).some((id) => id === undefined)) return;
    const asset: SimAsset = { id: `${plc.id}-pump`, name: `Pump ${plc.id.slice(4)} (${plc.area})`, area: plc.area, plc: plc.id, sensors: sensors as Record<AssetRole, string> };
    this.assets.push(asset);
    for (const role of ASSET_ROLES) this.assetRoles.set(asset.sensors[role], { asset: asset.id, role });
  }

  plcAt(port: number, unitId: number): SimPlc | undefined {
    return this.plcs.find((p) => p.port === port && (p.unit_id === unitId || this.options.layout === 'ports'));
  }

  plcById(id: string): SimPlc | undefined {
    return this.plcs.find((p) => p.id === id);
  }

  value(plc: SimPlc, tag: SimTag, t: number): number {
    const faults = this.faults.filter((f) => f.plc === plc.id && f.sensor_id === tag.sensor_id);
    const v = faultedValue(tag.signal, [this.options.seed, plc.index, tag.index], t, faults, this.options.cycles === false ? 0 : 1);
    const member = this.assetRoles.get(tag.sensor_id);
    if (!member) return v;
    let offset = 0;
    for (const f of this.faults) if (f.asset === member.asset && isAssetFault(f.kind) && isActive(f, t)) offset += assetFaultOffset({ ...f, kind: f.kind }, member.role, tag.signal, t);
    return v + offset;
  }

  /** Registers as the PLC would send them; unused addresses read as 0 like real PLC memory. */
  readRegisters(plc: SimPlc, area: 'holding' | 'input', address: number, count: number, t: number): number[] {
    const out = new Array<number>(count).fill(0);
    const map = plc.byAddress[area];
    // Start a little before: a 2-register value may begin just before the requested range.
    for (let a = address - 3; a < address + count; a++) {
      const tag = map.get(a);
      if (!tag) continue;
      const words = encodeValue(this.value(plc, tag, t) / tag.scale, tag.data_type, tag.word_order, tag.byte_order);
      for (let k = 0; k < words.length; k++) {
        const at = a + k - address;
        if (at >= 0 && at < count) out[at] = words[k];
      }
    }
    return out;
  }

  /** The simulator has no coils or discrete inputs wired: they read as off. */
  readBits(_plc: SimPlc, _area: 'coil' | 'discrete_input', _address: number, count: number): boolean[] {
    return new Array<boolean>(count).fill(false);
  }

  injectFault(input: FaultRequest, now = Date.now()): Fault {
    if (isAssetFault(input.kind)) {
      const asset = this.assets.find((a) => a.id === input.asset);
      if (!asset) throw new Error(`fault ${input.kind} needs an asset: one of ${this.assets.map((a) => a.id).join(', ')}`);
      if (input.plc !== undefined && input.plc !== asset.plc) throw new Error(`asset ${asset.id} belongs to ${asset.plc}, not ${input.plc}`);
      input = { ...input, plc: asset.plc, sensor_id: undefined };
    }
    const plc = this.plcById(input.plc ?? '');
    if (!plc) throw new Error(`unknown plc "${input.plc ?? ''}"`);
    if ((TAG_FAULTS as readonly string[]).includes(input.kind)) {
      const tag = plc.tags.find((t) => t.sensor_id === input.sensor_id);
      if (!tag) throw new Error(`fault ${input.kind} needs a sensor_id of ${plc.id}`);
      if (input.kind === 'counter_stop' && tag.signal.kind !== 'count') throw new Error(`fault counter_stop needs a count tag (QT), not ${tag.sensor_id}`);
    }
    for (const field of ['magnitude', 'duration_ms', 'ramp_ms'] as const) {
      const v = input[field];
      if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || (field !== 'magnitude' && v <= 0))) {
        throw new Error(`${field} must be a ${field === 'magnitude' ? '' : 'positive '}number`);
      }
    }
    const duration = input.duration_ms ?? defaultDurationMs(input.kind);
    const fault: Fault = {
      id: this.nextFaultId++,
      kind: input.kind,
      plc: plc.id,
      sensor_id: input.sensor_id,
      ...(input.asset !== undefined && isAssetFault(input.kind) ? { asset: input.asset } : {}),
      start: now,
      end: duration === null ? null : now + duration,
      magnitude: input.magnitude,
      ...(input.ramp_ms !== undefined ? { ramp_ms: input.ramp_ms } : {}),
    };
    this.faults.push(fault);
    return fault;
  }

  clearFaults(filter: { plc?: string; id?: number } = {}): number {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => (filter.plc !== undefined && f.plc !== filter.plc) || (filter.id !== undefined && f.id !== filter.id));
    return before - this.faults.length;
  }

  activeFaults(t = Date.now()): Fault[] {
    return this.faults.filter((f) => isActive(f, t));
  }

  /** Active device fault of a PLC (stop answering wins over slow). */
  deviceFault(plc: SimPlc, t = Date.now()): { stopped: boolean; delayMs: number; offline: boolean } {
    const active = this.faults.filter((f) => f.plc === plc.id && isActive(f, t));
    const slow = active.filter((f) => f.kind === 'slow').reduce((m, f) => Math.max(m, f.magnitude ?? 2000), 0);
    return { stopped: active.some((f) => f.kind === 'stop_answering'), delayMs: slow, offline: active.some((f) => f.kind === 'reboot') };
  }

  /**
   * The matching IDM device file: same ids, addresses, types and orders, so the two agree by construction.
   * PLCs listed in `opcua.plcIds` are written as OPC UA devices of the simulator's OPC UA server (security
   * None, each tag bound to its variable `ns=1;s=<sensor_id>`, engineering values so scale 1) instead of Modbus.
   */
  deviceFile(host = '127.0.0.1', pollIntervalMs = 1000, opcua?: { endpointUrl: string; plcIds: ReadonlySet<string> }, withAssets = false): DeviceFile {
    const overOpcua = (p: SimPlc) => opcua?.plcIds.has(p.id) ?? false;
    const devices: DeviceFile['devices'] = this.plcs.map((p) =>
      overOpcua(p)
        ? {
            id: p.id,
            name: p.name,
            protocol: 'opcua' as const,
            endpoint_url: opcua!.endpointUrl,
            security_mode: 'None' as const,
            security_policy: 'None' as const,
            publishing_interval_ms: pollIntervalMs,
            timeout_ms: 5000,
            enabled: true,
          }
        : {
            id: p.id,
            name: p.name,
            protocol: 'modbus' as const,
            host,
            port: p.port,
            unit_id: p.unit_id,
            poll_interval_ms: pollIntervalMs,
            timeout_ms: 1000,
            enabled: true,
            block_gap: 8,
          },
    );
    const tags: TagDto[] = this.plcs.flatMap((p) =>
      p.tags.map((t) => {
        const s = t.signal;
        const band = s.amplitude + 4 * s.noise;
        // A counter counts 0 between batches: only a count too high for the line is an alarm.
        const limits =
          s.kind === 'count'
            ? { hi: r(1.5 * s.base), hihi: r(2 * s.base), deadband: r(s.noise) }
            : { lolo: r(s.base - 2 * band), lo: r(s.base - 1.5 * band), hi: r(s.base + 1.5 * band), hihi: r(s.base + 2 * band), deadband: r(s.noise) };
        return {
          sensor_id: t.sensor_id,
          device_id: p.id,
          area: p.area,
          source: overOpcua(p)
            ? { node_id: `ns=1;s=${t.sensor_id}` }
            : { register_type: t.register_type, address: t.address, data_type: t.data_type, word_order: t.word_order, byte_order: t.byte_order },
          scale: overOpcua(p) ? 1 : t.scale,
          offset: 0,
          unit: s.unit,
          description: `${s.label} ${t.index + 1} of ${p.name}`,
          limits,
          physical_min: s.min,
          physical_max: s.max,
        };
      }),
    );
    if (!withAssets) return { version: 2, devices, tags };
    // Each pump watched by IDM's multivariate detector, its sensors in role order (flow, pressure, current, vibration).
    const assets = this.assets.map((a) => ({ id: a.id, name: a.name, area: a.area, sensor_ids: ASSET_ROLES.map((role) => a.sensors[role]), settings: {} }));
    return { version: 2, devices, tags, assets };
  }
}

function r(v: number): number {
  return Math.round(v * 1000) / 1000;
}
