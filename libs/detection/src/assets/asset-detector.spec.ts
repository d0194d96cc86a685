import type { AssetDto } from '@idm/contracts';
import { MULTIVARIATE_DEFAULTS, MultivariateDetector } from '../engine/multivariate';
import { detectorSettings, fromStoredState, savedStateFits, toStoredState } from './asset-detector';

const asset = (settings: AssetDto['settings'] = {}): AssetDto => ({ id: 'pump-1', name: 'Pump 1', area: null, sensor_ids: ['FT', 'PT', 'IT'], settings });

describe('the detector an asset configures', () => {
  it('runs the asset model, else the default, and the asset limits', () => {
    expect(detectorSettings(asset({ model: 'mewma', threshold_sigma: 4, train_samples: 200 }))).toEqual({ model: 'mewma', thresholdSigma: 4, trainSamples: 200 });
    expect(detectorSettings(asset({ model: 'pca' }))).toEqual({ model: 'pca' });
    expect(detectorSettings(asset())).toEqual({ model: MULTIVARIATE_DEFAULTS.model });
    expect(new MultivariateDetector(['FT', 'PT', 'IT'], detectorSettings(asset({ model: 'mewma' }))).toState().settings.model).toBe('mewma');
  });

  it('restores a saved state only for the same sensors learned by the same model', () => {
    const pca = new MultivariateDetector(['FT', 'PT', 'IT'], { model: 'pca' }).toState();
    const mewma = new MultivariateDetector(['FT', 'PT', 'IT'], { model: 'mewma' }).toState();
    expect(savedStateFits(pca, asset({ model: 'pca', threshold_sigma: 5 }))).toBe(true);
    expect(savedStateFits(mewma, asset({ model: 'mewma' }))).toBe(true);
    expect(savedStateFits(pca, asset({ model: 'mewma' }))).toBe(false);
    expect(savedStateFits(mewma, asset({ model: 'pca' }))).toBe(false);
    expect(savedStateFits(pca, { ...asset({ model: 'pca' }), sensor_ids: ['PT', 'FT', 'IT'] })).toBe(false);
    // A state saved before models existed (version 1) is a pca one.
    const { model: _model, ...v1Settings } = pca.settings;
    expect(savedStateFits({ ...pca, settings: v1Settings as typeof pca.settings }, asset({ model: 'pca' }))).toBe(true);
    expect(savedStateFits({ ...pca, settings: v1Settings as typeof pca.settings }, asset({ model: 'mewma' }))).toBe(false);
  });

  it('stores a detector still learning without nested arrays (FerretDB takes none) and restores it to judge as one never stored', () => {
    const rows = Array.from({ length: 120 }, (_, i) => [50 + Math.sin(i / 5) * 10, 4 - Math.sin(i / 5) + (i % 3) * 0.01, 12 + Math.sin(i / 5) * 2 + (i % 2) * 0.05]);
    const settings = detectorSettings(asset({ train_samples: 80 }));
    const stored = new MultivariateDetector(['FT', 'PT', 'IT'], settings);
    const through = new MultivariateDetector(['FT', 'PT', 'IT'], settings);
    rows.slice(0, 50).forEach((r, i) => (stored.update(i * 1000, r), through.update(i * 1000, r)));
    const saved = JSON.parse(JSON.stringify(toStoredState(stored.toState()))) as unknown;
    const nested = (v: unknown): boolean => (Array.isArray(v) ? v.some((x) => Array.isArray(x) || nested(x)) : !!v && typeof v === 'object' && Object.values(v).some(nested));
    expect(nested(saved)).toBe(false);
    const restored = fromStoredState(saved, asset({ train_samples: 80 }));
    if (!('state' in restored)) throw new Error(restored.discarded);
    const again = MultivariateDetector.fromState(restored.state);
    expect(again.trainingProgress).toEqual({ samples: 50, needed: 80 });
    const verdicts = (d: MultivariateDetector) => rows.slice(50).map((r, i) => d.update((50 + i) * 1000, r));
    expect(verdicts(again)).toEqual(verdicts(through));
  });

  it('discards, with the reason, a stored state it cannot go on from instead of failing', () => {
    const state = toStoredState(new MultivariateDetector(['FT', 'PT', 'IT'], { model: 'pca' }).toState());
    expect(fromStoredState({ ...state, version: 3 }, asset({ model: 'pca' }))).toEqual({ discarded: 'state version 3 is not one this server reads' });
    for (const junk of [null, 'x', {}, { version: 2 }, { ...state, settings: undefined }]) expect(fromStoredState(junk, asset())).toHaveProperty('discarded');
    expect(fromStoredState(state, asset({ model: 'mewma' }))).toEqual({ discarded: 'saved for other sensors or another model' });
    expect(fromStoredState({ ...state, trainFlat: [1, 2] }, asset({ model: 'pca' }))).toEqual({ discarded: 'its training rows are damaged' });
    // Saved before the rows were stored flat: only a fitted detector (no rows) could be.
    const { trainFlat: _rows, ...older } = state;
    expect(fromStoredState(older, asset({ model: 'pca' }))).toHaveProperty('state.train', []);
  });
});
