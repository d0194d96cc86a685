import type { AnomalyEpisode, AnomalyHistoryPage } from '@idm/contracts';
import { api } from '../../../lib/api';

/** `GET /anomalies/history?asset_id`: the asset's multivariate episodes overlapping [from, to] (one page is plenty for a chart). */
export async function getAssetEpisodes(assetId: string, from: number, to: number): Promise<AnomalyEpisode[]> {
  const { data } = await api.get<AnomalyHistoryPage>('/anomalies/history', {
    params: { asset_id: assetId, from: new Date(from).toISOString(), to: new Date(to).toISOString(), limit: 200 },
  });
  return data.items;
}
