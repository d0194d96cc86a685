import type { DeviceDto, IngestedSample, RegisterType, TagDto } from '@idm/contracts';
import { DevicePoller, DevicePollerDeps } from './device-poller';
import { ModbusExceptionError, ModbusReader } from './modbus-reader';

const device: DeviceDto = { id: 'd1', name: 'D1', host: 'h', port: 502, unit_id: 1, poll_interval_ms: 20, timeout_ms: 50, enabled: true, block_gap: 0 };
const tag = (sensor_id: string, register_type: RegisterType, address: number): TagDto => ({
  sensor_id, device_id: 'd1', area: '', register_type, address, data_type: register_type === 'coil' ? 'bool' : 'uint16',
  word_order: 'big', byte_order: 'big', scale: 1, offset: 0, unit: '', description: '',
});

/** A scriptable fake device: `mode` decides how the next read behaves. */
class FakeReader implements ModbusReader {
  static mode: 'ok' | 'down' | 'refuse-input' | 'holes' = 'ok';
  static delayMs = 0;
  static reads = 0;
  isOpen = false;
  async connect(): Promise<void> {
    if (FakeReader.mode === 'down') throw new Error('connect ECONNREFUSED');
    this.isOpen = true;
  }
  async read(area: RegisterType, address: number, count: number): Promise<number[] | boolean[]> {
    FakeReader.reads++;
    if (FakeReader.delayMs) await new Promise((r) => setTimeout(r, FakeReader.delayMs));
    if (FakeReader.mode === 'down') throw new Error('Timed out');
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

function setup(tags: TagDto[], over: Partial<DevicePollerDeps> = {}, gap = 0) {
  const batches: IngestedSample[][] = [];
  const events: string[] = [];
  const poller = new DevicePoller({ ...device, block_gap: gap }, tags, {
    createReader: () => new FakeReader(),
    publish: async (b) => void batches.push(b),
    commFailed: (_d, _at, reason) => void events.push(`failed:${reason}`),
    commRestored: () => void events.push('restored'),
    backoff: { baseMs: 10, maxMs: 40, jitter: 0 },
    ...over,
  });
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
  });
  afterEach(async () => {
    await Promise.all(live.splice(0).map((p) => p.stop()));
  });

  it('polls every block and publishes one timestamped batch per poll', async () => {
    const { poller, batches } = setup([tag('a', 'holding', 5), tag('b', 'holding', 6), tag('c', 'coil', 0)]);
    poller.start();
    await until(() => batches.length >= 2);
    await poller.stop();
    expect(poller.plan).toHaveLength(2);
    expect(batches.length).toBeGreaterThanOrEqual(2);
    expect(batches[0].map((s) => [s.sensor_id, s.value, s.quality])).toEqual([['c', 1, 'good'], ['a', 5, 'good'], ['b', 6, 'good']]);
    expect(new Set(batches[0].map((s) => s.timestamp)).size).toBe(1);
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
