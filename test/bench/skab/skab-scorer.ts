/**
 * SKAB's leaderboard protocol (github.com/waico/SKAB): in each experiment file the first `trainRows` rows
 * (400) are normal and may be learned from; every later row is judged against the `anomaly` label. Counts are
 * summed over all files before the rates are taken (as SKAB's evaluation concatenates the files).
 * F1 on the anomaly class; FAR = FP / (FP + TN) (false-alarm rate); MAR = FN / (FN + TP) (missed-alarm rate).
 * The `changepoint` label marks where anomalies begin and end; `changepoints` scores onsets: how many
 * labelled anomaly starts are flagged inside their anomaly, with what delay, and how many alarm onsets
 * start outside any anomaly.
 */

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface Rates {
  f1: number;
  far: number;
  mar: number;
  precision: number;
  recall: number;
}

export function confusion(labels: readonly number[], predictions: readonly boolean[]): Confusion {
  if (labels.length !== predictions.length) throw new Error(`labels (${labels.length}) and predictions (${predictions.length}) differ in length`);
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  labels.forEach((l, i) => {
    const p = predictions[i];
    if (l === 1) p ? c.tp++ : c.fn++;
    else p ? c.fp++ : c.tn++;
  });
  return c;
}

export function addConfusion(a: Confusion, b: Confusion): Confusion {
  return { tp: a.tp + b.tp, fp: a.fp + b.fp, tn: a.tn + b.tn, fn: a.fn + b.fn };
}

export function rates(c: Confusion): Rates {
  const precision = c.tp + c.fp ? c.tp / (c.tp + c.fp) : 0;
  const recall = c.tp + c.fn ? c.tp / (c.tp + c.fn) : 0;
  return {
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    far: c.fp + c.tn ? c.fp / (c.fp + c.tn) : 0,
    mar: c.tp + c.fn ? c.fn / (c.tp + c.fn) : 0,
    precision,
    recall,
  };
}

export interface OnsetScore {
  /** Labelled anomaly starts, and those flagged before their anomaly ends. */
  anomalies: number;
  detected: number;
  /** Rows from each detected start to its first flagged row. */
  delays: number[];
  /** Alarm onsets (a flagged row after an unflagged one) outside every labelled anomaly. */
  falseOnsets: number;
}

/** Onset scoring over the judged rows of one file (the same rows as `labels`). */
export function onsets(labels: readonly number[], predictions: readonly boolean[]): OnsetScore {
  const out: OnsetScore = { anomalies: 0, detected: 0, delays: [], falseOnsets: 0 };
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1 && (i === 0 || labels[i - 1] !== 1)) {
      out.anomalies++;
      let j = i;
      while (j < labels.length && labels[j] === 1 && !predictions[j]) j++;
      if (j < labels.length && labels[j] === 1) {
        out.detected++;
        out.delays.push(j - i);
      }
    }
    if (predictions[i] && (i === 0 || !predictions[i - 1]) && labels[i] !== 1) out.falseOnsets++;
  }
  return out;
}
