import type { DeviceStatusDto } from '@idm/contracts';
import { api } from '../../../lib/api';

/** `GET /devices/:id/status`: the poller state of one device (any signed-in role may read it). */
export async function getDeviceStatus(deviceId: string): Promise<DeviceStatusDto> {
  const { data } = await api.get<DeviceStatusDto>(`/devices/${encodeURIComponent(deviceId)}/status`);
  return data;
}
