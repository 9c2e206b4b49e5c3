import '@windlass/isa-x64'; // registers the backend the target line names
import { ArtifactError, compileModule, deserialize, serialize } from '@windlass/linker';

// (module (memory 1) (func (export "load") (param i32) (result i32) (i32.load offset=4 (local.get 0))))
const wasm = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,
  0x03, 0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x08, 0x01, 0x04, 0x6c, 0x6f, 0x61,
  0x64, 0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x28, 0x02, 0x04, 0x0b,
]);
const artifact = compileModule(wasm, { target: 'x86_64', settings: ['opt_level=speed'] });
const bytes: Uint8Array = serialize(artifact); // write it to load.cwasm
try {
  const back = deserialize(bytes, { isa: 'x86_64', settings: ['opt_level=speed'] });
  console.log(back.modules[0].exports); // [{ name: 'load', kind: 0, index: 0 }]
  deserialize(bytes, { isa: 'x86_64', settings: [] });
} catch (e) {
  if (e instanceof ArtifactError) console.log(e.kind, e.message);
  // settings artifact: .windlass.compat at byte 144: made with other settings:
  //   setting opt_level: artifact has speed, expected none
}
