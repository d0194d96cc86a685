export * from './alarms.module';
export * from './alarms.service';
export * from './alarm.schema';
export * from './engine/alarm-types';
export * from './engine/alarm-priority';
export * from './engine/alarm-state-machine';
export * from './engine/flood-detector';
export { DAY_VIEW_DAYS } from './engine/audit-days';
