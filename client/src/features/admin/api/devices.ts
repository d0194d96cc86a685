import type { DeviceDto, DeviceStatusDto, ImportResultDto, OpcuaBrowseNodeDto, OpcuaCertificateDto, OpcuaCertificatesDto, SparkplugMetricDto, TagDto } from '@idm/contracts';
import { api } from '../../../lib/api';

export async function listDevices(): Promise<DeviceDto[]> {
  const { data } = await api.get<DeviceDto[]>('/devices');
  return data;
}

export async function listDeviceStatuses(): Promise<DeviceStatusDto[]> {
  const { data } = await api.get<DeviceStatusDto[]>('/devices/status');
  return data;
}

/**
 * `POST /devices/import`: JSON files go as they are, YAML as `{yaml: text}`; nothing is written unless the
 * whole file is valid, nor with `dryRun` (the answer then says what the import would remove).
 */
export async function importDeviceFile(fileName: string, text: string, mode: 'merge' | 'replace', dryRun = false): Promise<ImportResultDto> {
  let body: unknown;
  if (/\.json$/i.test(fileName)) body = JSON.parse(text);
  else body = { yaml: text };
  const { data } = await api.post<ImportResultDto>('/devices/import', body, { params: dryRun ? { mode, dry_run: 'true' } : { mode } });
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

/** `GET /devices/:id/browse`: the children of an OPC UA node (the Objects folder without `node`). */
export async function browseDevice(id: string, node?: string): Promise<OpcuaBrowseNodeDto[]> {
  const { data } = await api.get<OpcuaBrowseNodeDto[]>(`/devices/${encodeURIComponent(id)}/browse${node ? `?node=${encodeURIComponent(node)}` : ''}`);
  return data;
}

/** `GET /opcua/certificates`: IDM's own certificate and the server certificates trusted or rejected. */
export async function listOpcuaCertificates(): Promise<OpcuaCertificatesDto> {
  const { data } = await api.get<OpcuaCertificatesDto>('/opcua/certificates');
  return data;
}

/** `POST /opcua/certificates/:thumbprint/trust|reject`; OPC UA devices waiting for it retry at once. */
export async function setOpcuaCertificateTrust(thumbprint: string, action: 'trust' | 'reject'): Promise<OpcuaCertificateDto> {
  const { data } = await api.post<OpcuaCertificateDto>(`/opcua/certificates/${encodeURIComponent(thumbprint)}/${action}`);
  return data;
}

/** `POST /tags`: one tag (refused with a 400 naming the tag and field). */
export async function createTag(body: Record<string, unknown>): Promise<TagDto> {
  const { data } = await api.post<TagDto>('/tags', body);
  return data;
}

/** `GET /devices/:id/discovered`: the metrics a Sparkplug device's edge nodes announced in their births. */
export async function listDiscoveredMetrics(id: string): Promise<SparkplugMetricDto[]> {
  const { data } = await api.get<SparkplugMetricDto[]>(`/devices/${encodeURIComponent(id)}/discovered`);
  return data;
}

/** `PATCH /tags/:sensor_id`: the fields given replace the stored ones (limits as a whole; null removes alarm_priority or state_words). */
export async function updateTag(sensorId: string, body: Record<string, unknown>): Promise<TagDto> {
  const { data } = await api.patch<TagDto>(`/tags/${encodeURIComponent(sensorId)}`, body);
  return data;
}
