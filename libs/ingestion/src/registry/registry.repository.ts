import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { DeviceDto, TagDto } from '@idm/contracts';
import { Device } from './device.schema';
import { Tag } from './tag.schema';

/** The only place that touches the device and tag collections. Every single-record access is by `_id`. */
@Injectable()
export class RegistryRepository {
  constructor(
    @InjectModel(Device.name) private readonly devices: Model<Device>,
    @InjectModel(Tag.name) private readonly tags: Model<Tag>,
  ) {}

  async init(): Promise<void> {
    await Promise.all([this.devices.init(), this.tags.init()]);
  }

  async listDevices(): Promise<DeviceDto[]> {
    const docs = await this.devices.find().lean().exec();
    return docs.map(toDevice).sort((a, b) => a.id.localeCompare(b.id));
  }

  async listTags(): Promise<TagDto[]> {
    const docs = await this.tags.find().lean().exec();
    return docs.map(toTag).sort((a, b) => a.sensor_id.localeCompare(b.sensor_id));
  }

  async countDevices(): Promise<number> {
    return this.devices.estimatedDocumentCount().exec();
  }

  /** Insert or replace by id (the caller has validated the complete record). */
  async saveDevice(d: DeviceDto): Promise<void> {
    const { id, ...rest } = d;
    await this.devices.replaceOne({ _id: id }, { _id: id, ...rest }, { upsert: true }).exec();
  }

  async saveTag(t: TagDto): Promise<void> {
    const { sensor_id, ...rest } = t;
    await this.tags.replaceOne({ _id: sensor_id }, { _id: sensor_id, ...rest }, { upsert: true }).exec();
  }

  async deleteDevice(id: string): Promise<void> {
    await this.devices.deleteOne({ _id: id }).exec();
  }

  async deleteTags(sensorIds: readonly string[]): Promise<void> {
    // One `_id` delete each: FerretDB pushes only exact `_id` filters down; `$in` would scan per call anyway.
    for (const id of sensorIds) await this.tags.deleteOne({ _id: id }).exec();
  }
}

type Lean<T> = T & { created_at?: Date; updated_at?: Date };

function toDevice(d: Lean<Device>): DeviceDto {
  return {
    id: d._id,
    name: d.name,
    host: d.host,
    port: d.port,
    unit_id: d.unit_id,
    poll_interval_ms: d.poll_interval_ms,
    timeout_ms: d.timeout_ms,
    enabled: d.enabled,
    block_gap: d.block_gap ?? 8,
  };
}

function toTag(t: Lean<Tag>): TagDto {
  const out: TagDto = {
    sensor_id: t._id,
    device_id: t.device_id,
    area: t.area ?? '',
    register_type: t.register_type,
    address: t.address,
    data_type: t.data_type,
    word_order: t.word_order ?? 'big',
    byte_order: t.byte_order ?? 'big',
    scale: t.scale ?? 1,
    offset: t.offset ?? 0,
    unit: t.unit ?? '',
    description: t.description ?? '',
  };
  if (t.limits && Object.keys(t.limits).length) out.limits = { ...t.limits };
  if (typeof t.physical_min === 'number') out.physical_min = t.physical_min;
  if (typeof t.physical_max === 'number') out.physical_max = t.physical_max;
  if (t.alarm_priority) out.alarm_priority = typeof t.alarm_priority === 'string' ? t.alarm_priority : { ...t.alarm_priority };
  if (t.state_words) out.state_words = { '0': t.state_words['0'], '1': t.state_words['1'] };
  return out;
}
