// The execution backends `windlass test` knows, registered at module load so that every worker
// thread has them too. (The interpreter is not registered: it is the fallback, see run-cases.ts.)

import { registerNativeBackends } from '../native';

registerNativeBackends();
