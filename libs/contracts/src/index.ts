// Wire types shared by the server and the client: no Nest, no Mongoose, no Node-only imports.
export * from './errors';
export * from './health';
export * from './roles';
export * from './sample';
export * from './events';
export * from './devices';
export * from './alarms';
export * from './anomalies';
export * from './auth';
export * from './reports';
export * from './notifications';
export * from './sensors';
export * from './csv';
export * from './trends';
export * from './screens';
export * from './assets';
