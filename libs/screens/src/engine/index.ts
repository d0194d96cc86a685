export * from './svg-tree';
export * from './svg-sanitiser';
export * from './bindings';
