// What every native exception runtime of the drivers shares: the handler table of the compiled
// functions (from `CompiledCode.callSites`), the code ranges, and the value an uncaught
// exception ends a case with. Each ISA's runtime adds its frame walk and resume stub.

import type { CompiledCode } from '@windlass/codegen';

/** The value the driver's `sigsetjmp` sees for an exception no handler caught. */
export const UNCAUGHT_EXCEPTION = 1000;

/** One row of the driver's handler table. */
export interface HandlerRow {
  /** Object symbol of the function holding the try_call. */
  readonly symbol: string;
  readonly returnOffset: number;
  readonly handlerOffset: number;
  /** null: `default`. */
  readonly tag: number | null;
  readonly spBelowFp: number;
}

/** The handler rows of compiled functions (`symbols`: function name -> object symbol), in match order per site. */
export function handlerRows(codes: ReadonlyMap<string, CompiledCode>, symbolOf: (name: string) => string): HandlerRow[] {
  const rows: HandlerRow[] = [];
  for (const [name, code] of codes) {
    for (const site of code.callSites) {
      for (const h of site.exceptionHandlers ?? []) {
        rows.push({ symbol: symbolOf(name), returnOffset: site.returnOffset, handlerOffset: h.offset, tag: h.tag, spBelowFp: site.spBelowFp ?? 0 });
      }
    }
  }
  return rows;
}

/** A C identifier for the code of object symbol `sym` (declared with an asm label: the symbol may also be a function prototype). */
export function codeRef(sym: string): string {
  return `wl_code_${sym}`;
}

/**
 * C declarations of the code symbols, `wl_code_ranges`, `wl_handlers` and `wl_in_code(pc)`:
 * the tables a runtime's frame walk searches.
 */
export function handlerTableSource(codes: ReadonlyMap<string, CompiledCode>, symbolOf: (name: string) => string): string[] {
  const out: string[] = [];
  const ranges: string[] = [];
  for (const [name, code] of codes) {
    const sym = symbolOf(name);
    out.push(`extern const char ${codeRef(sym)}[] __asm__("${sym}");`);
    ranges.push(`  { ${codeRef(sym)}, ${codeRef(sym)} + ${code.bytes.length} },`);
  }
  const rows = handlerRows(codes, symbolOf).map((r) =>
    `  { ${codeRef(r.symbol)} + ${r.returnOffset}, ${codeRef(r.symbol)} + ${r.handlerOffset}, ${r.spBelowFp}u, ${r.tag ?? 0}u, ${r.tag === null ? 1 : 0} },`);
  out.push(
    'struct wl_code_range { const char *start, *end; };',
    `static const struct wl_code_range wl_code_ranges[] = {\n${ranges.join('\n')}\n  { 0, 0 }\n};`,
    'struct wl_handler { const char *ret, *pad; uint64_t sp_below_fp; uint32_t tag; uint32_t is_default; };',
    `static const struct wl_handler wl_handlers[] = {\n${rows.join('\n')}\n  { 0, 0, 0, 0, 0 }\n};`,
    'static int wl_in_code(uint64_t pc) {',
    '  for (const struct wl_code_range *r = wl_code_ranges; r->start; r++) if (pc >= (uint64_t)r->start && pc < (uint64_t)r->end) return 1;',
    '  return 0;',
    '}',
  );
  return out;
}
