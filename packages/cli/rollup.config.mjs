// The command line's build: the shared one, plus the worker thread of `windlass test --jobs N`
// as an entry of its own (dist/worker.js); each command's implementation is a lazily loaded chunk.
import { packageConfig } from '../../rollup.config.mjs';

export default packageConfig({ entries: { worker: 'src/runner/worker.ts' } });
