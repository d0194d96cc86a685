import type { IngestedSample, ModbusDeviceDto, ModbusTagBinding, RegisterType, TagDto } from '@idm/contracts';
import { AppConfig, MetricsService } from '@idm/core';
import { ModbusExceptionError, ModbusReader } from './modbus-reader';
import { ModbusSourceDriver } from './modbus-source.driver';

const device: ModbusDeviceDto = { id: 'd1', name: 'D1', protocol: 'modbus', host: 'h', port: 502, unit_id: 1, poll_interval_ms: 10, timeout_ms: 50, enabled: true, block_gap: 0 };
const tag = (sensor_id: string, register_type: RegisterType, address: number, physical_max?: number): TagDto<ModbusTagBinding> => ({
  sensor_id, device_id: 'd1', area: '', scale: 1, offset: 0, unit: '', description: '', physical_max,
  source: { register_type, address, data_type: 'uint16', word_order: 'big', byte_order: 'big' },
});

/** Answers holding registers with their address; refuses input registers (exception 2); `down` fails the connection. */
class FakeReader implements ModbusReader {
  static down = false;
  isOpen = false;
  async connect(): Promise<void> {
    if (FakeReader.down) throw new Error('connect ECONNREFUSED');
    this.isOpen = true;
  }
  async read(area: RegisterType, address: number, count: number): Promise<number[]> {
    if (FakeReader.down) throw new Error('Timed out');
    if (area === 'input') throw new ModbusExceptionError(2, 'Modbus exception 2');
    return Array.from({ length: count }, (_, i) => address + i);
  }
  async close(): Promise<void> {
    this.isOpen = false;
  }
}

const config = { modbus: { replanRetry: { baseMs: 60_000, maxMs: 3_600_000 } } } as unknown as AppConfig;

async function until(cond: () => boolean, timeoutMs = 3000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
}

/** The value of a series in the scraped text, e.g. `idm_modbus_requests_total{device_id="d1"}`. */
async function scraped(metrics: MetricsService, name: string, label: string): Promise<number | undefined> {
  const line = (await metrics.registry.metrics()).split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('ModbusSourceDriver metrics', () => {
  beforeEach(() => {
    FakeReader.down = false;
  });

  it('scrapes the requests, errors and samples by quality the polls made, and the connected state', async () => {
    const metrics = new MetricsService();
    const driver = new ModbusSourceDriver(config, metrics, () => new FakeReader());
    const batches: IngestedSample[][] = [];
    // c is out of its physical range (bad); d sits in the refused input block (bad).
    const tags = [tag('a', 'holding', 0), tag('b', 'holding', 1), tag('c', 'holding', 2, 1), tag('d', 'input', 0)];
    const poller = driver.open(device, tags, { publish: async (b) => void batches.push(b), commFailed: () => undefined, commRestored: () => undefined });
    poller.start();
    await until(() => batches.length >= 3);
    expect(await scraped(metrics, 'idm_modbus_device_connected', 'device_id="d1"')).toBe(1);
    await poller.stop();

    const polls = poller.status().polls;
    const samples = batches.flat();
    expect(samples.filter((s) => s.quality === 'good')).toHaveLength(2 * batches.length);
    expect(await scraped(metrics, 'idm_modbus_requests_total', 'device_id="d1"')).toBe(poller.status().requests);
    expect(await scraped(metrics, 'idm_modbus_requests_total', 'device_id="d1"')).toBe(2 * polls);
    expect(await scraped(metrics, 'idm_modbus_errors_total', 'device_id="d1"')).toBe(polls);
    expect(await scraped(metrics, 'idm_modbus_samples_total', 'quality="good"')).toBe(2 * batches.length);
    expect(await scraped(metrics, 'idm_modbus_samples_total', 'quality="bad"')).toBe(2 * batches.length);
    // A second scrape adds nothing new; a stopped device's connected series is gone.
    expect(await scraped(metrics, 'idm_modbus_requests_total', 'device_id="d1"')).toBe(2 * polls);
    expect(await scraped(metrics, 'idm_modbus_device_connected', 'device_id="d1"')).toBeUndefined();
  });

  it('shows a device in comm failure as not connected, and connected again once it answers', async () => {
    const metrics = new MetricsService();
    const driver = new ModbusSourceDriver(config, metrics, () => new FakeReader());
    const events: string[] = [];
    const poller = driver.open(device, [tag('a', 'holding', 0)], {
      publish: async () => undefined,
      commFailed: () => void events.push('failed'),
      commRestored: () => void events.push('restored'),
    });
    poller.start();
    await until(() => poller.status().polls > 0 && poller.status().connected);
    expect(await scraped(metrics, 'idm_modbus_device_connected', 'device_id="d1"')).toBe(1);
    FakeReader.down = true;
    await until(() => events.includes('failed'));
    expect(await scraped(metrics, 'idm_modbus_device_connected', 'device_id="d1"')).toBe(0);
    FakeReader.down = false;
    await until(() => events.includes('restored') && poller.status().connected);
    expect(await scraped(metrics, 'idm_modbus_device_connected', 'device_id="d1"')).toBe(1);
    await poller.stop();
  });
});
