/**
 * Component-level values as JavaScript holds them, one shape per type (the type says which):
 *
 * ```
 *  bool              boolean                 s8 .. u32, f32, f64   number (floats: any NaN)
 *  s64, u64          bigint                  char                  a string of one code point
 *  string            string                  list<T>, tuple<...>   arrays
 *  record            { field: value, ... }   flags                 string[] (the flags set)
 *  enum              string (the case)       variant, option, result
 *                                              { tag: 'case', value? }: option 'none' / 'some',
 *                                              result 'ok' / 'err'
 *  own<R>, borrow<R> ResourceHandle (a handle of the host's resource table)
 * ```
 */
import type { ValT } from '@windlass/wasm-frontend';

/** A resource handle held by the host: an index of the host's resource table. */
export class ResourceHandle {
  constructor(
    /** Index in the host's resource table. */
    readonly index: number,
    /** The runtime's resource type. */
    readonly type: number,
  ) {}
}

export type ComponentValue =
  | boolean
  | number
  | bigint
  | string
  | ComponentValue[]
  | { tag: string; value?: ComponentValue }
  | { [field: string]: ComponentValue }
  | ResourceHandle;

export interface TaggedValue {
  tag: string;
  value?: ComponentValue;
}

export class ComponentValueError extends TypeError {
  constructor(message: string) {
    super(message);
    this.name = 'ComponentValueError';
  }
}

/** The case names of a variant-like type, as values name them. */
export function caseNames(t: ValT): string[] {
  switch (t.k) {
    case 'variant':
      return t.cases.map((c) => c.name);
    case 'option':
      return ['none', 'some'];
    case 'result':
      return ['ok', 'err'];
    case 'enum':
      return t.names;
    default:
      return [];
  }
}
