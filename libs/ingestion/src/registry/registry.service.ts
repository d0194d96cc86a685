import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { deviceProtocol, isModbusBinding, isMqttBinding, isOpcuaBinding, MODBUS_BINDING_FIELDS } from '@idm/contracts';
import type { DeviceDto, DeviceProtocol, ErrorDetail, ImportResultDto, MqttDeviceDto, MqttMode, OpcuaDeviceDto, TagDto, TagSource, TagStateWords } from '@idm/contracts';
import { DomainEvents, flattenValidationErrors } from '@idm/core';
import { CreateDeviceDto, DEVICE_FIELDS_OF, UpdateDeviceDto } from '../dto/device.dto';
import { ModbusTagBindingDto, MqttTagBindingDto, OpcuaTagBindingDto } from '../dto/tag-binding.dto';
import { CreateTagDto, UpdateTagDto } from '../dto/tag.dto';
import { DeviceFileError, fileEntryLabel, formatDeviceFile, parseDeviceFile, validateFileEntry, type AssetFileSection } from './device-file';
import { bindingProtocol, bindingWithDefaults, exportedDevice, flatBindingFields, withMqttOptionals } from './registry-shapes';
import { Adoption, adoptions } from '../sources/mqtt/engine/auto-adopt';
import type { DiscoveredMetric } from '../sources/mqtt/engine/sparkplug-host';
import { checkDevices, checkTags } from './registry-rules';
import { RegistryRepository } from './registry.repository';
import { TagRegistryService } from './tag-registry.service';

/** Admin use cases of the registry: every change is validated as a whole before anything is written. */
@Injectable()
export class RegistryService {
  private assets: AssetFileSection | null = null;

  constructor(
    private readonly repo: RegistryRepository,
    private readonly registry: TagRegistryService,
    private readonly events: DomainEvents,
  ) {}

  /** The detection module hands over the assets part of the device file (assets depend on tags, not the reverse). */
  setAssetFileSection(section: AssetFileSection): void {
    this.assets = section;
  }

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
    assertValid(foreignDeviceFields(dto, deviceProtocol(dto), '', ''));
    const device = deviceWithDefaults(dto);
    if (this.registry.getDevice(device.id)) throw new ConflictException({ message: `device "${device.id}" already exists` });
    assertValid(checkDevices([...this.registry.listDevices(), device]));
    await this.repo.saveDevice(device);
    await this.registry.refresh();
    return device;
  }

  async updateDevice(id: string, dto: UpdateDeviceDto): Promise<DeviceDto> {
    const before = this.getDevice(id);
    if (dto.protocol !== undefined && dto.protocol !== before.protocol) {
      const message = `protocol cannot be changed (device "${id}" is ${before.protocol}): delete the device and add it again with its tags`;
      throw badRequest([{ field: 'protocol', rule: 'immutable', message }]);
    }
    assertValid(foreignDeviceFields(dto, before.protocol, '', ''));
    const { username, password_set: _ignored, tls_key_set: _keyIgnored, ...rest } = dto;
    const merged = { ...before, ...stripUndefined(rest) } as CreateDeviceDto;
    if (username === null) {
      // null: back to anonymous, so the password goes too
      delete merged.username;
      delete merged.password;
    } else if (username !== undefined) merged.username = username;
    const device = deviceWithDefaults(merged);
    assertValid(checkDevices(this.registry.listDevices().map((d) => (d.id === id ? device : d))));
    await this.repo.saveDevice(device);
    await this.registry.refresh();
    return device;
  }

  /** Removes the device and its tags (their history stays in the historian). */
  async deleteDevice(id: string): Promise<void> {
    const device = this.getDevice(id);
    const sensorIds = this.registry.tagsOfDevice(id).map((t) => t.sensor_id);
    await this.repo.deleteTags(sensorIds);
    await this.repo.deleteDevice(id);
    await this.registry.refresh();
    this.events.emit('device.removed', { device_id: id, device_name: device.name, sensor_ids: sensorIds, at: Date.now() });
  }

  async createTag(dto: CreateTagDto): Promise<TagDto> {
    const problems: ErrorDetail[] = [];
    const source = bindingOfInput(dto, undefined, { label: '', path: '' }, problems);
    assertValid(problems);
    const tag = tagWithDefaults(dto, source as TagSource);
    if (this.registry.getTag(tag.sensor_id)) throw new ConflictException({ message: `tag "${tag.sensor_id}" already exists`, details: [{ field: 'sensor_id', rule: 'unique', message: `tag "${tag.sensor_id}" already exists` }] });
    this.checkTagChange(tag);
    await this.repo.saveTag(tag);
    await this.registry.refresh();
    return tag;
  }

  async updateTag(sensorId: string, dto: UpdateTagDto): Promise<TagDto> {
    const before = this.getTag(sensorId);
    const problems: ErrorDetail[] = [];
    const source = bindingOfInput(dto, before.source, { label: '', path: '' }, problems);
    assertValid(problems);
    const { alarm_priority, state_words, source: _source, ...rest } = dto;
    for (const k of MODBUS_BINDING_FIELDS) delete (rest as Record<string, unknown>)[k];
    const tag: TagDto = { ...before, ...stripUndefined(rest), source: source as TagSource };
    if (alarm_priority === null) delete tag.alarm_priority; // back to the severity-derived priority
    else if (alarm_priority !== undefined) tag.alarm_priority = alarm_priority;
    if (state_words === null) delete tag.state_words; // back to OFF / ON
    else if (state_words !== undefined) tag.state_words = stateWords(state_words);
    this.checkTagChange(tag);
    await this.repo.saveTag(tag);
    await this.registry.refresh();
    return tag;
  }

  async deleteTag(sensorId: string): Promise<void> {
    const t = this.getTag(sensorId);
    await this.repo.deleteTags([sensorId]);
    await this.registry.refresh();
    this.events.emit('tag.removed', { sensor_id: sensorId, device_id: t.device_id, at: Date.now() });
  }

  /**
   * Imports a device file. `merge` upserts devices by id and tags by sensor_id; `replace` also removes
   * what the file does not list. Nothing is written unless the whole result is valid, nor on a dry run.
   * Only devices whose settings or tags really changed restart their connection.
   */
  async importFile(body: unknown, mode: 'merge' | 'replace', dryRun = false): Promise<ImportResultDto> {
    let raw: { devices: unknown[]; tags: unknown[]; assets: unknown[] };
    try {
      raw = parseDeviceFile(body);
    } catch (err) {
      if (err instanceof DeviceFileError) throw new BadRequestException({ message: err.message, details: [{ field: err.field, rule: 'deviceFile', message: err.message }] });
      throw err;
    }
    const details: ErrorDetail[] = [];
    const devices = raw.devices.map((d, i) => {
      const at = { label: fileEntryLabel(d, 'id', 'device', i), path: `devices[${i}]` };
      const before = details.length;
      const dto = validateFileEntry(CreateDeviceDto, d, at.label, at.path, details);
      if (details.length === before) details.push(...foreignDeviceFields(dto, deviceProtocol(dto), `${at.path}.`, `${at.label}: `));
      // An export has no passwords: importing it back keeps the stored one of the same device.
      const stored = this.registry.getDevice(dto.id ?? '');
      const hasPassword = (p?: DeviceProtocol) => p === 'opcua' || p === 'mqtt';
      if (hasPassword(dto.protocol) && dto.password === undefined && stored && stored.protocol === dto.protocol && hasPassword(stored.protocol)) {
        const storedCreds = stored as OpcuaDeviceDto | MqttDeviceDto;
        if (dto.username !== undefined && dto.username === storedCreds.username) dto.password = storedCreds.password;
      }
      // Nor the MQTT client key: the stored one stays with the same client certificate.
      if (dto.protocol === 'mqtt' && dto.tls_key === undefined && stored?.protocol === 'mqtt' && stored.tls_key !== undefined && dto.tls_cert !== undefined && dto.tls_cert === stored.tls_cert) {
        dto.tls_key = stored.tls_key;
      }
      return deviceWithDefaults(dto);
    });
    const tags = raw.tags.map((t, i) => {
      const at = { label: fileEntryLabel(t, 'sensor_id', 'tag', i), path: `tags[${i}]` };
      const before = details.length;
      const dto = validateFileEntry(CreateTagDto, t, at.label, at.path, details);
      // A tag whose fields already failed is not checked twice (flat Modbus fields are validated by both).
      const source = details.length === before ? bindingOfInput(dto, undefined, at, details) : undefined;
      return tagWithDefaults(dto, source as TagSource);
    });
    const fileDeviceIds = new Set(devices.map((d) => d.id));
    const fileTagIds = new Set(tags.map((t) => t.sensor_id));
    const keptDevices = mode === 'replace' ? [] : this.registry.listDevices().filter((d) => !fileDeviceIds.has(d.id));
    const keptTags = mode === 'replace' ? [] : this.registry.listTags().filter((t) => !fileTagIds.has(t.sensor_id));
    // Assets are checked against the sensors the registry will hold after the import, with the entries' own problems.
    const assets = await this.planAssets(raw.assets, mode, new Set([...keptTags, ...tags].map((t) => t.sensor_id)));
    details.push(...assets.problems);
    if (details.length) throw badRequest(details);

    const allDevices = [...keptDevices, ...devices];
    const problems = [...checkDevices(allDevices), ...checkTags([...keptTags, ...tags], protocolsOf(allDevices), mqttModesOf(allDevices))];
    if (problems.length) throw badRequest(problems);

    const goneTags = mode === 'replace' ? this.registry.listTags().filter((t) => !fileTagIds.has(t.sensor_id)) : [];
    const goneDevices = mode === 'replace' ? this.registry.listDevices().filter((d) => !fileDeviceIds.has(d.id)) : [];
    const result = {
      devices: devices.length,
      tags: tags.length,
      mode,
      removed_devices: goneDevices.map((d) => d.id).sort(),
      removed_tags: goneTags.map((t) => t.sensor_id).sort(),
      assets: assets.count,
      removed_assets: assets.removed,
    };
    // A dry run answers what the import would remove, so a screen can ask before it does.
    if (dryRun) return { ...result, dry_run: true, changed_devices: [] };
    if (mode === 'replace') {
      await this.repo.deleteTags(goneTags.map((t) => t.sensor_id));
      await this.repo.deleteDevices(goneDevices.map((d) => d.id));
    }
    await this.repo.saveDevices(devices);
    await this.repo.saveTags(tags);
    const changed = await this.registry.refresh();
    await assets.apply();
    const at = Date.now();
    for (const d of goneDevices) {
      const sensorIds = goneTags.filter((t) => t.device_id === d.id).map((t) => t.sensor_id);
      this.events.emit('device.removed', { device_id: d.id, device_name: d.name, sensor_ids: sensorIds, at });
    }
    const goneDeviceIds = new Set(goneDevices.map((d) => d.id));
    for (const t of goneTags) if (!goneDeviceIds.has(t.device_id)) this.events.emit('tag.removed', { sensor_id: t.sensor_id, device_id: t.device_id, at });
    return { ...result, dry_run: false, changed_devices: changed.sort() };
  }

  /** A version-2 device file of the whole registry; passwords are never written (re-import keeps the stored ones). */
  async exportFile(format: 'json' | 'yaml'): Promise<string> {
    const devices = this.registry.listDevices().sort((a, b) => a.id.localeCompare(b.id)).map(exportedDevice);
    const tags = this.registry.listTags().sort((a, b) => a.device_id.localeCompare(b.device_id) || bindingOrder(a.source, b.source) || a.sensor_id.localeCompare(b.sensor_id));
    return formatDeviceFile(devices, tags, this.assets ? await this.assets.list() : [], format);
  }

  private async planAssets(entries: unknown[], mode: 'merge' | 'replace', sensorIds: ReadonlySet<string>) {
    if (this.assets) return this.assets.plan(entries, mode, sensorIds);
    // Only a server without the detection module (some tests) has no assets section: refuse rather than drop them.
    const problems: ErrorDetail[] = entries.length ? [{ field: 'assets', rule: 'supported', message: 'this server does not handle assets' }] : [];
    return { problems, count: 0, removed: [] as string[], apply: async () => undefined };
  }

  /**
   * Adopts the metrics an MQTT device's `auto_adopt` rules match among those discovered in births: new tags
   * only (a metric already bound, or a sensor id taken, is left alone), each checked against the registry
   * like a posted tag; those refused are returned with the reason, the others stored in one change.
   */
  async adoptDiscovered(deviceId: string, metrics: readonly DiscoveredMetric[]): Promise<{ adopted: Adoption[]; refused: { metric: string; why: string }[] }> {
    const device = this.registry.getDevice(deviceId);
    if (!device || device.protocol !== 'mqtt' || device.mode !== 'sparkplug' || !device.auto_adopt?.length) return { adopted: [], refused: [] };
    const { adopt, skipped } = adoptions(deviceId, device.auto_adopt, metrics, this.registry.listTags());
    const devices = this.registry.listDevices();
    const adopted: Adoption[] = [];
    const refused = [...skipped];
    for (const a of adopt) {
      const problems = checkTags([...this.registry.listTags(), ...adopted.map((x) => x.tag), a.tag], protocolsOf(devices), mqttModesOf(devices)).filter((p) => p.message.includes(`"${a.tag.sensor_id}"`));
      if (problems.length) refused.push({ metric: a.metric, why: problems.map((p) => p.message).join('; ') });
      else adopted.push(a);
    }
    if (!adopted.length) return { adopted, refused };
    await this.repo.saveTags(adopted.map((a) => a.tag));
    await this.registry.refresh();
    return { adopted, refused };
  }

  /** Checks one new or changed tag against the rest of the registry; reports only problems involving it. */
  private checkTagChange(tag: TagDto): void {
    const others = this.registry.listTags().filter((t) => t.sensor_id !== tag.sensor_id);
    const devices = this.registry.listDevices();
    const problems = checkTags([...others, tag], protocolsOf(devices), mqttModesOf(devices)).filter((p) => p.message.includes(`"${tag.sensor_id}"`));
    assertValid(problems);
  }

}

function assertValid(problems: ErrorDetail[]): void {
  if (problems.length) throw badRequest(problems);
}

function badRequest(details: ErrorDetail[]): BadRequestException {
  return new BadRequestException({ message: details.map((d) => d.message).join('; '), details });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function slug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 64) || 'device';
}

export function deviceWithDefaults(dto: CreateDeviceDto): DeviceDto {
  const id = dto.id ?? slug(dto.name ?? '');
  if (dto.protocol === 'mqtt') {
    const d: MqttDeviceDto = {
      id,
      name: dto.name,
      protocol: 'mqtt',
      broker_url: dto.broker_url as string,
      client_id: dto.client_id as string,
      mode: dto.mode as MqttMode,
      timeout_ms: dto.timeout_ms ?? 10_000,
      enabled: dto.enabled ?? true,
    };
    return withMqttOptionals(d, dto as unknown as Record<string, unknown>);
  }
  if (dto.protocol === 'opcua') {
    const d: OpcuaDeviceDto = {
      id,
      name: dto.name,
      protocol: 'opcua',
      endpoint_url: dto.endpoint_url as string,
      security_mode: dto.security_mode ?? 'None',
      security_policy: dto.security_policy ?? 'None',
      publishing_interval_ms: dto.publishing_interval_ms ?? 1000,
      timeout_ms: dto.timeout_ms ?? 10_000,
      enabled: dto.enabled ?? true,
    };
    if (dto.username !== undefined && dto.username !== null) d.username = dto.username;
    if (dto.password !== undefined && dto.password !== null) d.password = dto.password;
    return d;
  }
  return {
    id,
    name: dto.name,
    protocol: 'modbus',
    host: dto.host as string,
    port: dto.port ?? 502,
    unit_id: dto.unit_id ?? 1,
    poll_interval_ms: dto.poll_interval_ms ?? 1000,
    timeout_ms: dto.timeout_ms ?? 1000,
    enabled: dto.enabled ?? true,
    block_gap: dto.block_gap ?? 8,
  };
}

/** The shared fields from the DTO and the binding already validated (`bindingOfInput`). */
export function tagWithDefaults(dto: CreateTagDto, source: TagSource): TagDto {
  const t: TagDto = {
    sensor_id: dto.sensor_id,
    device_id: dto.device_id,
    area: dto.area ?? '',
    source,
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

/**
 * The binding of a posted tag: `source`, or the first API's flat Modbus fields; on a change, merged into the
 * stored binding when it is of the same protocol. Validated by its protocol's DTO (the protocol match with the
 * device is a registry rule); problems are added to `out`, named by `at`.
 */
function bindingOfInput(
  dto: Partial<CreateTagDto>,
  stored: TagSource | undefined,
  at: { label: string; path: string },
  out: ErrorDetail[],
): TagSource | undefined {
  const prefix = at.label ? `${at.label}: ` : '';
  const path = at.path ? `${at.path}.` : '';
  const flat = flatBindingFields(dto as Record<string, unknown>);
  const posted = dto.source !== undefined && dto.source !== null ? dto.source : null;
  if (flat && posted) {
    const message = `${prefix}give the binding either as source or as the flat Modbus fields (${Object.keys(flat).join(', ')}), not both`;
    out.push({ field: `${path}source`, rule: 'oneForm', message });
    return undefined;
  }
  const given = posted ?? flat;
  if (!given) {
    if (stored) return stored;
    out.push({ field: `${path}source`, rule: 'required', message: `${prefix}source is required (the tag's binding to its device: register_type, address, data_type for Modbus, node_id for OPC UA, topic or edge_node_id and metric for MQTT)` });
    return undefined;
  }
  const storedKind = stored ? (isOpcuaBinding(stored) ? 'opcua' : isMqttBinding(stored) ? 'mqtt' : 'modbus') : undefined;
  const kind = bindingProtocol(given) ?? storedKind ?? 'modbus';
  const sameKind = stored && kind === storedKind;
  const raw: Record<string, unknown> = sameKind ? { ...stored, ...stripUndefined(given) } : { ...given };
  const cls: new () => object = kind === 'opcua' ? OpcuaTagBindingDto : kind === 'mqtt' ? MqttTagBindingDto : ModbusTagBindingDto;
  const errors = validateSync(plainToInstance(cls, raw), {
    whitelist: true,
    forbidNonWhitelisted: true,
    validationError: { target: false, value: true },
  });
  for (const d of flattenValidationErrors(errors, posted ? 'source' : '')) {
    out.push({ field: `${path}${d.field}`, rule: d.rule, message: `${prefix}${d.message}` });
  }
  return errors.length ? undefined : bindingWithDefaults(raw);
}

/** Fields of the other protocol's devices, refused rather than silently dropped. */
function foreignDeviceFields(dto: object, protocol: DeviceProtocol, path: string, prefix: string): ErrorDetail[] {
  const own = new Set(DEVICE_FIELDS_OF[protocol]);
  const foreign = new Set(Object.values(DEVICE_FIELDS_OF).flat().filter((k) => !own.has(k)));
  const o = dto as Record<string, unknown>;
  return [...foreign]
    .filter((k) => o[k] !== undefined && o[k] !== null)
    .map((k) => ({ field: `${path}${k}`, rule: 'matchesProtocol', message: `${prefix}${k} is not a field of ${protocol === 'modbus' ? 'a' : 'an'} ${protocol} device` }));
}

function protocolsOf(devices: readonly DeviceDto[]): Map<string, DeviceProtocol> {
  return new Map(devices.map((d) => [d.id, deviceProtocol(d)]));
}

function mqttModesOf(devices: readonly DeviceDto[]): Map<string, MqttMode> {
  return new Map(devices.flatMap((d) => (d.protocol === 'mqtt' ? [[d.id, d.mode] as const] : [])));
}

/** Export order within a device: Modbus by area and address, OPC UA by node id, MQTT by topic or metric. */
function bindingOrder(a: TagSource, b: TagSource): number {
  if (isModbusBinding(a) && isModbusBinding(b)) return a.register_type.localeCompare(b.register_type) || a.address - b.address;
  if (isOpcuaBinding(a) && isOpcuaBinding(b)) return a.node_id.localeCompare(b.node_id);
  if (isMqttBinding(a) && isMqttBinding(b)) return mqttKey(a).localeCompare(mqttKey(b));
  return isModbusBinding(a) ? -1 : 1;
}

function mqttKey(b: { topic?: string; edge_node_id?: string; device_id?: string; metric?: string }): string {
  return b.topic ?? [b.edge_node_id, b.device_id ?? '', b.metric].join('/');
}

/** Only the two words (a validated DTO instance carries nothing else, but a plain copy is what gets stored). */
function stateWords(w: TagStateWords): TagStateWords {
  return { '0': w['0'], '1': w['1'] };
}
