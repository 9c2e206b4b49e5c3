/**
 * The canonical ABI's layout of component values (CanonicalABI.md: alignment, elem_size,
 * flattening), for 32-bit memories. The adapters of `@windlass/linker` and the runtime's value
 * encoding both lay values out by these rules.
 */
import { F32, F64, I32, I64, type ValType } from '../types';
import { despecialize, type FuncT, type ValT } from './types';

/** Flattened core values of a function's parameters beyond which they travel through memory. */
export const MAX_FLAT_PARAMS = 16;
/** Flattened results beyond which they travel through memory. */
export const MAX_FLAT_RESULTS = 1;
/** Size of the type variants of `elem_size` a definition may reach (validation rule). */
export const MAX_TYPE_SIZE = 1 << 28;

/** Byte size of the discriminant of a variant of `n` cases. */
export function discriminantSize(n: number): 1 | 2 | 4 {
  return n <= 0x100 ? 1 : n <= 0x10000 ? 2 : 4;
}

export function flagsSize(n: number): 1 | 2 | 4 {
  return n <= 8 ? 1 : n <= 16 ? 2 : 4;
}

export function alignTo(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

const layoutCache = new WeakMap<ValT, { size: number; align: number }>();

/** `alignment(t)` and `elem_size(t)` (memoized per type object). */
export function layout(t: ValT): { size: number; align: number } {
  let l = layoutCache.get(t);
  if (!l) {
    l = computeLayout(t);
    layoutCache.set(t, l);
  }
  return l;
}

function computeLayout(t0: ValT): { size: number; align: number } {
  const t = despecialize(t0);
  switch (t.k) {
    case 'bool':
    case 's8':
    case 'u8':
      return { size: 1, align: 1 };
    case 's16':
    case 'u16':
      return { size: 2, align: 2 };
    case 's32':
    case 'u32':
    case 'f32':
    case 'char':
    case 'own':
    case 'borrow':
      return { size: 4, align: 4 };
    case 's64':
    case 'u64':
    case 'f64':
      return { size: 8, align: 8 };
    case 'string':
    case 'list':
      return { size: 8, align: 4 };
    case 'flags': {
      const s = flagsSize(t.names.length);
      return { size: s, align: s };
    }
    case 'record': {
      let size = 0;
      let align = 1;
      for (const f of t.fields) {
        const l = layout(f.t);
        size = alignTo(size, l.align) + l.size;
        align = Math.max(align, l.align);
      }
      return { size: alignTo(size, align), align };
    }
    case 'variant': {
      const d = discriminantSize(t.cases.length);
      let caseAlign = 1;
      let caseSize = 0;
      for (const c of t.cases) {
        if (!c.t) continue;
        const l = layout(c.t);
        caseAlign = Math.max(caseAlign, l.align);
        caseSize = Math.max(caseSize, l.size);
      }
      const align = Math.max(d, caseAlign);
      return { size: alignTo(alignTo(d, caseAlign) + caseSize, align), align };
    }
    default:
      throw new Error(`no layout for ${t.k}`);
  }
}

/** Offset of a variant's payload after its discriminant. */
export function payloadOffset(t: { cases: { t?: ValT }[] }): number {
  let caseAlign = 1;
  for (const c of t.cases) if (c.t) caseAlign = Math.max(caseAlign, layout(c.t).align);
  return alignTo(discriminantSize(t.cases.length), caseAlign);
}

/** Field offsets of a record (despecialized tuple). */
export function fieldOffsets(fields: readonly { t: ValT }[]): number[] {
  const out: number[] = [];
  let at = 0;
  for (const f of fields) {
    const l = layout(f.t);
    at = alignTo(at, l.align);
    out.push(at);
    at += l.size;
  }
  return out;
}

function join(a: ValType, b: ValType): ValType {
  if (a === b) return a;
  if ((a === I32 && b === F32) || (a === F32 && b === I32)) return I32;
  return I64;
}

const flatCache = new WeakMap<ValT, ValType[]>();

/** `flatten_type(t)`: the core value types that carry `t`. */
export function flatten(t: ValT): ValType[] {
  let f = flatCache.get(t);
  if (!f) {
    f = computeFlatten(t);
    flatCache.set(t, f);
  }
  return f;
}

function computeFlatten(t0: ValT): ValType[] {
  const t = despecialize(t0);
  switch (t.k) {
    case 's64':
    case 'u64':
      return [I64];
    case 'f32':
      return [F32];
    case 'f64':
      return [F64];
    case 'string':
    case 'list':
      return [I32, I32];
    case 'record':
      return t.fields.flatMap((f) => flatten(f.t));
    case 'variant': {
      const flat: ValType[] = [];
      for (const c of t.cases) {
        if (!c.t) continue;
        flatten(c.t).forEach((ft, i) => {
          if (i < flat.length) flat[i] = join(flat[i], ft);
          else flat.push(ft);
        });
      }
      return [I32, ...flat];
    }
    default:
      return [I32];
  }
}

/** The core signature of `canon lift` (`lift`) or `canon lower` (`lower`) of `ft`. */
export function flattenFunc(ft: FuncT, context: 'lift' | 'lower'): { params: ValType[]; results: ValType[] } {
  let params = ft.params.flatMap((p) => flatten(p.t));
  let results = ft.result ? flatten(ft.result) : [];
  if (params.length > MAX_FLAT_PARAMS) params = [I32];
  if (results.length > MAX_FLAT_RESULTS) {
    if (context === 'lift') results = [I32];
    else {
      params = [...params, I32];
      results = [];
    }
  }
  return { params, results };
}

/** Whether values of `t` live partly in linear memory (strings and lists). */
export function needsMemory(t: ValT): boolean {
  const d = despecialize(t);
  switch (d.k) {
    case 'string':
    case 'list':
      return true;
    case 'record':
      return d.fields.some((f) => needsMemory(f.t));
    case 'variant':
      return d.cases.some((c) => c.t !== undefined && needsMemory(c.t));
    default:
      return false;
  }
}
