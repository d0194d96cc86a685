export * from './notifications.module';
export * from './mail-outbox.service';
export * from './engine/critical-grouper';
export * from './engine/digest';
export * from './engine/schedule';
