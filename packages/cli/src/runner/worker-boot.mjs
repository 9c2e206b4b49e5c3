// Worker threads do not inherit the `--import tsx` hook of the main thread: register tsx here,
// then load the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
