// Keeps the README example true.
import '@windlass/isa-x64';
import { describe, expect, it } from 'vitest';
import { ArtifactError, compileModule, deserialize, serialize } from './index';

describe('README example', () => {
  it('compiles, serializes, deserializes and refuses other settings as shown', () => {
    const wasm = new Uint8Array([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01, 0x7f,
      0x03, 0x02, 0x01, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x08, 0x01, 0x04, 0x6c, 0x6f, 0x61,
      0x64, 0x00, 0x00, 0x0a, 0x09, 0x01, 0x07, 0x00, 0x20, 0x00, 0x28, 0x02, 0x04, 0x0b,
    ]);
    const artifact = compileModule(wasm, { target: 'x86_64', settings: ['opt_level=speed'] });
    const bytes = serialize(artifact);
    const back = deserialize(bytes, { isa: 'x86_64', settings: ['opt_level=speed'] });
    expect(back.modules[0].exports).toEqual([{ name: 'load', kind: 0, index: 0 }]);
    let error: unknown;
    try {
      deserialize(bytes, { isa: 'x86_64', settings: [] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ArtifactError);
    expect((error as ArtifactError).kind).toBe('settings');
    expect((error as ArtifactError).message).toMatch(/^artifact: \.windlass\.compat at byte \d+: made with other settings: setting opt_level: artifact has speed, expected none$/);
  });
});
