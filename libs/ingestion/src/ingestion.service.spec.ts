import type { IngestedSample } from '@idm/contracts';
import { IngestionService, SampleSink } from './ingestion.service';

const sample: IngestedSample = { sensor_id: 't1', timestamp: 1, value: 2, quality: 'good', source: 'rest' };

describe('IngestionService', () => {
  it('runs sinks in stage order, whatever the registration order', async () => {
    const seen: string[] = [];
    const sink = (name: string, stage: number): SampleSink => ({ name, stage, accept: () => void seen.push(name) });
    const svc = new IngestionService();
    svc.register(sink('live', 30));
    svc.register(sink('storage', 20));
    svc.register(sink('detection', 10));
    await svc.publish([sample]);
    expect(seen).toEqual(['detection', 'storage', 'live']);
  });

  it('fails the batch when a sink rejects it, and later stages do not see it', async () => {
    const later = jest.fn();
    const svc = new IngestionService();
    svc.register({ name: 'storage', stage: 20, accept: async () => Promise.reject(new Error('disk full')) });
    svc.register({ name: 'live', stage: 30, accept: later });
    await expect(svc.publish([sample])).rejects.toThrow('disk full');
    expect(later).not.toHaveBeenCalled();
  });

  it('admits a REST batch only when every bounding sink does, releasing the ones that had admitted it', () => {
    const held = { a: 0, b: 0 };
    let full = false;
    const svc = new IngestionService();
    svc.register({ name: 'a', stage: 10, accept: () => undefined, admit: (n) => ((held.a += n), { ok: true }), release: (n) => void (held.a -= n) });
    svc.register({
      name: 'b', stage: 20, accept: () => undefined,
      admit: (n) => (full ? { ok: false, retryAfterSeconds: 5, reason: 'backlog full' } : ((held.b += n), { ok: true })),
      release: (n) => void (held.b -= n),
    });
    svc.register({ name: 'live', stage: 30, accept: () => undefined });
    expect(svc.admit(3)).toEqual({ ok: true });
    expect(held).toEqual({ a: 3, b: 3 });
    svc.release(3);
    expect(held).toEqual({ a: 0, b: 0 });
    full = true;
    expect(svc.admit(4)).toEqual({ ok: false, retryAfterSeconds: 5, reason: 'backlog full' });
    expect(held).toEqual({ a: 0, b: 0 });
  });
});
