// Builds the typed run cases of a parsed file, as the runner does (for tests of the backend).
import type { ClifFile, Function } from '@windlass/ir';
import { functionName } from '@windlass/interpreter';
import { buildCase, runLines } from '../runner/run-cases';
import type { RunCase } from '../runner/backend';

export function buildRunCases(clif: ClifFile): RunCase[] {
  const byName = new Map<string, Function>();
  for (const f of clif.functions) byName.set(functionName(f.func), f.func);
  const out: RunCase[] = [];
  for (const l of runLines(clif)) {
    const c = buildCase(clif, l, byName);
    if (!('status' in c)) out.push(c);
  }
  return out;
}

/**
 * A program that throws across frames, for `target`: %throw calls the harness's
 * `__cranelift_throw(entry_fp, exit_fp, exit_pc, tag, payload0, payload1)`; %inner catches tag 1,
 * %outer tag 2 (one frame further up), nothing catches tag 3.
 */
export function throwProgram(target: string): string {
  return `test run
set preserve_frame_pointers=true
target ${target}

function %entry(i32) -> i64 tail {
  fn0 = %outer(i64, i32) -> i64 tail
block0(v0: i32):
  v1 = get_frame_pointer.i64
  v2 = call fn0(v1, v0)
  return v2
}
; run: %entry(0) == 7
; run: %entry(1) == 0x201
; run: %entry(2) == 0x102
; run: %entry(3) == 0
; run: %entry(1) == 0x201

function %outer(i64, i32) -> i64 tail {
  sig0 = (i64, i32) -> i64 tail
  fn0 = %inner(i64, i32) -> i64 tail
block0(v0: i64, v1: i32):
  v2 = iconst.i64 0x100
  try_call fn0(v0, v1), sig0, block1(ret0), [ tag2: block2(exn0) ]
block1(v3: i64):
  return v3
block2(v4: i64):
  v5 = iadd v4, v2
  return v5
}

function %inner(i64, i32) -> i64 tail {
  sig0 = (i64, i32, i64, i64) tail
  fn0 = %throw(i64, i32, i64, i64) tail
block0(v0: i64, v1: i32):
  v2 = iconst.i64 0x200
  brif v1, block1, block2
block1:
  v3 = uextend.i64 v1
  try_call fn0(v0, v1, v3, v2), sig0, block3, [ tag1: block4(exn0, exn1) ]
block2:
  v4 = iconst.i64 7
  return v4
block3:
  v5 = iconst.i64 -1
  return v5
block4(v6: i64, v7: i64):
  v8 = iadd v6, v7
  return v8
}

function %throw(i64, i32, i64, i64) tail {
  sig0 = (i64, i64, i64, i32, i64, i64)
  fn0 = %__cranelift_throw(i64, i64, i64, i32, i64, i64)
block0(v0: i64, v1: i32, v2: i64, v3: i64):
  v4 = get_frame_pointer.i64
  v5 = get_return_address.i64
  v6 = load.i64 v4
  v7 = func_addr.i64 fn0
  call_indirect sig0, v7(v0, v6, v5, v1, v2, v3)
  return
}
`;
}
