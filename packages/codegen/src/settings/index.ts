export * from './template';
export * from './shared';
