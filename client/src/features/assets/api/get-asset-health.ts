import type { AssetHealthHistoryDto } from '@idm/contracts';
import { api } from '../../../lib/api';

/** `GET /assets/:id/health?from&to`: the health statistic (ratio to its limit) per 10 s bucket, at most 24 h. */
export async function getAssetHealth(assetId: string, from: number, to: number): Promise<AssetHealthHistoryDto> {
  const { data } = await api.get<AssetHealthHistoryDto>(`/assets/${encodeURIComponent(assetId)}/health`, {
    params: { from: new Date(from).toISOString(), to: new Date(to).toISOString() },
  });
  return data;
}
