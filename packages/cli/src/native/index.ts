// Native execution for the filetest runner. Importing this module registers the ISAs with a
// backend; `registerNativeBackends()` adds the native x86-64 backend and the cross backends
// (the other ISAs under qemu-user) to the runner.

import '@windlass/isa-x64';
import '@windlass/isa-riscv64';
import '@windlass/isa-s390x';
import { registerBackend } from '../runner/backend';
import { x64NativeBackend } from './x64';
import { crossBackend } from './cross';
import { aarch64Profile } from './aarch64';
import { riscv64Backend } from './riscv64';
import { s390xProfile } from './s390x';

let registered = false;

export function registerNativeBackends(): void {
  if (registered) return;
  registered = true;
  registerBackend(x64NativeBackend);
  registerBackend(crossBackend(aarch64Profile));
  registerBackend(riscv64Backend);
  registerBackend(crossBackend(s390xProfile));
}

export { x64NativeBackend, buildObject, driverSource, runNative, testSymbol } from './x64';
export { s390xProfile } from './s390x';
