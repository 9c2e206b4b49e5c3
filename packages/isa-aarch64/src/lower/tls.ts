// Thread-local storage.

import type { RuleTable } from '@windlass/codegen';
import type { A64Lower } from './state';

export function addTlsRules(r: RuleTable<A64Lower>): void {
  void r;
}
