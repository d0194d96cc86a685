import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { DevicesController } from './devices.controller';
import { IngestionService } from './ingestion.service';
import { PollerService } from './poller/poller.service';
import { Device, DeviceSchema } from './registry/device.schema';
import { RegistryRepository } from './registry/registry.repository';
import { RegistryService } from './registry/registry.service';
import { Tag, TagSchema } from './registry/tag.schema';
import { TagRegistryService } from './registry/tag-registry.service';
import { TagsController } from './tags.controller';

// Device and Tag models are owned here; other modules read them through TagRegistryService (or the
// exported models), writes go through the registry's API.
const models = MongooseModule.forFeature([
  { name: Device.name, schema: DeviceSchema },
  { name: Tag.name, schema: TagSchema },
]);

@Module({
  imports: [models],
  controllers: [DevicesController, TagsController],
  providers: [IngestionService, RegistryRepository, TagRegistryService, RegistryService, PollerService],
  exports: [IngestionService, TagRegistryService, PollerService, models],
})
export class IngestionModule {}
