import type { FlatModbusTagDto as TagDto, IngestedSample, ModbusDeviceDto, RegisterType } from '@idm/contracts';
import { sensorIndex } from '../../sensor-index';
import { DevicePoller, DevicePollerDeps, PollerCarryOver } from './device-poller';
import { ModbusExceptionError, ModbusReader } from './modbus-reader';

const device: ModbusDeviceDto = { id: 'd1', name: 'D1', protocol: 'modbus', host: 'h', port: 502, unit_id: 1, poll_interval_ms: 20, timeout_ms: 50, enabled: true, block_gap: 0 };
const tag = (sensor_id: string, register_type: RegisterType, address: number): TagDto => ({
  sensor_id, device_id: 'd1', area: '', register_type, address, data_type: register_type === 'coil' ? 'bool' : 'uint16',
  word_order: 'big', byte_order: 'big', scale: 1, offset: 0, unit: '', description: '',
});

/** A scriptable fake device: `mode` decides how the next read behaves. */
class FakeReader implements ModbusReader {
  static mode: 'ok' | 'down' | 'refuse-input' | 'holes' | 'short-holding' | 'gateway' = 'ok';
  /** Holding registers the device refuses (exception 2) in any read covering them. */
  static refused: number[] = [];
  static delayMs = 0;
  static reads = 0;
  /** Every read: [area, address, count, time]. */
  static log: Array<[RegisterType, number, number, number]> = [];
  /** A fake clock (for `now`) that each read advances by `clockStep` ms: a device answering slowly. */
  static clock = 1_000_000;
  static clockStep = 0;
  isOpen = false;
  async connect(): Promise<void> {
    if (FakeReader.mode === 'down') throw new Error('connect ECONNREFUSED');
    this.isOpen = true;
  }
  async read(area: RegisterType, address: number, count: number): Promise<number[] | boolean[]> {
    FakeReader.reads++;
    FakeReader.clock += FakeReader.clockStep;
    FakeReader.log.push([area, address, count, FakeReader.clock]);
    if (FakeReader.delayMs) await new Promise((r) => setTimeout(r, FakeReader.delayMs));
    if (FakeReader.mode === 'down') throw new Error('Timed out');
    if (FakeReader.mode === 'gateway') throw new ModbusExceptionError(11, 'Modbus exception 11 (gateway target device failed to respond)');
    if (area === 'holding' && FakeReader.refused.some((r) => address <= r && address + count > r)) throw new ModbusExceptionError(2, 'Modbus exception 2');
    if (FakeReader.mode === 'short-holding' && area === 'holding') return Array.from({ length: count - 1 }, (_, i) => address + i);
    if (FakeReader.mode === 'refuse-input' && area === 'input') throw new ModbusExceptionError(2, 'Modbus exception 2');
    // A PLC whose holding registers 1..9 are unmapped.
    if (FakeReader.mode === 'holes' && area === 'holding' && address < 10 && address + count > 1) throw new ModbusExceptionError(2, 'Modbus exception 2');
    return area === 'coil' ? Array.from({ length: count }, () => true) : Array.from({ length: count }, (_, i) => address + i);
  }
  async close(): Promise<void> {
    this.isOpen = false;
  }
}

const live: DevicePoller[] = [];

function setup(tags: TagDto[], over: Partial<DevicePollerDeps> = {}, gap = 0, carry?: PollerCarryOver) {
  const batches: IngestedSample[][] = [];
  const events: string[] = [];
  const poller = new DevicePoller({ ...device, block_gap: gap }, tags, {
    createReader: () => new FakeReader(),
    publish: async (b) => void batches.push(b),
    commFailed: (_d, _at, reason) => void events.push(`failed:${reason}`),
    commRestored: () => void events.push('restored'),
    backoff: { baseMs: 10, maxMs: 40, jitter: 0 },
    ...over,
  }, carry);
  live.push(poller);
  return { poller, batches, events };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits for a condition (a loaded CI machine may delay timers; the assertions follow separately). */
async function until(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond() && Date.now() < end) await sleep(5);
}

describe('DevicePoller', () => {
  beforeEach(() => {
    FakeReader.mode = 'ok';
    FakeReader.delayMs = 0;
    FakeReader.reads = 0;
    FakeReader.log = [];
    FakeReader.clockStep = 0;
    FakeReader.refused = [];
  });
  afterEach(async () => {
    await Promise.all(live.splice(0).map((p) => p.stop()));
  });

  it('polls every block and publishes one batch per poll, each block stamped when its response came', async () => {
    // A slow device: each response comes 10 s after the one before.
    FakeReader.clockStep = 10_000;
    const { poller, batches } = setup([tag('a', 'holding', 5), tag('b', 'holding', 6), tag('c', 'coil', 0)], { now: () => FakeReader.clock });
    poller.start();
    await until(() => batches.length >= 2);
    await poller.stop();
    expect(poller.plan).toHaveLength(2);
    expect(batches.length).toBeGreaterThanOrEqual(2);
    expect(batches[0].map((s) => [s.sensor_id, s.value, s.quality])).toEqual([['c', 1, 'good'], ['a', 5, 'good'], ['b', 6, 'good']]);
    // Each sample carries its sensor's process-wide number (detection indexes its state by it).
    expect(batches[0].map((s) => s.sensor_index)).toEqual(['c', 'a', 'b'].map(sensorIndex));
    const [coilRead, holdingRead] = FakeReader.log;
    expect(batches[0].map((s) => s.timestamp)).toEqual([coilRead[3], holdingRead[3], holdingRead[3]]);
    expect(holdingRead[3] - coilRead[3]).toBe(10_000);
    expect(poller.status()).toMatchObject({ state: 'connected', requests_per_poll: 2, errors: 0 });
  });

  it('marks the tags of a refused block bad and keeps the rest good', async () => {
    FakeReader.mode = 'refuse-input';
    const { poller, batches } = setup([tag('a', 'holding', 0), tag('b', 'input', 0)]);
    poller.start();
    await until(() => batches.length >= 1);
    await poller.stop();
    expect(batches[0].map((s) => [s.sensor_id, s.quality])).toEqual([['a', 'good'], ['b', 'bad']]);
    expect(poller.status().state).toBe('connected');
    expect(poller.status().last_good_poll_at).toBeNull();
  });

  it('splits a block the PLC refuses because it spans unmapped registers, and keeps the split', async () => {
    FakeReader.mode = 'holes';
    const { poller, batches } = setup([tag('a', 'holding', 0), tag('b', 'holding', 10)], {}, 10);
    expect(poller.plan).toHaveLength(1);
    poller.start();
    await until(() => batches.length >= 1);
    await poller.stop();
    expect(poller.plan.map((b) => [b.address, b.count])).toEqual([[0, 1], [10, 1]]);
    expect(batches[0].map((s) => [s.sensor_id, s.value, s.quality])).toEqual([['a', 0, 'good'], ['b', 10, 'good']]);
    expect(poller.status().requests_per_poll).toBe(2);
  });

  it('goes stale, then comm failure once, backs off, and recovers with one restored event', async () => {
    const { poller, batches, events } = setup([tag('a', 'holding', 0)]);
    poller.start();
    await until(() => batches.length >= 1);
    FakeReader.mode = 'down';
    await until(() => poller.status().consecutive_failures >= 3);
    const qualities = batches.flat().map((s) => s.quality);
    expect(qualities).toContain('stale');
    expect(qualities.filter((q) => q === 'comm_failure')).toHaveLength(1);
    // Reported once (the reconnect attempts that follow fail too, silently).
    expect(events).toHaveLength(1);
    expect(events[0]).toMatch(/^failed:(Timed out|connect ECONNREFUSED)$/);
    expect(poller.status()).toMatchObject({ state: 'comm_failure', connected: false });
    expect(poller.status().consecutive_failures).toBeGreaterThanOrEqual(3);
    FakeReader.mode = 'ok';
    await until(() => events.length >= 2 && batches[batches.length - 1]?.[0]?.quality === 'good');
    await poller.stop();
    expect(events.slice(1)).toEqual(['restored']);
    expect(batches[batches.length - 1][0].quality).toBe('good');
  });

  it('narrows a refused block down to the one register the PLC refuses: only its tag is bad', async () => {
    FakeReader.refused = [85];
    const { poller, batches } = setup(['84', '85', '86', '88', '90'].map((a) => tag(`h${a}`, 'holding', Number(a))), {}, 8);
    expect(poller.plan.map((b) => [b.address, b.count])).toEqual([[84, 7]]);
    poller.start();
    await until(() => batches.length >= 2);
    await poller.stop();
    for (const batch of batches.slice(0, 2)) {
      expect(batch.map((s) => [s.sensor_id, s.value, s.quality])).toEqual([['h84', 84, 'good'], ['h85', 0, 'bad'], ['h86', 86, 'good'], ['h88', 88, 'good'], ['h90', 90, 'good']]);
    }
    expect(poller.plan.map((b) => [b.address, b.count])).toEqual([[84, 1], [85, 1], [86, 1], [88, 1], [90, 1]]);
    expect(poller.status()).toMatchObject({ state: 'connected', requests_per_poll: 5 });
    expect(poller.status().last_error).toMatch(/exception 2/);
  });

  it('keeps the tags around a refused register of a large block in few requests', async () => {
    FakeReader.refused = [25];
    const { poller, batches } = setup(Array.from({ length: 40 }, (_, i) => tag(`h${i}`, 'holding', i)));
    expect(poller.plan).toHaveLength(1);
    poller.start();
    await until(() => batches.length >= 2);
    await poller.stop();
    expect(batches[1].filter((s) => s.quality !== 'good').map((s) => s.sensor_id)).toEqual(['h25']);
    // Halving the refused part (0+40 → 20+20 → 20+10 → 25+5 → 25+3 → 25+2 → 25): 7 requests, not 40 of one register.
    expect(poller.plan.map((b) => [b.address, b.count])).toEqual([[0, 20], [20, 5], [25, 1], [26, 1], [27, 1], [28, 2], [30, 10]]);
  });

  it('tries the original plan again after a split: later and later while still refused, merged once accepted', async () => {
    FakeReader.refused = [85];
    FakeReader.clockStep = 10_000; // every read takes 10 s of the poller's clock: the retry schedule is exact
    const { poller, batches } = setup(['84', '85', '86', '88', '90'].map((a) => tag(`h${a}`, 'holding', Number(a))), {
      now: () => FakeReader.clock,
      replanRetry: { baseMs: 60_000, maxMs: 240_000 },
    }, 8);
    poller.start();
    const originalReads = () => FakeReader.log.filter(([, address, count]) => address === 84 && count === 7).map((r) => r[3]);
    await until(() => originalReads().length >= 6);
    const tries = originalReads();
    expect(tries.length).toBeGreaterThanOrEqual(6);
    const gaps = tries.slice(1).map((t, i) => t - tries[i]);
    // retry delay 60 s, 120 s, 240 s, 240 s ... after the poll that split again (each retry poll: 7 reads = 70 s)
    // A retry poll ends 70 s after its first read (8 reads); the next try comes 60, 120, 240, 240 s later, at
    // the start of the next poll (a split poll is 5 reads, 50 s): 70 + 60 + 50 = 180, 70 + 120 + 40 = 230 ...
    expect(gaps.slice(0, 5)).toEqual([180_000, 230_000, 330_000, 330_000, 330_000]);
    FakeReader.refused = [];
    await until(() => poller.plan.length === 1 && batches[batches.length - 1]?.every((s) => s.quality === 'good'));
    await poller.stop();
    expect(poller.plan.map((b) => [b.address, b.count])).toEqual([[84, 7]]);
    expect(poller.status().requests_per_poll).toBe(1);
    expect(batches[batches.length - 1].map((s) => s.quality)).toEqual(['good', 'good', 'good', 'good', 'good']);
  });

  it('fails only the block whose response is short, and clears last_error once answers are whole again', async () => {
    FakeReader.mode = 'short-holding';
    const { poller, batches, events } = setup([tag('a', 'holding', 0), tag('b', 'holding', 1), tag('c', 'coil', 0)]);
    poller.start();
    await until(() => batches.length >= 3);
    expect(batches[2].map((s) => [s.sensor_id, s.quality])).toEqual([['c', 'good'], ['a', 'bad'], ['b', 'bad']]);
    expect(poller.status()).toMatchObject({ state: 'connected', connected: true, consecutive_failures: 0 });
    expect(poller.status().last_error).toMatch(/short response to holding 0\+2: 1 values/);
    expect(events).toEqual([]);
    FakeReader.mode = 'ok';
    await until(() => batches[batches.length - 1].every((s) => s.quality === 'good'));
    await poller.stop();
    expect(poller.status().last_error).toBeNull();
  });

  it('declares a device refusing every request (gateway exception 11) in comm failure, and restores it', async () => {
    FakeReader.mode = 'gateway';
    const { poller, batches, events } = setup([tag('a', 'holding', 0), tag('c', 'coil', 0)]);
    poller.start();
    await until(() => events.length >= 1 && poller.status().consecutive_failures >= 3);
    expect(events).toEqual(['failed:every request refused: Modbus exception 11 (gateway target device failed to respond)']);
    expect(poller.status()).toMatchObject({ state: 'comm_failure', connected: false });
    expect(poller.status().last_error).toMatch(/^every request refused: Modbus exception 11/);
    expect(batches.flat().filter((s) => s.quality === 'comm_failure')).toHaveLength(2);
    expect(batches.flat().filter((s) => s.quality === 'comm_failure').map((s) => s.sensor_index)).toEqual(['a', 'c'].map(sensorIndex));
    FakeReader.mode = 'ok';
    await until(() => events.length >= 2);
    await poller.stop();
    expect(events[1]).toBe('restored');
    expect(poller.status()).toMatchObject({ state: 'connected', last_error: null });
  });

  it('hands an outstanding comm failure to the poller that replaces it, which reports the restore', async () => {
    const first = setup([tag('a', 'holding', 0)]);
    first.poller.start();
    await until(() => first.batches.length >= 1);
    FakeReader.mode = 'down';
    await until(() => first.events.length >= 1);
    await first.poller.stop(); // the device's settings changed while it was down (PATCH /devices/:id)
    FakeReader.mode = 'ok';
    const second = setup([tag('a', 'holding', 0)], {}, 0, first.poller.carryOver());
    expect(second.poller.status().state).toBe('comm_failure');
    second.poller.start();
    await until(() => second.events.length >= 1);
    await second.poller.stop();
    expect(first.events).toHaveLength(1);
    expect(second.events).toEqual(['restored']);
    expect(second.poller.status().state).toBe('connected');
  });

  it('never starts a poll while the previous one runs', async () => {
    FakeReader.delayMs = 30; // longer than the 20 ms interval
    const { poller } = setup([tag('a', 'holding', 0), tag('b', 'input', 0)]);
    poller.start();
    await sleep(200);
    await poller.stop();
    expect(poller.maxInFlight).toBe(1);
    expect(FakeReader.reads).toBeLessThanOrEqual(Math.ceil(200 / 30) + 1);
  });

  it('does nothing for a disabled device', async () => {
    const p = new DevicePoller({ ...device, enabled: false }, [tag('a', 'holding', 0)], setup([]).poller['deps']);
    p.start();
    await sleep(30);
    expect(p.status()).toMatchObject({ state: 'disabled', polls: 0 });
  });
});
