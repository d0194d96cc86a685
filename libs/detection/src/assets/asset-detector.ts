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

/**
 * A detector state as stored: FerretDB stores no nested arrays (it rejected every save of a detector still
 * learning, so a restart lost the training: "55 %" came back as 0 %), so the training rows go flat, row after
 * row, in `trainFlat` (`sensorIds.length` numbers each).
 */
export type StoredAssetState = Omit<MultivariateState, 'train'> & { train: []; trainFlat: number[] };

export function toStoredState(state: MultivariateState): StoredAssetState {
  return { ...state, train: [], trainFlat: state.train.flat() };
}

/**
 * A stored state as the detector's, when it can go on for the asset; else why not (the caller logs it and starts
 * afresh): not a detector state, a version this server does not read, other sensors or another model.
 */
export function fromStoredState(stored: unknown, asset: AssetDto): { state: MultivariateState } | { discarded: string } {
  const s = stored as (Omit<Partial<StoredAssetState>, 'version'> & { version?: unknown }) | null;
  if (!s || typeof s !== 'object' || !Array.isArray(s.sensorIds) || !s.settings || typeof s.settings !== 'object') return { discarded: 'not a detector state' };
  if (s.version !== 1 && s.version !== 2) return { discarded: `state version ${String(s.version)} is not one this server reads` };
  const { trainFlat = [], ...rest } = s as StoredAssetState;
  if (!savedStateFits(rest as MultivariateState, asset)) return { discarded: 'saved for other sensors or another model' };
  const k = rest.sensorIds.length;
  if (!Array.isArray(trainFlat) || trainFlat.length % k !== 0) return { discarded: 'its training rows are damaged' };
  const train: number[][] = [];
  for (let i = 0; i < trainFlat.length; i += k) train.push(trainFlat.slice(i, i + k));
  // A state saved before `trainFlat` (only a fitted one could be saved then) keeps its empty `train`.
  return { state: { ...rest, train: train.length ? train : (rest.train ?? []) } as MultivariateState };
}
