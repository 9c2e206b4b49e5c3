// Type helpers the rule files share.

import { type Inst, type Type, I16, I32, I64, I8 } from '@windlass/ir';
import type { S390xLower } from './state';

/** The type of `inst`'s first result (or its controlling type when it has none). */
export function resultType(L: S390xLower, inst: Inst): Type {
  const f = L.f;
  return f.instResLen[inst] > 0 ? (f.valueType[f.result(inst, 0)] as Type) : (f.instType[inst] as Type);
}

/** i8, i16, i32 or i64: a value in one general register. */
export function isIntScalar(t: Type): boolean {
  return t === I8 || t === I16 || t === I32 || t === I64;
}
