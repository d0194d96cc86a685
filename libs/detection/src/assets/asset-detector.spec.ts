import type { AssetDto } from '@idm/contracts';
import { MULTIVARIATE_DEFAULTS, MultivariateDetector } from '../engine/multivariate';
import { detectorSettings, savedStateFits } from './asset-detector';

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
});
