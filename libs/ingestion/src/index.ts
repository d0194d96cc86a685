export * from './ingestion.module';
export * from './ingestion.service';
export * from './registry/tag-registry.service';
export { Device, DeviceSchema } from './registry/device.schema';
export { Tag, TagSchema } from './registry/tag.schema';
