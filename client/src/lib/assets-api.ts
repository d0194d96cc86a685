import type { AssetDto, AssetHealthSummaryDto } from '@idm/contracts';
import { api } from './api';

/** `GET /assets`: the assets (groups of tags of one piece of equipment), for the overview and the asset view. */
export async function getAssets(): Promise<AssetDto[]> {
  const { data } = await api.get<AssetDto[]>('/assets');
  return data;
}

/** `GET /assets/health`: each asset's latest health verdict. */
export async function getAssetHealthSummaries(): Promise<AssetHealthSummaryDto[]> {
  const { data } = await api.get<AssetHealthSummaryDto[]>('/assets/health');
  return data;
}

/** The overview's words for an asset's verdict (ISA-101: the word carries it, colour only for abnormal). */
export const ASSET_STATE_WORD: Record<AssetHealthSummaryDto['state'], string> = {
  learning: 'LEARNING',
  healthy: 'HEALTHY',
  anomaly: 'ANOMALY',
  missing: 'SENSOR MISSING',
  unknown: 'NO VERDICT',
};
