/**
 * Maps a detector statistic to a score in [0, 1): 0 at 0, exactly 0.5 at the threshold, 0.8 at four times
 * it. Hyperbolic rather than exponential so very large statistics still rank (no saturation at 1.0).
 */
export function scoreOf(statistic: number, threshold: number): number {
  if (!(statistic > 0) || !(threshold > 0)) return 0;
  if (statistic === Infinity) return 1;
  return statistic / (statistic + threshold);
}

/** A sample is anomalous when its score reaches this. */
export const ANOMALY_SCORE = 0.5;
