export * from './reports.module';
export * from './reports.service';
export * from './engine/alarm-figures';
export * from './engine/build-report';
export * from './engine/report-input';
export * from './engine/scope';
export * from './engine/report-detail';
