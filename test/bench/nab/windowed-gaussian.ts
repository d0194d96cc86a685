/**
 * NAB's windowed-Gaussian baseline detector: the tail probability of the value under a normal fitted to
 * the last `windowSize` values, the window sliding by `stepSize` (NAB: 6400 and 100). Running sums keep it O(1).
 */
export function windowedGaussianScores(values: number[], windowSize = 6400, stepSize = 100): number[] {
  const window: number[] = [];
  let head = 0;
  let step: number[] = [];
  let sum = 0;
  let sumSq = 0;
  let mean = 0;
  let std = 1e-6;
  const update = () => {
    const n = window.length - head;
    mean = sum / n;
    std = Math.sqrt(Math.max(0, sumSq / n - mean * mean)) || 1e-6;
  };
  return values.map((x) => {
    const score = window.length - head > 0 ? 1 - upperTail(Math.abs(x - mean) / std) : 0;
    if (window.length - head < windowSize) {
      window.push(x);
      sum += x;
      sumSq += x * x;
      update();
    } else {
      step.push(x);
      if (step.length === stepSize) {
        for (let i = 0; i < stepSize; i++) {
          const old = window[head++];
          sum -= old;
          sumSq -= old * old;
        }
        for (const v of step) {
          window.push(v);
          sum += v;
          sumSq += v * v;
        }
        step = [];
        update();
      }
    }
    return score;
  });
}

/** P(Z > z) for a standard normal (Abramowitz–Stegun 7.1.26 erfc, error < 1.5e-7). */
export function upperTail(z: number): number {
  const x = z / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) * Math.exp(-x * x);
  const erfc = x >= 0 ? y : 2 - y;
  return 0.5 * erfc;
}
