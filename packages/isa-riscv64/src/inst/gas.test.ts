/// <reference types="node" />
// The encoder against the GNU assembler: every table instruction with many operand choices
// (and every compressed form the compressor picks) is printed, assembled by
// `riscv64-linux-gnu-as` in one invocation, and the bytes compared one instruction at a time.

import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type MInst, mk } from './mod';
import { Fmt, TABLE_SIZE, allOps, opInfo } from './ops';
import * as O from './ops';
import { bOffset, compress, encode, jOffset } from './encode';
import { printInst } from './print';
import { F, V } from './regs';

const AS = 'riscv64-linux-gnu-as';
const haveAs = spawnSync(AS, ['--version']).status === 0;
const MARCH = 'rv64gcv_zicsr_zifencei_zfh_zba_zbb_zbc_zbs_zbkb';

/** A deterministic generator (xorshift32). */
class Rng {
  constructor(private s: number) {}
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  int(lo: number, hi: number): number {
    return lo + (this.next() % (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.next() % xs.length];
  }
}

/** Immediates the V extension reads as unsigned (shift amounts, slide offsets, gather indices). */
const UIMM_V = /^(vsll|vsrl|vsra|vssrl|vssra|vnsrl|vnsra|vnclipu?|vslideup|vslidedown|vrgather)\./;

/** One instance of table row `op` with random operands; the PC-relative ones get a displacement in `imm`. */
function sample(op: number, rng: Rng): MInst {
  const info = opInfo(op);
  const i = mk(op);
  const reg = (file: string): number => {
    switch (file) {
      case 'x': return rng.int(0, 31);
      case 'f': return F(rng.int(0, 31));
      // Distinct, group-aligned vector registers never overlap, whatever the instruction's widening.
      case 'v': return V(rng.pick([8, 16, 24]));
      default: return -1;
    }
  };
  i.rd = reg(info.files[0]);
  i.rs1 = reg(info.files[1]);
  i.rs2 = reg(info.files[2]);
  i.rs3 = reg(info.files[3]);
  if (info.files[0] === 'v') {
    // vd, vs1, vs2 pairwise distinct.
    const vs = [8, 16, 24].sort(() => (rng.next() & 1) - 0.5);
    i.rd = V(vs[0]);
    if (info.files[1] === 'v') i.rs1 = V(vs[1]);
    if (info.files[2] === 'v') i.rs2 = V(vs[2]);
  }
  const name = info.name;
  switch (info.fmt) {
    case Fmt.RM: case Fmt.R1M: case Fmt.R4: i.aux = rng.pick([0, 1, 2, 3, 4, 7]); break;
    case Fmt.I: case Fmt.Load: case Fmt.Store: case Fmt.Jalr: i.imm = rng.int(0, 4095) - 2048; break;
    case Fmt.Sh: i.imm = rng.int(0, (info.match & 0x7f) === 0x13 ? 63 : 31); break;
    case Fmt.U: i.imm = rng.int(0, 0xfffff); break;
    case Fmt.B: i.imm = 2 * (rng.int(0, 4095) - 2048); break;
    case Fmt.J: i.imm = 2 * (rng.int(0, 0xfffff) - 0x80000); break;
    case Fmt.Amo: case Fmt.Lr: i.aux = rng.int(0, 3); break;
    case Fmt.Fence: i.imm = rng.int(1, 15) * 16 + rng.int(1, 15); break;
    case Fmt.Csr: i.imm = rng.pick([0x001, 0x002, 0x003, 0xc20, 0xc21, 0xc22]); break;
    case Fmt.CsrW: i.imm = rng.pick([0x001, 0x002, 0x003]); break;
    case Fmt.CsrWI: i.imm = rng.pick([0x001, 0x002, 0x003]); i.aux = rng.int(0, 31); break;
    case Fmt.VI: case Fmt.VMergeI: i.imm = UIMM_V.test(name) ? rng.int(0, 31) : rng.int(-16, 15); break;
    case Fmt.VImm: i.imm = rng.int(-16, 15); break;
    case Fmt.VSetI: i.imm = rng.int(0, 31); i.aux = vtypeSample(rng); break;
    case Fmt.VSetVl: i.aux = vtypeSample(rng); break;
    default: break;
  }
  const maskable = [Fmt.V, Fmt.VI, Fmt.VMa, Fmt.VU, Fmt.VLoad, Fmt.VStore, Fmt.VLoadS, Fmt.VD].includes(info.fmt as never);
  if (maskable && name !== 'vlm.v' && !/^v(m[a-z]*\.mm|red|fred|compress)/.test(name) && !/^vm(adc|sbc)/.test(name) && rng.int(0, 3) === 0) i.aux = 1;
  return i;
}

function vtypeSample(rng: Rng): number {
  return (rng.int(0, 3) << 6) | (rng.int(0, 3) << 3) | rng.pick([0, 1, 2, 3, 5, 6, 7]);
}

/** The printed text of a sample, with PC-relative operands written as `.+d`. */
function text(i: MInst): string {
  const info = opInfo(i.op);
  if (info.fmt === Fmt.B || info.fmt === Fmt.J) {
    return printInst({ ...i, label: 0 } as MInst, { labelName: () => `.${i.imm < 0 ? '-' : '+'}${Math.abs(i.imm)}` });
  }
  return printInst(i);
}
/** The expected word of a sample (PC-relative fields filled in). */
function word(i: MInst): number {
  const info = opInfo(i.op);
  if (info.fmt === Fmt.B) return (encode(i) | bOffset(i.imm)) >>> 0;
  if (info.fmt === Fmt.J) return (encode(i) | jOffset(i.imm)) >>> 0;
  return encode(i);
}

/** Samples that compress: registers x8-x15 / sp and small immediates, so every compressed form shows up. */
function compressible(rng: Rng): MInst[] {
  const out: MInst[] = [];
  const c = (): number => rng.int(8, 15);
  const x = (): number => rng.int(1, 31);
  const add = (op: number, rd: number, rs1: number, rs2: number, imm: number): void => {
    const i = mk(op);
    i.rd = rd;
    i.rs1 = rs1;
    i.rs2 = rs2;
    i.imm = imm;
    out.push(i);
  };
  for (let k = 0; k < 200; k++) {
    const r = x();
    add(O.ADDI, r, r, -1, rng.int(-32, 31));
    add(O.ADDI, r, 0, -1, rng.int(-32, 31));
    add(O.ADDI, r, x(), -1, 0);
    add(O.ADDI, 2, 2, -1, 16 * rng.int(-32, 31));
    add(O.ADDI, c(), 2, -1, 4 * rng.int(1, 255));
    add(O.ADDIW, r, r, -1, rng.int(-32, 31));
    add(O.LUI_, rng.pick([1, 3, 5, 8, 10, 31]), -1, -1, rng.pick([rng.int(1, 31), rng.int(0xfffe0, 0xfffff)]));
    add(O.SLLI, r, r, -1, rng.int(1, 63));
    const cr = c();
    add(O.SRLI, cr, cr, -1, rng.int(1, 63));
    add(O.SRAI, cr, cr, -1, rng.int(1, 63));
    add(O.ANDI, cr, cr, -1, rng.int(-32, 31));
    add(O.ADD, r, r, x(), 0);
    add(O.ADD, r, 0, x(), 0);
    for (const op of [O.SUB, O.XOR, O.OR, O.AND, O.SUBW, O.ADDW]) add(op, cr, cr, c(), 0);
    add(O.LW, c(), c(), -1, 4 * rng.int(0, 31));
    add(O.LD, c(), c(), -1, 8 * rng.int(0, 31));
    add(O.FP_D.load, F(c()), c(), -1, 8 * rng.int(0, 31));
    add(O.SW, -1, c(), c(), 4 * rng.int(0, 31));
    add(O.SD, -1, c(), c(), 8 * rng.int(0, 31));
    add(O.FP_D.store, -1, c(), F(c()), 8 * rng.int(0, 31));
    add(O.LW, x(), 2, -1, 4 * rng.int(0, 63));
    add(O.LD, x(), 2, -1, 8 * rng.int(0, 63));
    add(O.FP_D.load, F(rng.int(0, 31)), 2, -1, 8 * rng.int(0, 63));
    add(O.SW, -1, 2, rng.int(0, 31), 4 * rng.int(0, 63));
    add(O.SD, -1, 2, rng.int(0, 31), 8 * rng.int(0, 63));
    add(O.FP_D.store, -1, 2, F(rng.int(0, 31)), 8 * rng.int(0, 63));
    add(O.JALR_, rng.pick([0, 1]), x(), -1, 0);
  }
  add(O.EBREAK, -1, -1, -1, 0);
  return out;
}

function assemble(lines: readonly string[]): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'windlass-rv-gas-'));
  try {
    writeFileSync(join(dir, 'a.s'), `${lines.join('\n')}\n`);
    const as = spawnSync(AS, [`-march=${MARCH}`, '-o', join(dir, 'a.o'), join(dir, 'a.s')], { encoding: 'utf8' });
    if (as.status !== 0) throw new Error(`as failed:\n${as.stderr.split('\n').slice(0, 20).join('\n')}`);
    const cp = spawnSync('riscv64-linux-gnu-objcopy', ['-O', 'binary', '--only-section=.text', join(dir, 'a.o'), join(dir, 'a.bin')], { encoding: 'utf8' });
    if (cp.status !== 0) throw new Error(`objcopy failed: ${cp.stderr}`);
    return new Uint8Array(readFileSync(join(dir, 'a.bin')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the encoder against GNU as', () => {
  it.skipIf(!haveAs)(`encodes every table instruction as ${AS} does (at least 20,000 instructions)`, () => {
    const rng = new Rng(0x12345);
    const samples: { inst: MInst; bytes: number[]; text: string }[] = [];
    for (let op = 0; op < TABLE_SIZE; op++) {
      for (let k = 0; k < 48; k++) {
        const i = sample(op, rng);
        const w = word(i);
        samples.push({ inst: i, bytes: [w & 255, (w >>> 8) & 255, (w >>> 16) & 255, w >>> 24], text: text(i) });
      }
    }
    for (const i of compressible(rng)) {
      const h = compress(i, true);
      expect(h, printInst(i)).toBeGreaterThanOrEqual(0);
      samples.push({ inst: i, bytes: [h & 255, h >>> 8], text: printInst(i) });
    }
    // Each line in its own option state: the assembler compresses only what we compressed.
    const lines = ['.option norvc'];
    let rvc = false;
    for (const s of samples) {
      const want = s.bytes.length === 2;
      if (want !== rvc) lines.push(want ? '.option rvc' : '.option norvc');
      rvc = want;
      lines.push(s.text);
    }
    const got = assemble(lines);
    let at = 0;
    const bad: string[] = [];
    for (const s of samples) {
      const mine = s.bytes.map((x) => x.toString(16).padStart(2, '0')).join('');
      const theirs = Array.from(got.subarray(at, at + s.bytes.length), (x) => x.toString(16).padStart(2, '0')).join('');
      if (mine !== theirs && bad.length < 30) bad.push(`${s.text}: ours ${mine}, as ${theirs}`);
      at += s.bytes.length;
    }
    expect(bad).toEqual([]);
    expect(at).toBe(got.length);
    expect(samples.length).toBeGreaterThanOrEqual(20_000);
  });

  it('covers every format of the table', () => {
    const fmts = new Set(allOps().map((o) => o.fmt));
    expect(fmts.size).toBeGreaterThan(25);
  });
});
