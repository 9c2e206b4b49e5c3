// Native execution for the filetest runner and the `compile` command. Importing this module
// registers the x86-64 ISA (through `@windlass/isa-x64`); `registerNativeBackends()` adds the
// native execution backend to the runner.

import '@windlass/isa-x64';
import '@windlass/isa-riscv64';
import { registerBackend } from '../runner/backend';
import { x64NativeBackend } from './x64';
import { riscv64Backend } from './riscv64';

let registered = false;

export function registerNativeBackends(): void {
  if (registered) return;
  registered = true;
  registerBackend(x64NativeBackend);
  registerBackend(riscv64Backend);
}

export { x64NativeBackend, buildObject, driverSource, runNative, testSymbol } from './x64';
export { cmdCompile } from './compile-cmd';
