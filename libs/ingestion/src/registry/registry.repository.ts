import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { DeviceDto, TagDto } from '@idm/contracts';
import { Device } from './device.schema';
import { deviceFromStored, tagFromStored } from './registry-shapes';
import { Tag } from './tag.schema';

/** Records per bulk write: an import of a plant's tags is a few round trips, each message well under 48 MB. */
export const REGISTRY_BULK_CHUNK = 1000;

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
    return docs.map((d) => deviceFromStored(d as unknown as Parameters<typeof deviceFromStored>[0])).sort((a, b) => a.id.localeCompare(b.id));
  }

  async listTags(): Promise<TagDto[]> {
    const docs = await this.tags.find().lean().exec();
    return docs.map((t) => tagFromStored(t as unknown as Parameters<typeof tagFromStored>[0])).sort((a, b) => a.sensor_id.localeCompare(b.sensor_id));
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

  /**
   * Bulk upserts of complete records (an import). Each op is keyed by `_id`, the only filter FerretDB pushes
   * down; FerretDB has no transactions, so a failure part-way leaves the earlier chunks written (the registry
   * is reloaded from the database after every change, so memory never disagrees with what was stored).
   * `skipValidation`: the registry rules validated the records; Mongoose's `required` would refuse the empty
   * strings a tag may hold (area, unit), which the single `replaceOne` never validated either.
   */
  async saveDevices(devices: readonly DeviceDto[]): Promise<void> {
    for (const part of chunks(devices)) {
      await this.devices.bulkWrite(part.map(({ id, ...rest }) => ({ replaceOne: { filter: { _id: id }, replacement: { _id: id, ...rest } as unknown as Device, upsert: true } })), { skipValidation: true });
    }
  }

  async saveTags(tags: readonly TagDto[]): Promise<void> {
    for (const part of chunks(tags)) {
      await this.tags.bulkWrite(part.map(({ sensor_id, ...rest }) => ({ replaceOne: { filter: { _id: sensor_id }, replacement: { _id: sensor_id, ...rest } as unknown as Tag, upsert: true } })), { skipValidation: true });
    }
  }

  async deleteDevices(ids: readonly string[]): Promise<void> {
    for (const part of chunks(ids)) await this.devices.bulkWrite(part.map((id) => ({ deleteOne: { filter: { _id: id } } })));
  }

  /** One `deleteOne` by `_id` per tag, sent in bulk: FerretDB pushes only exact `_id` filters down, `$in` would scan. */
  async deleteTags(sensorIds: readonly string[]): Promise<void> {
    for (const part of chunks(sensorIds)) await this.tags.bulkWrite(part.map((id) => ({ deleteOne: { filter: { _id: id } } })));
  }
}

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += REGISTRY_BULK_CHUNK) out.push(items.slice(i, i + REGISTRY_BULK_CHUNK));
  return out;
}
