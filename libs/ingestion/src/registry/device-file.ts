import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { AssetDto, DeviceDto, DeviceFile, ErrorDetail, TagDto } from '@idm/contracts';
import { flattenValidationErrors } from '@idm/core';

/** Parses a device file body (version 1 or 2): a DeviceFile object, `{yaml: "<text>"}`, or JSON/YAML text. */
export function parseDeviceFile(body: unknown): { devices: unknown[]; tags: unknown[]; assets: unknown[] } {
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
  // Assets (groups of tags watched together) came after version 2 without changing its other fields: an older
  // file without them reads as a file with no assets.
  const assets = f.assets ?? [];
  if (!Array.isArray(assets)) throw new DeviceFileError('assets', 'assets must be a list');
  const extra = Object.keys(f).filter((k) => !['version', 'devices', 'tags', 'assets', 'yaml'].includes(k));
  if (extra.length) throw new DeviceFileError(extra[0], `${extra[0]} is not an allowed field of the device file`);
  return { devices, tags, assets };
}

function parseText(text: string): unknown {
  try {
    return parseYaml(text); // YAML is a superset of JSON, so this reads both
  } catch (err) {
    throw new DeviceFileError('file', `the device file is neither valid JSON nor YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}

export function formatDeviceFile(devices: DeviceDto[], tags: TagDto[], assets: AssetDto[], format: 'json' | 'yaml'): string {
  const file: DeviceFile = { version: 2, devices, tags, assets };
  return format === 'yaml' ? toYaml(file) : `${JSON.stringify(file, null, 2)}\n`;
}

export class DeviceFileError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

/** Validates one file entry with the same DTO rules as the REST API; problems name the entry (`label`) and its path. */
export function validateFileEntry<T extends object>(cls: new () => T, item: unknown, label: string, path: string, out: ErrorDetail[]): T {
  if (!item || typeof item !== 'object' || Array.isArray(item)) {
    out.push({ field: path, rule: 'isObject', message: `${label} must be an object` });
    return {} as T;
  }
  const dto = plainToInstance(cls, item);
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true });
  for (const d of flattenValidationErrors(errors)) {
    out.push({ field: `${path}.${d.field}`, rule: d.rule, message: `${label}: ${d.message}` });
  }
  return dto;
}

/** `asset "pump-1"`, or `asset #3` when the entry has no usable id: how a problem names a file entry. */
export function fileEntryLabel(item: unknown, key: string, kind: string, i: number): string {
  const v = item && typeof item === 'object' ? (item as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' && v ? `${kind} "${v}"` : `${kind} #${i + 1}`;
}

/**
 * The assets part of an import, owned by the detection module (which defines assets) and registered with the
 * registry, so that one device file carries devices, tags and assets and is validated as a whole.
 */
export interface AssetFileSection {
  /** The stored assets, for the export. */
  list(): Promise<AssetDto[]>;
  /**
   * Validates the file's asset entries against the sensors the registry will hold after the import
   * (`sensorIds`); answers every problem (each naming the asset and the field), what `replace` removes, and
   * how to write it once the whole file is valid.
   */
  plan(entries: unknown[], mode: 'merge' | 'replace', sensorIds: ReadonlySet<string>): Promise<AssetImportPlan>;
}

export interface AssetImportPlan {
  problems: ErrorDetail[];
  count: number;
  removed: string[];
  apply(): Promise<void>;
}
