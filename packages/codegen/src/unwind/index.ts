export * from './cfi';
export * from './eh-frame';
