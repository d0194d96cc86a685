import type { DetectorSettings } from './config';
import type { EngineVerdict } from './sensor-detector';

/**
 * Verdict for a sample whose quality is not good (bad decode, comm failure, stale): it must not teach the
 * statistics anything, but a value outside the physical range is still a finding (a broken transmitter).
 */
export function judgeUnusableSample(value: number, settings: DetectorSettings): EngineVerdict {
  const lo = settings.physicalMin ?? null;
  const hi = settings.physicalMax ?? null;
  const below = lo !== null && value < lo;
  const above = hi !== null && value > hi;
  if (!Number.isFinite(value) || !(below || above)) return { score: 0, anomaly_type: null, evidence: null, combined: 0 };
  return {
    score: 1,
    anomaly_type: 'out_of_range',
    evidence: { expected_lo: lo, expected_hi: hi, statistic: value, threshold: (below ? lo : hi)!, detail: below ? `below physical minimum ${lo}` : `above physical maximum ${hi}` },
    combined: Math.log1p(1e12),
  };
}
