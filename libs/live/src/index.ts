export * from './live.module';
export * from './live-samples';
