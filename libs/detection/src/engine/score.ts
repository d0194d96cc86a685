/** Maps a detector statistic to a score in [0, 1): 0 at 0, exactly 0.5 at the threshold, → 1 far beyond it. */
export function scoreOf(statistic: number, threshold: number): number {
  if (!(statistic > 0) || !(threshold > 0)) return 0;
  return 1 - Math.pow(0.5, statistic / threshold);
}

/** A sample is anomalous when its score reaches this. */
export const ANOMALY_SCORE = 0.5;
