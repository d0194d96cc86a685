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

/**
 * An asset's verdict in words, and a tooltip: while learning, how far it has come (`LEARNING 38 %`, "152 of 400
 * samples learned"), so an operator knows it is progressing and roughly how long is left.
 */
export function assetStateText(summary: AssetHealthSummaryDto | undefined): { word: string; title?: string } {
  const state = summary?.state ?? 'unknown';
  const l = summary?.learning;
  if (state !== 'learning' || !l || !(l.needed > 0)) return { word: ASSET_STATE_WORD[state] };
  const pct = Math.min(99, Math.floor((100 * l.samples) / l.needed));
  return { word: `${ASSET_STATE_WORD.learning} ${pct} %`, title: `${l.samples} of ${l.needed} samples learned; the model scores once it has them all` };
}
