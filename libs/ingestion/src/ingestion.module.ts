import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { IngestionService } from './ingestion.service';
import { Device, DeviceSchema } from './registry/device.schema';
import { RegistryRepository } from './registry/registry.repository';
import { Tag, TagSchema } from './registry/tag.schema';
import { TagRegistryService } from './registry/tag-registry.service';

// Device and Tag models are owned here; other modules read them through TagRegistryService (or the
// exported models), writes go through the registry's API.
const models = MongooseModule.forFeature([
  { name: Device.name, schema: DeviceSchema },
  { name: Tag.name, schema: TagSchema },
]);

@Module({
  imports: [models],
  providers: [IngestionService, RegistryRepository, TagRegistryService],
  exports: [IngestionService, TagRegistryService, models],
})
export class IngestionModule {}
