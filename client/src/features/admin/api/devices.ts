import type { DeviceDto, DeviceStatusDto, ImportResultDto } from '@idm/contracts';
import { api } from '../../../lib/api';

export async function listDevices(): Promise<DeviceDto[]> {
  const { data } = await api.get<DeviceDto[]>('/devices');
  return data;
}

export async function listDeviceStatuses(): Promise<DeviceStatusDto[]> {
  const { data } = await api.get<DeviceStatusDto[]>('/devices/status');
  return data;
}

/** `POST /devices/import`: JSON files go as they are, YAML as `{yaml: text}`; nothing is written unless the whole file is valid. */
export async function importDeviceFile(fileName: string, text: string, mode: 'merge' | 'replace'): Promise<ImportResultDto> {
  let body: unknown;
  if (/\.json$/i.test(fileName)) body = JSON.parse(text);
  else body = { yaml: text };
  const { data } = await api.post<ImportResultDto>('/devices/import', body, { params: { mode } });
  return data;
}

/** `POST /devices`: a Modbus PLC or an OPC UA server; the answer never holds a password (`password_set`). */
export async function createDevice(body: Record<string, unknown>): Promise<DeviceDto> {
  const { data } = await api.post<DeviceDto>('/devices', body);
  return data;
}

/** `PATCH /devices/:id`: the fields given replace the stored ones; a password left out is kept. */
export async function updateDevice(id: string, body: Record<string, unknown>): Promise<DeviceDto> {
  const { data } = await api.patch<DeviceDto>(`/devices/${encodeURIComponent(id)}`, body);
  return data;
}
