// `tls_value` under the ELF general-dynamic model.

import type { Inst } from '@windlass/ir';
import type { S390xLower } from './state';

export function lowerTls(L: S390xLower, _inst: Inst): boolean {
  L.unsupported('tls_value (not yet)');
}
