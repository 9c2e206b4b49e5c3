// Emission of the atomic read-modify-write loop pseudo-instruction (see atomics.ts).

import { CodegenError, type EmitSink } from '@windlass/codegen';
import type { MInst } from '../inst/mod';

export function expandAtomicLoop(_i: MInst, _sink: EmitSink, _put: (i: MInst) => void): void {
  throw new CodegenError('internal: atomic loops are not implemented yet');
}
