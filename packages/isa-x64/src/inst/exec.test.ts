/// <reference types="node" />
// Runs encoded pseudo-instruction sequences natively: the bytes become functions in a C
// program (through `.byte` in top-level asm), built with the system `cc`. Checks semantics
// that a byte comparison with GNU as cannot: CLIF fmin/fmax on NaNs and signed zeros, the
// xmm conditional move, the inline jump table.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CC } from './args';
import { emitInst } from './emit';
import * as I from './mod';
import { AluOp, type MInst, MinMaxOp } from './mod';
import { gpr, rax, rdi, xmm } from './regs';
import { BasicCodeSink } from './sink';
import { canRunNative } from '../lower/test-support/native';

const canRun = canRunNative;

/** A function body as top-level asm defining `name`. */
function asmFunction(name: string, build: (s: BasicCodeSink) => void): string {
  const s = new BasicCodeSink();
  build(s);
  const bytes = Array.from(s.finish()).join(',');
  return `__asm__(".text\\n.globl ${name}\\n.type ${name},@function\\n${name}:\\n.byte ${bytes}\\n");\n`;
}
function body(...insts: MInst[]): (s: BasicCodeSink) => void {
  return (s) => {
    for (const i of insts) emitInst(i, s);
  };
}

function runC(source: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'wl-x64-exec-'));
  try {
    writeFileSync(join(dir, 't.c'), source);
    execFileSync('cc', ['-O0', '-o', join(dir, 't'), join(dir, 't.c')], { stdio: ['ignore', 'ignore', 'pipe'] });
    return execFileSync(join(dir, 't'), { encoding: 'utf8' }).trim().split('\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const F32 = [0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x7f800000, 0xff800000, 0x7fc00000, 0x40490fdb, 0x00000001];
const F64 = ['0000000000000000', '8000000000000000', '3ff0000000000000', 'bff0000000000000', '7ff0000000000000',
  'fff0000000000000', '7ff8000000000000', '400921fb54442d18', '0000000000000001'];

function f32(bits: number): number {
  const v = new DataView(new ArrayBuffer(4));
  v.setUint32(0, bits);
  return v.getFloat32(0);
}
function f64(hex: string): number {
  const v = new DataView(new ArrayBuffer(8));
  v.setBigUint64(0, BigInt('0x' + hex));
  return v.getFloat64(0);
}
/** CLIF fmin/fmax: NaN wins, -0 < +0. Returns null for "any NaN". */
function clifMinMax(isMax: boolean, a: number, b: number): number | null {
  if (Number.isNaN(a) || Number.isNaN(b)) return null;
  if (a === b && a === 0) return isMax ? (Object.is(a, 0) || Object.is(b, 0) ? 0 : -0) : (Object.is(a, -0) || Object.is(b, -0) ? -0 : 0);
  return isMax ? Math.max(a, b) : Math.min(a, b);
}

const suite = canRun() ? describe : describe.skip;

suite('x64 pseudo-instructions run natively (skipped off x86-64 Linux or without cc)', () => {
  it('implements CLIF fmin/fmax, the xmm conditional move and the jump table', () => {
    let src = '#include <stdio.h>\n#include <stdint.h>\n#include <string.h>\n';
    const names = ['wl_fmin32', 'wl_fmax32', 'wl_fmin64', 'wl_fmax64'];
    names.forEach((n, k) => {
      src += asmFunction(n, body(I.xmmMinMax(k as MinMaxOp, xmm(0), xmm(1)), I.ret()));
    });
    // double sel(int c, double a, double b) { return c ? a : b; }
    src += asmFunction('wl_sel', body(I.test(4, rdi, rdi), I.xmmCmove(CC.E, xmm(0), xmm(1)), I.ret()));
    // int jt(unsigned i) { switch (i) { case 0: return 10; ... case 3: return 13; } }
    src += asmFunction('wl_jt', (s) => {
      const targets = [s.getLabel(), s.getLabel(), s.getLabel(), s.getLabel()];
      emitInst(I.movRR(4, rax, rdi), s);
      emitInst(I.jumpTable(rax, gpr(10), gpr(11), [targets[2], targets[0], targets[3], targets[1]]), s);
      targets.forEach((l, k) => {
        s.bindLabel(l);
        emitInst(I.movImm(4, rax, 10 + k), s);
        emitInst(I.aluRI(AluOp.Add, 4, rax, 0), s);
        emitInst(I.ret(), s);
      });
    });
    src += 'float wl_fmin32(float, float); float wl_fmax32(float, float);\n';
    src += 'double wl_fmin64(double, double); double wl_fmax64(double, double);\n';
    src += 'double wl_sel(int, double, double); int wl_jt(unsigned);\n';
    src += `static const uint32_t f32[] = {${F32.map((b) => `0x${b.toString(16)}u`).join(',')}};\n`;
    src += `static const uint64_t f64[] = {${F64.map((h) => `0x${h}ull`).join(',')}};\n`;
    src += `int main(void) {
  for (unsigned i = 0; i < ${F32.length}; i++) for (unsigned j = 0; j < ${F32.length}; j++) {
    float a, b, r; uint32_t rb;
    memcpy(&a, &f32[i], 4); memcpy(&b, &f32[j], 4);
    r = wl_fmin32(a, b); memcpy(&rb, &r, 4); printf("%08x ", rb);
    r = wl_fmax32(a, b); memcpy(&rb, &r, 4); printf("%08x\\n", rb);
  }
  for (unsigned i = 0; i < ${F64.length}; i++) for (unsigned j = 0; j < ${F64.length}; j++) {
    double a, b, r; uint64_t rb;
    memcpy(&a, &f64[i], 8); memcpy(&b, &f64[j], 8);
    r = wl_fmin64(a, b); memcpy(&rb, &r, 8); printf("%016llx ", (unsigned long long)rb);
    r = wl_fmax64(a, b); memcpy(&rb, &r, 8); printf("%016llx\\n", (unsigned long long)rb);
  }
  printf("%g %g\\n", wl_sel(1, 1.5, 2.5), wl_sel(0, 1.5, 2.5));
  printf("%d %d %d %d\\n", wl_jt(0), wl_jt(1), wl_jt(2), wl_jt(3));
  return 0;
}
`;
    const lines = runC(src);
    const bad: string[] = [];
    let k = 0;
    const check = (width: 4 | 8, a: number, b: number, got: string): void => {
      const [gmin, gmax] = got.split(' ').map((h) => (width === 4 ? f32(parseInt(h, 16)) : f64(h)));
      for (const [isMax, g] of [[false, gmin], [true, gmax]] as const) {
        const want = clifMinMax(isMax, a, b);
        const ok = want === null ? Number.isNaN(g) : Object.is(g, want);
        if (!ok) bad.push(`${isMax ? 'fmax' : 'fmin'}${width * 8}(${a}, ${b}) = ${g}, want ${want}`);
      }
    };
    for (const a of F32) for (const b of F32) check(4, f32(a), f32(b), lines[k++]);
    for (const a of F64) for (const b of F64) check(8, f64(a), f64(b), lines[k++]);
    expect(bad).toEqual([]);
    expect(lines[k++]).toBe('1.5 2.5');
    expect(lines[k]).toBe('12 10 13 11');
  });
});
