export * from './screens.module';
export * from './screens.service';
export * from './engine';
