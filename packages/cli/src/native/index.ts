// Native execution for the filetest runner. Importing this module
// registers the x86-64 ISA (through `@windlass/isa-x64`); `registerNativeBackends()` adds the
// native execution backend to the runner.

import '@windlass/isa-x64';
import { registerBackend } from '../runner/backend';
import { x64NativeBackend } from './x64';

let registered = false;

export function registerNativeBackends(): void {
  if (registered) return;
  registered = true;
  registerBackend(x64NativeBackend);
}

export { x64NativeBackend, buildObject, driverSource, runNative, testSymbol } from './x64';
