import type { AnomalyHistoryPage, AnomalySeverity, AnomalyType } from '@idm/contracts';
import { api } from '../../../lib/api';

export interface AnomalyFilter {
  sensor_id?: string;
  area?: string;
  anomaly_type?: AnomalyType | '';
  severity?: AnomalySeverity | '';
  resolved?: 'true' | 'false' | '';
  /** ISO-8601 */
  from?: string;
  to?: string;
}

/**
 * Query parameters of `GET /anomalies/history` (empty filters left out). Sensor and area are what an operator
 * types ("tank farm", "P06"): they match as a case-insensitive beginning.
 */
export function historyParams(f: AnomalyFilter, extra: Record<string, string | number | undefined> = {}): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries({ ...f, ...extra })) if (v !== undefined && v !== '') out[k] = typeof v === 'string' ? v.trim() : v;
  if (out.sensor_id !== undefined || out.area !== undefined) out.match = 'prefix';
  return out;
}

export async function getAnomalyHistory(f: AnomalyFilter, cursor: string | null, limit: number): Promise<AnomalyHistoryPage> {
  const { data } = await api.get<AnomalyHistoryPage>('/anomalies/history', { params: historyParams(f, { cursor: cursor ?? undefined, limit }) });
  return data;
}
