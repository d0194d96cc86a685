import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { DeviceDto, TagDto } from '@idm/contracts';
import { Device } from './device.schema';
import { deviceFromStored, tagFromStored } from './registry-shapes';
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

  async deleteTags(sensorIds: readonly string[]): Promise<void> {
    // One `_id` delete each: FerretDB pushes only exact `_id` filters down; `$in` would scan per call anyway.
    for (const id of sensorIds) await this.tags.deleteOne({ _id: id }).exec();
  }
}

