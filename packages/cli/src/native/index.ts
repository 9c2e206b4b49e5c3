// Native execution for the filetest runner. Importing this module registers the ISAs with a
// backend; `registerNativeBackends()` adds the native x86-64 backend and the cross backends
// (the other ISAs under qemu-user) to the runner.

import '@windlass/isa-x64';
import { registerBackend } from '../runner/backend';
import { x64NativeBackend } from './x64';
import { crossBackend } from './cross';
import { aarch64Profile } from './aarch64';

let registered = false;

export function registerNativeBackends(): void {
  if (registered) return;
  registered = true;
  registerBackend(x64NativeBackend);
  registerBackend(crossBackend(aarch64Profile));
}

export { x64NativeBackend, buildObject, driverSource, runNative, testSymbol } from './x64';
