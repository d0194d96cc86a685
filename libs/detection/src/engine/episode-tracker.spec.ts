import { EpisodeTracker } from './episode-tracker';
import type { EngineVerdict } from './sensor-detector';

const normal: EngineVerdict = { score: 0.1, anomaly_type: null, evidence: null, combined: 0 };
const bad = (score: number, type: EngineVerdict['anomaly_type'] = 'spike'): EngineVerdict => ({
  score,
  anomaly_type: type,
  evidence: { expected_lo: 0, expected_hi: 1, statistic: score * 10, threshold: 5 },
  combined: 1,
});

describe('EpisodeTracker', () => {
  it('opens on the first anomalous sample, reports a higher severity, closes after the off-delay', () => {
    const t = new EpisodeTracker(3);
    const kinds = [normal, bad(0.6), bad(0.55), bad(0.62), bad(0.9, 'stuck'), normal, normal, normal, normal].map((v, i) => t.step(i, v)?.kind ?? null);
    // 0.62 is a higher score but the same severity (low): not reported.
    expect(kinds).toEqual([null, 'opened', null, null, 'updated', null, null, 'closed', null]);
    // The type stays the opening one (alarms key on it); the peak and its evidence follow the worst sample.
    const t2 = new EpisodeTracker(3);
    t2.step(0, bad(0.6));
    expect(t2.step(1, bad(0.9, 'stuck'))?.episode).toMatchObject({ type: 'spike', peak: 0.9, evidence: { statistic: 9 } });
  });

  it('keeps a flapping signal in one episode when it returns within the off-delay', () => {
    const t = new EpisodeTracker(3);
    const changes = [bad(0.7), normal, normal, bad(0.6), normal, bad(0.6), normal, normal, normal].map((v, i) => t.step(i, v));
    expect(changes.filter((c) => c?.kind === 'opened')).toHaveLength(1);
    const closed = changes.find((c) => c?.kind === 'closed')!;
    expect(closed.episode).toMatchObject({ start: 0, last: 5, samples: 3, peak: 0.7, type: 'spike' });
  });

  it('closes after the off-delay in time as well as in samples, so samples arriving in bursts do not cut a fault in two', () => {
    // Ten samples a second normally; a busy server delivers a burst of normal ones 50 ms apart in a dip.
    const t = new EpisodeTracker(3, null, 1000);
    expect(t.step(0, bad(0.7))?.kind).toBe('opened');
    const burst = [50, 100, 150, 200].map((ts) => t.step(ts, normal));
    expect(burst).toEqual([null, null, null, null]);
    expect(t.step(600, bad(0.7))).toBeNull(); // the same episode goes on
    expect(t.open).toMatchObject({ start: 0, last: 600, samples: 2 });
    // Closes once the statistic has been normal for the samples and the time both.
    expect(t.step(1000, normal)).toBeNull();
    expect(t.step(1100, normal)).toBeNull();
    expect(t.step(1500, normal)).toBeNull();
    expect(t.step(1600, normal)).toMatchObject({ kind: 'closed', episode: { start: 0, last: 600 } });
    // A long gap then one normal sample is not enough: the sample count still applies.
    const g = new EpisodeTracker(3, null, 1000);
    g.step(0, bad(0.7));
    expect(g.step(60_000, normal)).toBeNull();
  });
});
