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
});
