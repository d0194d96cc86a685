export * from './config';
export * from './score';
export * from './sensor-detector';
export * from './episode-tracker';
export * from './alert-scorer';
export * from './unusable-sample';
export * from './asset-health-history';
export * from './cycle-profile';
