import { addConfusion, confusion, onsets, rates } from './skab-scorer';

describe('SKAB scorer', () => {
  it('computes F1, FAR and MAR on the anomaly label', () => {
    const labels = [0, 0, 0, 0, 1, 1, 1, 1, 0, 0];
    const preds = [false, true, false, false, false, true, true, true, true, false];
    const c = confusion(labels, preds);
    expect(c).toEqual({ tp: 3, fp: 2, tn: 4, fn: 1 });
    const r = rates(c);
    expect(r.precision).toBeCloseTo(3 / 5);
    expect(r.recall).toBeCloseTo(3 / 4);
    expect(r.f1).toBeCloseTo((2 * 0.6 * 0.75) / 1.35);
    expect(r.far).toBeCloseTo(2 / 6);
    expect(r.mar).toBeCloseTo(1 / 4);
  });

  it('sums counts over files before taking rates', () => {
    const a = confusion([1, 1], [true, true]);
    const b = confusion([0, 0, 0, 0], [true, false, false, false]);
    expect(rates(addConfusion(a, b)).far).toBeCloseTo(1 / 4);
    expect(rates(addConfusion(a, b)).f1).toBeCloseTo((2 * (2 / 3)) / (2 / 3 + 1));
  });

  it('scores onsets: detection delay inside the anomaly, false onsets outside', () => {
    const labels = [0, 0, 1, 1, 1, 0, 0, 1, 1, 0];
    const preds = [true, false, false, true, true, false, false, false, false, false];
    expect(onsets(labels, preds)).toEqual({ anomalies: 2, detected: 1, delays: [1], falseOnsets: 1 });
  });

  it('refuses predictions that do not match the labels', () => {
    expect(() => confusion([0, 1], [true])).toThrow(/differ/);
  });
});
