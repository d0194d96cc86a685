export * from './multivariate-detector';
