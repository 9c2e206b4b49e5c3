// Native execution for the filetest runner and the `compile` command. Importing this module
// registers the x86-64 and s390x ISAs (through their packages); `registerNativeBackends()` adds
// the execution backends to the runner: x86-64 natively, s390x under qemu-user.

import '@windlass/isa-x64';
import '@windlass/isa-s390x';
import { registerBackend } from '../runner/backend';
import { x64NativeBackend } from './x64';
import { crossBackend } from './cross';
import { s390xProfile } from './s390x';

let registered = false;

export function registerNativeBackends(): void {
  if (registered) return;
  registered = true;
  registerBackend(x64NativeBackend);
  registerBackend(crossBackend(s390xProfile));
}

export { x64NativeBackend, buildObject, driverSource, runNative, testSymbol } from './x64';
export { cmdCompile } from './compile-cmd';
export { s390xProfile } from './s390x';
