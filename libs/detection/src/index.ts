export * from './engine';
export * from './detection.module';
export * from './detection.service';
export { Anomaly, AnomalySchema } from './anomaly.schema';
export type { EpisodeStart } from './anomalies.repository';
export { AssetHealthService } from './assets/asset-health.service';
