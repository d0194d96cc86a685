import type { SensorSummaryDto } from '@idm/contracts';
import { api } from '../../../lib/api';

/** `GET /sensors`: every sensor with its latest stored sample (seeds the tiles before live samples arrive). */
export async function getSensors(): Promise<SensorSummaryDto[]> {
  const { data } = await api.get<SensorSummaryDto[]>('/sensors');
  return data;
}
