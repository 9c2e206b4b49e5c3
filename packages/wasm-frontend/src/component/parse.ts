import { WasmError, WasmMalformedError } from '../errors';
import type { WasmFeatures } from '../types';
import { decodeComponent } from './decode';
import { validateComponent, type ValidatedComponent } from './validate';

/**
 * Decodes, validates and flattens a component. Throws only `WasmError`s; any other exception
 * escaping here is a bug, reported as malformed with its message.
 */
export function parseComponent(bytes: Uint8Array, features: WasmFeatures = { multiMemory: true }): ValidatedComponent {
  try {
    return validateComponent(decodeComponent(bytes, features));
  } catch (e) {
    if (e instanceof WasmError) throw e;
    if (e instanceof RangeError) throw new WasmMalformedError('component too deeply nested', { offset: 0, section: 99, func: -1 }, e.message);
    throw new WasmMalformedError('internal component decoder error', { offset: 0, section: 99, func: -1 }, String(e));
  }
}
