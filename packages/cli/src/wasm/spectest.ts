/**
 * The `spectest` host module the spec scripts import, as a wasm binary so that every engine
 * (and Node's import type checks) sees exactly typed functions, globals, a table and a memory.
 */
import { moduleHeader, writeBody } from './encode';

const PRINTS: [string, number[]][] = [
  ['print', []],
  ['print_i32', [0x7f]],
  ['print_i64', [0x7e]],
  ['print_f32', [0x7d]],
  ['print_f64', [0x7c]],
  ['print_i32_f32', [0x7f, 0x7d]],
  ['print_f64_f64', [0x7c, 0x7c]],
];

let cached: Uint8Array | undefined;

export function spectestModule(): Uint8Array {
  if (cached) return cached;
  const w = moduleHeader();
  w.section(1, (s) => {
    s.u32(PRINTS.length);
    for (const [, params] of PRINTS) s.byte(0x60).u32(params.length).bytes(params).u32(0);
  });
  w.section(3, (s) => {
    s.u32(PRINTS.length);
    for (let i = 0; i < PRINTS.length; i++) s.u32(i);
  });
  w.section(4, (s) => s.u32(1).byte(0x70, 0x01).u32(10).u32(20));
  w.section(5, (s) => s.u32(1).byte(0x01).u32(1).u32(2));
  w.section(6, (s) => {
    s.u32(4);
    s.byte(0x7f, 0x00, 0x41).s32(666).byte(0x0b);
    s.byte(0x7e, 0x00, 0x42).s64(666n).byte(0x0b);
    const f32 = new Uint8Array(new Float32Array([666.6]).buffer);
    s.byte(0x7d, 0x00, 0x43).bytes(f32).byte(0x0b);
    const f64 = new Uint8Array(new Float64Array([666.6]).buffer);
    s.byte(0x7c, 0x00, 0x44).bytes(f64).byte(0x0b);
  });
  w.section(7, (s) => {
    s.u32(PRINTS.length + 6);
    PRINTS.forEach(([name], i) => s.name(name).byte(0x00).u32(i));
    s.name('table').byte(0x01).u32(0);
    s.name('memory').byte(0x02).u32(0);
    ['global_i32', 'global_i64', 'global_f32', 'global_f64'].forEach((name, i) => s.name(name).byte(0x03).u32(i));
  });
  w.section(10, (s) => {
    s.u32(PRINTS.length);
    for (let i = 0; i < PRINTS.length; i++) writeBody(s, [], () => {});
  });
  cached = w.toBytes();
  return cached;
}
