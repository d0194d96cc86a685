import type { DeviceStatusDto } from '@idm/contracts';
import { api } from '../../../lib/api';

export async function getDeviceStatuses(): Promise<DeviceStatusDto[]> {
  const { data } = await api.get<DeviceStatusDto[]>('/devices/status');
  return data;
}
