import { ingestedSample, IngestedSample } from '@idm/contracts';
import { sensorIndex } from '@idm/ingestion';
import type { DetectionService } from './detection.service';
import type { SensorDetector } from './engine';
import { stubbedDetectionService } from './testing/stubbed-service';

const t0 = Date.UTC(2026, 0, 1);
const value = (k: number, i: number) => 50 + 5 * Math.sin(i / 7 + k) + ((i * 7919 + k * 31) % 17) / 17;
/** As a POST /sensors/data builds it: a freshly built id string, no sensor index. */
const posted = (id: string, k: number, i: number): IngestedSample => ingestedSample(`${id}`.slice(0), t0 + i * 60_000, value(k, i), 'good', 'rest');
const polled = (id: string, k: number, i: number): IngestedSample => ingestedSample(id, t0 + i * 60_000, value(k, i), 'good', 'modbus', undefined, sensorIndex(id));
const internals = (s: DetectionService) => s as unknown as { sensors: Map<string, { detector: SensorDetector }> };

describe('DetectionService lookup of samples without a sensor index', () => {
  const prefix = `detection-lookup-spec-${process.pid}-`;

  it('finds the sensor that followed the sensor before last time without hashing its id', async () => {
    const s = stubbedDetectionService();
    const ids = [0, 1, 2, 3, 4].map((k) => `${prefix}order-${k}`);
    await s.accept(ids.map((id, k) => posted(id, k, 0)));
    await s.accept(ids.map((id, k) => posted(id, k, 1)));
    const get = jest.spyOn(internals(s).sensors, 'get');
    await s.accept(ids.map((id, k) => posted(id, k, 2)));
    // Only the first sample of the batch is looked up by id; the rest follow the order seen before.
    expect(get).toHaveBeenCalledTimes(1);
    // Another order: looked up by id again where the guess is wrong, and learned.
    get.mockClear();
    const reversed = [...ids].reverse();
    await s.accept(reversed.map((id) => posted(id, ids.indexOf(id), 3)));
    expect(get).toHaveBeenCalledTimes(5);
    get.mockClear();
    await s.accept(reversed.map((id) => posted(id, ids.indexOf(id), 4)));
    expect(get).toHaveBeenCalledTimes(1);
  });

  it('judges every sample with its own sensor’s detector, in whatever order and mix the samples come', async () => {
    const ids = Array.from({ length: 12 }, (_, k) => `${prefix}mix-${k}`);
    const mixed = stubbedDetectionService();
    const alone = stubbedDetectionService();
    // Each sensor's samples in order; the batches interleave them differently every time: shifted and
    // reversed orders, runs of one sensor, polled and posted samples mixed, a sensor left out, one that
    // is new halfway through.
    const next = ids.map(() => 0);
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let b = 0; b < 60; b++) {
      const present = ids.filter((_, k) => (b < 30 ? k < 11 : true) && !(b % 7 === 3 && k === 5));
      const order = b % 3 === 0 ? present : b % 3 === 1 ? [...present].reverse() : [...present.slice(b % present.length), ...present.slice(0, b % present.length)];
      const batch: IngestedSample[] = [];
      for (const id of order) {
        const k = ids.indexOf(id);
        const run = 1 + Math.floor(rand() * 3);
        for (let r = 0; r < run; r++) batch.push(rand() < 0.5 ? posted(id, k, next[k]++) : polled(id, k, next[k]++));
      }
      const statuses: unknown[] = [];
      await mixed.accept(batch);
      for (const x of batch) {
        statuses.push(x.status);
        // The same sample alone, in a batch of its own, to a service that sees one sample at a time.
        const one = { ...x, status: undefined };
        await alone.accept([one]);
        expect(one.status).toBe(x.status);
      }
      expect(statuses.every((st) => st === 'normal' || st === 'anomaly')).toBe(true);
    }
    for (const id of ids) expect(internals(mixed).sensors.get(id)!.detector.snapshot()).toEqual(internals(alone).sensors.get(id)!.detector.snapshot());
    expect(mixed.sensorCount).toBe(ids.length);
  });
});
