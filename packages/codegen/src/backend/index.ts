export * from './driver';
export * from './define';
export * from './emit';
export * from './state';
