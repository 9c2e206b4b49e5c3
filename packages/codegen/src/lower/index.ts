export * from './errors';
export * from './vcode';
export * from './lower';
export * from './compile';
export * from './exceptions';
