import { WasmError, parseModule } from '@windlass/wasm-frontend';

// (module (memory 1) (func (param i32) (result i32) (i32.load offset=4 (local.get 0))))
const bytes = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,
  0x03, 0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00,
  0x28, 0x02, 0x04, 0x0b,
]);
try {
  const module = parseModule(bytes); // decode + validate; throws only WasmError
  console.log(module.types, module.memories); // [{ params: [0x7f], results: [0x7f] }] [{ limits: { min: 1 } }]
} catch (e) {
  if (e instanceof WasmError) console.error(e.kind, e.rule, e.location); // e.g. malformed, "unexpected end", { offset, section, func }
}
