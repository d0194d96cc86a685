import { ingestedSample, IngestedSample } from '@idm/contracts';
import { sensorIndex } from '@idm/ingestion';
import type { DetectionService } from './detection.service';
import { stubbedDetectionService } from './testing/stubbed-service';

const service = () => stubbedDetectionService();

const t0 = Date.UTC(2026, 0, 1);
const polled = (id: string, i: number, index = sensorIndex(id)): IngestedSample => ingestedSample(id, t0 + i * 1000, 50 + (i % 7), 'good', 'modbus', undefined, index);
const samplesToLearn = async (s: DetectionService, id: string) => (await s.check({ sensor_id: id, samples: [], use_live_state: true })).samplesToLearn;

describe('DetectionService sensor lookup by sensor index', () => {
  const prefix = `detection-spec-${process.pid}-`;

  it('finds a known sensor of an indexed sample without looking its id up', async () => {
    const s = service();
    const ids = [0, 1, 2].map((k) => `${prefix}known-${k}`);
    await s.accept(ids.map((id) => polled(id, 0)));
    const get = jest.spyOn((s as unknown as { sensors: Map<string, unknown> }).sensors, 'get');
    await s.accept(ids.map((id) => polled(id, 1)));
    expect(get).not.toHaveBeenCalled();
    // Unindexed samples (posted) still find their sensor by id.
    await s.accept(ids.map((id) => ingestedSample(`${id}`, t0 + 2000, 50, 'good', 'rest')));
    expect(get).toHaveBeenCalledTimes(3);
    expect(s.sensorCount).toBe(3);
    for (const id of ids) expect(await samplesToLearn(s, id)).toBe((await samplesToLearn(s, ids[0])));
  });

  it('never judges a sample with another sensor’s detector: a wrong index, or a renamed sensor', async () => {
    const s = service();
    const a = `${prefix}a`;
    await s.accept(Array.from({ length: 20 }, (_, i) => polled(a, i)));
    const learnedA = await samplesToLearn(s, a);
    const fresh = service();
    const b = `${prefix}b`;
    await fresh.accept([polled(b, 0)]);
    const afterOne = await samplesToLearn(fresh, b);

    // A sample of b carrying a's number: b gets its own detector, a's is untouched.
    await s.accept([polled(b, 20, sensorIndex(a))]);
    expect(await samplesToLearn(s, b)).toBe(afterOne);
    expect(await samplesToLearn(s, a)).toBe(learnedA);
    // a renamed: a new id with its own number and a fresh detector; a's number still leads to a only.
    const renamed = `${prefix}a-renamed`;
    expect(sensorIndex(renamed)).not.toBe(sensorIndex(a));
    await s.accept([polled(renamed, 21)]);
    expect(await samplesToLearn(s, renamed)).toBe(afterOne);
    await s.accept([polled(a, 21)]);
    expect(await samplesToLearn(s, a)).toBe(learnedA - 1);
    expect(s.sensorCount).toBe(3);
  });

  it('opens and closes an episode through the stage (a quiet sensor skips its episode tracker, an open episode does not)', async () => {
    const s = service();
    const id = `${prefix}episode`;
    const noise = (i: number) => 50 + Math.sin(i * 1.7) + ((i * 7919) % 13) / 13;
    const at = (i: number, value: number) => ingestedSample(id, t0 + i * 60_000, value, 'good', 'modbus', undefined, sensorIndex(id));
    let i = 0;
    for (; i < 6000; i++) await s.accept([at(i, noise(i))]);
    expect(s.openEpisode(id)).toBeNull();
    const spike = at(i++, 500);
    await s.accept([spike]);
    expect(spike.status).toBe('anomaly');
    expect(s.openEpisode(id)).not.toBeNull();
    const after = Array.from({ length: 200 }, () => at(i, noise(i++)));
    for (const x of after) await s.accept([x]);
    expect(s.openEpisode(id)).toBeNull();
  });
});
