import '@windlass/isa-x64';
import { compileModule, serialize } from '@windlass/linker';
import { Runtime, Trap, i32 } from '@windlass/runtime';

// (module (func (export "div") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1))))
const wasm = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01,
  0x7f, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x64, 0x69, 0x76, 0x00, 0x00, 0x0a, 0x09,
  0x01, 0x07, 0x00, 0x20, 0x00, 0x20, 0x01, 0x6e, 0x0b,
]);
const artifact = serialize(compileModule(wasm, { target: 'x86_64' })); // or read a .cwasm file

const runtime = new Runtime();
const instance = runtime.instantiate(runtime.load(artifact));
console.log(instance.invoke('div', [i32(84), i32(2)])); // [ { type: 'i32', value: 42 } ]
try {
  instance.invoke('div', [i32(1), i32(0)]);
} catch (e) {
  if (e instanceof Trap) console.log(e.trapMessage); // integer divide by zero
}
runtime.close();
