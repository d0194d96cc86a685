/** Which detector an asset runs, and whether a saved one still fits it (pure: the service wires it). */
import type { AssetDto } from '@idm/contracts';
import { MULTIVARIATE_DEFAULTS, MultivariateSettings, MultivariateState } from '../engine/multivariate';

/**
 * The detector settings an asset configures (the rest are the detector's defaults). The model is always
 * named, so a saved state of the other model (the asset's setting or the default changed) is not restored.
 */
export function detectorSettings(asset: AssetDto): Partial<MultivariateSettings> & Pick<MultivariateSettings, 'model'> {
  const s: Partial<MultivariateSettings> & Pick<MultivariateSettings, 'model'> = { model: asset.settings.model ?? MULTIVARIATE_DEFAULTS.model };
  if (asset.settings.threshold_sigma !== undefined) s.thresholdSigma = asset.settings.threshold_sigma;
  if (asset.settings.train_samples !== undefined) s.trainSamples = asset.settings.train_samples;
  return s;
}

/**
 * Whether a saved detector state can go on for the asset: the same sensors in the same order, learned by the
 * same model (a state of the other model holds other statistics: the asset's model or the default changed
 * while the server was down). Other settings (limits, training length) apply to the restored state.
 */
export function savedStateFits(state: MultivariateState, asset: AssetDto): boolean {
  const model = (state.settings as Partial<MultivariateSettings>).model ?? 'pca'; // a version-1 state is a pca one
  return model === detectorSettings(asset).model && JSON.stringify(state.sensorIds) === JSON.stringify(asset.sensor_ids);
}
