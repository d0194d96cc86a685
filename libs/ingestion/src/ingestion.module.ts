import { Module, type Provider, type Type } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { DevicesController } from './devices.controller';
import { IngestionService } from './ingestion.service';
import { ModbusSourceDriver } from './sources/modbus/modbus-source.driver';
import { MqttSourceDriver, mqttSourceDriverProvider } from './sources/mqtt';
import { OpcuaCertificatesController, OpcuaSourceDriver, opcuaSourceDriverProvider } from './sources/opcua';
import { SOURCE_DRIVERS } from './sources/source-driver';
import { SourcesService } from './sources/sources.service';
import { Device, DeviceSchema } from './registry/device.schema';
import { RegistryRepository } from './registry/registry.repository';
import { RegistryService } from './registry/registry.service';
import { Tag, TagSchema } from './registry/tag.schema';
import { TagRegistryService } from './registry/tag-registry.service';
import { SensorDataController } from './sources/rest/sensor-data.controller';
import { TagsController } from './tags.controller';

// Device and Tag models are owned here; other modules read them through TagRegistryService (or the
// exported models), writes go through the registry's API.
const models = MongooseModule.forFeature([
  { name: Device.name, schema: DeviceSchema },
  { name: Tag.name, schema: TagSchema },
]);

/**
 * One driver per protocol (`libs/ingestion/src/sources/<protocol>/`): its DI token and its provider (a class,
 * or a factory such as the OPC UA driver's `opcuaSourceDriverProvider()`). SourcesService gets them all
 * through SOURCE_DRIVERS, so a protocol is added with one line here.
 */
const SOURCE_DRIVER_CLASSES: ReadonlyArray<{ token: Type<unknown>; provider: Provider }> = [
  { token: ModbusSourceDriver, provider: ModbusSourceDriver },
  { token: OpcuaSourceDriver, provider: opcuaSourceDriverProvider() },
  { token: MqttSourceDriver, provider: mqttSourceDriverProvider() },
];

@Module({
  imports: [models],
  controllers: [DevicesController, TagsController, SensorDataController, OpcuaCertificatesController],
  providers: [
    IngestionService,
    RegistryRepository,
    TagRegistryService,
    RegistryService,
    ...SOURCE_DRIVER_CLASSES.map((d) => d.provider),
    { provide: SOURCE_DRIVERS, useFactory: (...drivers: unknown[]) => drivers, inject: SOURCE_DRIVER_CLASSES.map((d) => d.token) },
    SourcesService,
  ],
  exports: [IngestionService, TagRegistryService, RegistryService, SourcesService, models],
})
export class IngestionModule {}
