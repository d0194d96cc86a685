import type { DeviceDto } from '@idm/contracts';
import { api } from '../../../lib/api';

export async function getDevices(): Promise<DeviceDto[]> {
  const { data } = await api.get<DeviceDto[]>('/devices');
  return data;
}
