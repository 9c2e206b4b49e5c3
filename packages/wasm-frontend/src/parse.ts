// Decoding and validation of a whole module: the one validation path that binary modules and
// text modules (through the text reader's encoding) both take.
import { decodeModule } from './decode';
import { WasmError, WasmInvalidError, WasmMalformedError } from './errors';
import type { Module, WasmFeatures } from './types';
import { scanFunction, validateFunction } from './validate';

/**
 * Decodes and validates a whole module. Throws only `WasmError`s (malformed / invalid); any
 * other exception escaping here is a bug, reported as malformed with its message.
 */
export function parseModule(bytes: Uint8Array, features: WasmFeatures = {}): Module {
  try {
    const { module, declaredRefs } = decodeModule(bytes, features);
    const ctx = { module, declaredRefs };
    for (let i = 0; i < module.bodies.length; i++) {
      try {
        validateFunction(ctx, i);
      } catch (e) {
        // Malformed bytes later in the code section take precedence over this invalid body.
        if (e instanceof WasmInvalidError) for (let j = i; j < module.bodies.length; j++) scanFunction(module, j);
        throw e;
      }
    }
    return module;
  } catch (e) {
    if (e instanceof WasmError) throw e;
    // Defensive: no input may escape as an untyped exception.
    throw new WasmMalformedError('internal decoder error', { offset: 0, section: -1, func: -1 }, String(e));
  }
}

/** Like `parseModule`, returning the error instead of throwing it. */
export function checkModule(bytes: Uint8Array, features: WasmFeatures = {}): Module | WasmError {
  try {
    return parseModule(bytes, features);
  } catch (e) {
    return e as WasmError;
  }
}
