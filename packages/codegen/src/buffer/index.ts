export * from './bytes';
export * from './label-use';
export * from './mach-buffer';
