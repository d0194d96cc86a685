import { parse as parseYaml, stringify as toYaml } from 'yaml';
import type { DeviceDto, DeviceFile, TagDto } from '@idm/contracts';

/** Parses a device file body (version 1 or 2): a DeviceFile object, `{yaml: "<text>"}`, or JSON/YAML text. */
export function parseDeviceFile(body: unknown): { devices: unknown[]; tags: unknown[] } {
  let data: unknown = body;
  if (typeof body === 'string') data = parseText(body);
  else if (body && typeof body === 'object' && typeof (body as { yaml?: unknown }).yaml === 'string') {
    data = parseText((body as { yaml: string }).yaml);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new DeviceFileError('file', 'the device file must be an object with "devices" and "tags" lists');
  const f = data as Record<string, unknown>;
  // Version 1 (Modbus only, the binding flat on each tag) reads as Modbus devices; version 2 adds `protocol`
  // and `source`. Each entry is validated the same way in both (a flat Modbus tag is accepted in either).
  if (f.version !== undefined && f.version !== 1 && f.version !== 2) throw new DeviceFileError('version', `version must be 1 or 2 (got ${JSON.stringify(f.version)})`);
  const devices = f.devices ?? [];
  const tags = f.tags ?? [];
  if (!Array.isArray(devices)) throw new DeviceFileError('devices', 'devices must be a list');
  if (!Array.isArray(tags)) throw new DeviceFileError('tags', 'tags must be a list');
  const extra = Object.keys(f).filter((k) => !['version', 'devices', 'tags', 'yaml'].includes(k));
  if (extra.length) throw new DeviceFileError(extra[0], `${extra[0]} is not an allowed field of the device file`);
  return { devices, tags };
}

function parseText(text: string): unknown {
  try {
    return parseYaml(text); // YAML is a superset of JSON, so this reads both
  } catch (err) {
    throw new DeviceFileError('file', `the device file is neither valid JSON nor YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}

export function formatDeviceFile(devices: DeviceDto[], tags: TagDto[], format: 'json' | 'yaml'): string {
  const file: DeviceFile = { version: 2, devices, tags };
  return format === 'yaml' ? toYaml(file) : `${JSON.stringify(file, null, 2)}\n`;
}

export class DeviceFileError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}
