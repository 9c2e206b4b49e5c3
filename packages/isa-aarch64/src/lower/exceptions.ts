// try_call / try_call_indirect and get_exception_handler_address.

import type { Inst } from '@windlass/ir';
import type { A64Lower } from './state';

export function lowerTryCall(L: A64Lower, inst: Inst, targets: readonly number[]): void {
  void inst;
  void targets;
  L.unsupported('try_call on aarch64');
}

export function tryCallLanding(L: A64Lower, inst: Inst, k: number): readonly (readonly number[])[] {
  void inst;
  void k;
  return L.unsupported('try_call on aarch64');
}

export function lowerHandlerAddress(L: A64Lower, inst: Inst): void {
  void inst;
  L.unsupported('get_exception_handler_address on aarch64');
}
