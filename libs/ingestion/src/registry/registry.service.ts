import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { DeviceDto, ErrorDetail, ImportResultDto, TagDto, TagStateWords } from '@idm/contracts';
import { DomainEvents, flattenValidationErrors } from '@idm/core';
import { CreateDeviceDto, UpdateDeviceDto } from '../dto/device.dto';
import { CreateTagDto, UpdateTagDto } from '../dto/tag.dto';
import { DeviceFileError, formatDeviceFile, parseDeviceFile } from './device-file';
import { checkDevices, checkTags } from './registry-rules';
import { RegistryRepository } from './registry.repository';
import { TagRegistryService } from './tag-registry.service';

/** Admin use cases of the registry: every change is validated as a whole before anything is written. */
@Injectable()
export class RegistryService {
  constructor(
    private readonly repo: RegistryRepository,
    private readonly registry: TagRegistryService,
    private readonly events: DomainEvents,
  ) {}

  getDevice(id: string): DeviceDto {
    const d = this.registry.getDevice(id);
    if (!d) throw new NotFoundException({ message: `device "${id}" does not exist` });
    return d;
  }

  getTag(sensorId: string): TagDto {
    const t = this.registry.getTag(sensorId);
    if (!t) throw new NotFoundException({ message: `tag "${sensorId}" does not exist` });
    return t;
  }

  async createDevice(dto: CreateDeviceDto): Promise<DeviceDto> {
    const device = deviceWithDefaults(dto);
    if (this.registry.getDevice(device.id)) throw new ConflictException({ message: `device "${device.id}" already exists` });
    assertValid(checkDevices([...this.registry.listDevices(), device]));
    await this.repo.saveDevice(device);
    await this.registry.refresh([device.id]);
    return device;
  }

  async updateDevice(id: string, dto: UpdateDeviceDto): Promise<DeviceDto> {
    const device = { ...this.getDevice(id), ...stripUndefined(dto) };
    assertValid(checkDevices(this.registry.listDevices().map((d) => (d.id === id ? device : d))));
    await this.repo.saveDevice(device);
    await this.registry.refresh([id]);
    return device;
  }

  /** Removes the device and its tags (their history stays in the historian). */
  async deleteDevice(id: string): Promise<void> {
    const device = this.getDevice(id);
    const sensorIds = this.registry.tagsOfDevice(id).map((t) => t.sensor_id);
    await this.repo.deleteTags(sensorIds);
    await this.repo.deleteDevice(id);
    await this.registry.refresh([id]);
    this.events.emit('device.removed', { device_id: id, device_name: device.name, sensor_ids: sensorIds, at: Date.now() });
  }

  async createTag(dto: CreateTagDto): Promise<TagDto> {
    const tag = tagWithDefaults(dto);
    if (this.registry.getTag(tag.sensor_id)) throw new ConflictException({ message: `tag "${tag.sensor_id}" already exists`, details: [{ field: 'sensor_id', rule: 'unique', message: `tag "${tag.sensor_id}" already exists` }] });
    this.checkTagChange(tag);
    await this.repo.saveTag(tag);
    await this.registry.refresh([tag.device_id]);
    return tag;
  }

  async updateTag(sensorId: string, dto: UpdateTagDto): Promise<TagDto> {
    const before = this.getTag(sensorId);
    const { alarm_priority, state_words, ...rest } = dto;
    const tag: TagDto = { ...before, ...stripUndefined(rest) };
    if (alarm_priority === null) delete tag.alarm_priority; // back to the severity-derived priority
    else if (alarm_priority !== undefined) tag.alarm_priority = alarm_priority;
    if (state_words === null) delete tag.state_words; // back to OFF / ON
    else if (state_words !== undefined) tag.state_words = stateWords(state_words);
    this.checkTagChange(tag);
    await this.repo.saveTag(tag);
    await this.registry.refresh([before.device_id, tag.device_id]);
    return tag;
  }

  async deleteTag(sensorId: string): Promise<void> {
    const t = this.getTag(sensorId);
    await this.repo.deleteTags([sensorId]);
    await this.registry.refresh([t.device_id]);
    this.events.emit('tag.removed', { sensor_id: sensorId, device_id: t.device_id, at: Date.now() });
  }

  /**
   * Imports a device file. `merge` upserts devices by id and tags by sensor_id; `replace` also removes
   * what the file does not list. Nothing is written unless the whole result is valid.
   */
  async importFile(body: unknown, mode: 'merge' | 'replace'): Promise<ImportResultDto> {
    let raw: { devices: unknown[]; tags: unknown[] };
    try {
      raw = parseDeviceFile(body);
    } catch (err) {
      if (err instanceof DeviceFileError) throw new BadRequestException({ message: err.message, details: [{ field: err.field, rule: 'deviceFile', message: err.message }] });
      throw err;
    }
    const details: ErrorDetail[] = [];
    const devices = raw.devices.map((d, i) => {
      const dto = validateItem(CreateDeviceDto, d, labelOf(d, 'id', 'device', i), `devices[${i}]`, details);
      return deviceWithDefaults(dto);
    });
    const tags = raw.tags.map((t, i) => tagWithDefaults(validateItem(CreateTagDto, t, labelOf(t, 'sensor_id', 'tag', i), `tags[${i}]`, details)));
    if (details.length) throw badRequest(details);

    const fileDeviceIds = new Set(devices.map((d) => d.id));
    const fileTagIds = new Set(tags.map((t) => t.sensor_id));
    const keptDevices = mode === 'replace' ? [] : this.registry.listDevices().filter((d) => !fileDeviceIds.has(d.id));
    const keptTags = mode === 'replace' ? [] : this.registry.listTags().filter((t) => !fileTagIds.has(t.sensor_id));
    const allDevices = [...keptDevices, ...devices];
    const problems = [...checkDevices(allDevices), ...checkTags([...keptTags, ...tags], new Set(allDevices.map((d) => d.id)))];
    if (problems.length) throw badRequest(problems);

    const changed = new Set<string>([...fileDeviceIds, ...tags.map((t) => t.device_id)]);
    const goneTags = mode === 'replace' ? this.registry.listTags().filter((t) => !fileTagIds.has(t.sensor_id)) : [];
    const goneDevices = mode === 'replace' ? this.registry.listDevices().filter((d) => !fileDeviceIds.has(d.id)) : [];
    if (mode === 'replace') {
      await this.repo.deleteTags(goneTags.map((t) => t.sensor_id));
      for (const d of this.registry.listDevices()) changed.add(d.id);
      for (const d of goneDevices) await this.repo.deleteDevice(d.id);
    }
    for (const d of devices) await this.repo.saveDevice(d);
    for (const t of tags) await this.repo.saveTag(t);
    await this.registry.refresh([...changed]);
    const at = Date.now();
    for (const d of goneDevices) {
      const sensorIds = goneTags.filter((t) => t.device_id === d.id).map((t) => t.sensor_id);
      this.events.emit('device.removed', { device_id: d.id, device_name: d.name, sensor_ids: sensorIds, at });
    }
    const goneDeviceIds = new Set(goneDevices.map((d) => d.id));
    for (const t of goneTags) if (!goneDeviceIds.has(t.device_id)) this.events.emit('tag.removed', { sensor_id: t.sensor_id, device_id: t.device_id, at });
    return { devices: devices.length, tags: tags.length, mode };
  }

  exportFile(format: 'json' | 'yaml'): string {
    const devices = this.registry.listDevices().sort((a, b) => a.id.localeCompare(b.id));
    const tags = this.registry.listTags().sort((a, b) => a.device_id.localeCompare(b.device_id) || a.register_type.localeCompare(b.register_type) || a.address - b.address);
    return formatDeviceFile(devices, tags, format);
  }

  /** Checks one new or changed tag against the rest of the registry; reports only problems involving it. */
  private checkTagChange(tag: TagDto): void {
    const others = this.registry.listTags().filter((t) => t.sensor_id !== tag.sensor_id);
    const ids = new Set(this.registry.listDevices().map((d) => d.id));
    const problems = checkTags([...others, tag], ids).filter((p) => p.message.includes(`"${tag.sensor_id}"`));
    assertValid(problems);
  }

}

function assertValid(problems: ErrorDetail[]): void {
  if (problems.length) throw badRequest(problems);
}

function badRequest(details: ErrorDetail[]): BadRequestException {
  return new BadRequestException({ message: details.map((d) => d.message).join('; '), details });
}

function labelOf(item: unknown, key: string, kind: string, i: number): string {
  const v = item && typeof item === 'object' ? (item as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' && v ? `${kind} "${v}"` : `${kind} #${i + 1}`;
}

/** Validates one file entry with the same DTO rules as the REST API; messages name the entry. */
function validateItem<T extends object>(cls: new () => T, item: unknown, label: string, path: string, out: ErrorDetail[]): T {
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

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'device';
}

export function deviceWithDefaults(dto: CreateDeviceDto): DeviceDto {
  return {
    id: dto.id ?? slug(dto.name ?? ''),
    name: dto.name,
    host: dto.host,
    port: dto.port ?? 502,
    unit_id: dto.unit_id ?? 1,
    poll_interval_ms: dto.poll_interval_ms ?? 1000,
    timeout_ms: dto.timeout_ms ?? 1000,
    enabled: dto.enabled ?? true,
    block_gap: dto.block_gap ?? 8,
  };
}

export function tagWithDefaults(dto: CreateTagDto): TagDto {
  const t: TagDto = {
    sensor_id: dto.sensor_id,
    device_id: dto.device_id,
    area: dto.area ?? '',
    register_type: dto.register_type,
    address: dto.address,
    data_type: dto.data_type,
    word_order: dto.word_order ?? 'big',
    byte_order: dto.byte_order ?? 'big',
    scale: dto.scale ?? 1,
    offset: dto.offset ?? 0,
    unit: dto.unit ?? '',
    description: dto.description ?? '',
  };
  if (dto.limits) t.limits = stripUndefined({ ...dto.limits });
  if (dto.physical_min !== undefined) t.physical_min = dto.physical_min;
  if (dto.physical_max !== undefined) t.physical_max = dto.physical_max;
  if (dto.alarm_priority !== undefined && dto.alarm_priority !== null) t.alarm_priority = dto.alarm_priority;
  if (dto.state_words) t.state_words = stateWords(dto.state_words);
  return t;
}

/** Only the two words (a validated DTO instance carries nothing else, but a plain copy is what gets stored). */
function stateWords(w: TagStateWords): TagStateWords {
  return { '0': w['0'], '1': w['1'] };
}
