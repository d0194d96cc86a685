export * from './historian.module';
export { HistorianService } from './historian.service';
export { HistoryService } from './history.service';
export { RetentionScheduler, RETENTION_QUEUE } from './retention';
export type { RetentionResult } from './retention';
export { RAW_COLLECTION, ROLLUPS_COLLECTION, PACKS_COLLECTION, LATEST_COLLECTION } from './historian.repository';
export { rawId, rollupId, packId } from './engine/docs';
export type { RawBucketDoc, RollupDoc, RollupPackDoc } from './engine/docs';
