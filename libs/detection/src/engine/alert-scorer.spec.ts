import { AlertScorer } from './alert-scorer';
import { tsOf, withFault } from './testing/signals';

describe('AlertScorer (the command-line score)', () => {
  const alertsOf = (x: number[]) => {
    const scorer = new AlertScorer();
    const scores = x.map((v, i) => scorer.step(tsOf(i), v));
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    return scores.map((s, i) => [i, s]).filter(([, s]) => s >= 0.5).map(([i]) => i);
  };

  it('reports a spike on its sample and nothing on the clean part', () => {
    expect(alertsOf(withFault('spike', 4000, 3000, 7))).toEqual([3000]);
  });

  it('reports a stuck sensor a few times at most, not on every stuck sample', () => {
    // The flat line's evidence grows slowly, so the alert comes once it is clearly unusual for this sensor.
    const alerts = alertsOf(withFault('stuck', 4000, 3000, 7));
    expect(alerts.length).toBeGreaterThanOrEqual(1);
    expect(alerts.length).toBeLessThanOrEqual(3);
    expect(alerts[0]).toBeGreaterThanOrEqual(3000);
    expect(alerts[0]).toBeLessThanOrEqual(3200);
  });

  it('is causal: a row\'s score does not change when later rows change', () => {
    const x = withFault('spike', 3000, 2000, 3);
    const y = [...x];
    for (let i = 2600; i < 3000; i++) y[i] += 100;
    const a = new AlertScorer();
    const b = new AlertScorer();
    const sa = x.map((v, i) => a.step(tsOf(i), v));
    const sb = y.map((v, i) => b.step(tsOf(i), v));
    expect(sb.slice(0, 2600)).toEqual(sa.slice(0, 2600));
    expect(sb.slice(2600)).not.toEqual(sa.slice(2600));
  });
});
