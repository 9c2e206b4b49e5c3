/// <reference types="node" />
// Every instruction of the op table checked against the GNU assembler: random operands for each
// op (every register field, immediates, masks, displacements and PC-relative targets over their
// ranges), printed by our printer, assembled in one `s390x-linux-gnu-as` run, and the bytes
// compared with our encoder's, instruction by instruction.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmitSink, MachBuffer } from '@windlass/codegen';
import { Fmt, OPS, type OpInfo } from './ops';
import { MInst } from './mod';
import { encode } from './emit';
import { printInst } from './print';
import { NO_REG, vr } from './regs';

function hasTool(name: string): boolean {
  try {
    execFileSync(name, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const HAVE_AS = hasTool('s390x-linux-gnu-as') && hasTool('objdump');

/** Assembles `lines` (z15) and returns the `.text` bytes. */
export function gasBytes(lines: readonly string[]): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'wl-s390x-'));
  try {
    writeFileSync(join(dir, 't.s'), `.text\n${lines.join('\n')}\n`);
    execFileSync('s390x-linux-gnu-as', ['-march=z15', '-o', join(dir, 't.o'), join(dir, 't.s')], { stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync('objcopy', ['-O', 'binary', '-j', '.text', join(dir, 't.o'), join(dir, 't.bin')]);
    return new Uint8Array(readFileSync(join(dir, 't.bin')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A small deterministic generator (xorshift32). */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

/** Bits of the immediate field per format (signed or unsigned per token). */
function immBits(info: OpInfo): number {
  switch (info.fmt) {
    case Fmt.RIL: return 32;
    case Fmt.VRId: return 8;
    case Fmt.VRIe: return 12;
    case Fmt.VRIb: case Fmt.SI: return 8;
    default: return 16;
  }
}

/** A random instance of `info` (label operands refer to label 0, bound at offset 0). */
function randomInst(k: number, r: (n: number) => number): MInst {
  const info = OPS[k];
  const i = new MInst(k);
  const gpr = () => r(16);
  const base = () => (r(4) === 0 ? NO_REG : 1 + r(15));
  for (const t of info.tokens) {
    const kind = t[0];
    const slot = t[1];
    const setReg = (v: number) => {
      if (slot === '1') i.r1 = v;
      else if (slot === '2') i.r2 = v;
      else if (slot === '3') i.r3 = v;
      else i.r4 = v;
    };
    const setMask = (v: number) => {
      if (slot === 'a') i.m3 = v;
      else if (slot === 'b') i.m4 = v;
      else if (slot === 'c') i.m5 = v;
      else i.m6 = v;
    };
    switch (kind) {
      case 'g': setReg(slot === '1' && info.evenR1 ? 2 * r(8) : gpr()); break;
      case 'f': setReg(vr(info.fprPair ? [0, 1, 4, 5, 8, 9, 12, 13][r(8)] : r(16))); break;
      case 'v': setReg(vr(r(32))); break;
      case 'a': i.r2 = r(16); break;
      case 'm': setMask(info.fmt === Fmt.RIEf || (info.fmt === Fmt.VRIb && slot === 'a') ? r(256) : r(16)); break;
      case 'u':
        if (slot === 'i') {
          const bits = immBits(info);
          i.imm = bits === 32 ? r(0x10000) * 0x10000 + r(0x10000) : r(2 ** bits);
        } else setMask(r(256));
        break;
      case 's': {
        const bits = immBits(info);
        i.imm = bits === 32 ? (r(0x10000) * 0x10000 + r(0x10000)) | 0 : r(2 ** bits) - 2 ** (bits - 1);
        break;
      }
      case 'D': case 'd':
        i.b = base();
        if (kind === 'D') i.x = base();
        i.d = info.longDisp ? r(1 << 20) - (1 << 19) : r(4096);
        break;
      case 'L': i.label = 0; break;
      case 'S': i.b = 1 + r(15); i.d = r(4096); i.r2 = 1 + r(15); i.imm = r(4096); i.m3 = r(256); break;
      default: break;
    }
  }
  return i;
}

describe('the s390x encoder matches GNU as', () => {
  it.skipIf(!HAVE_AS)('on random operands of every op in the table (>= 20,000 instructions)', () => {
    const r = rng(0x5390);
    const buf = new MachBuffer('big', { instructionAlignment: 2 });
    const sink = new EmitSink(buf);
    sink.bindLabel(0);
    const lines: string[] = [];
    const starts: number[] = [];
    const insts: MInst[] = [];
    const PER_OP = 64;
    for (let k = 0; k < OPS.length; k++) {
      for (let n = 0; n < PER_OP; n++) {
        const i = randomInst(k, r);
        const at = sink.curOffset();
        // Short PC-relative forms reach back at most 64 KiB: keep their targets near.
        if (i.label >= 0 && OPS[k].fmt === Fmt.RI && at > 60000) continue;
        starts.push(at);
        insts.push(i);
        encode(i, sink);
        lines.push(printInst(i, { labelName: () => (at === 0 ? '.' : `.-${at}`) }));
      }
    }
    const ours = buf.finish().bytes;
    const theirs = gasBytes(lines);
    const bad: string[] = [];
    for (let n = 0; n < insts.length && bad.length < 20; n++) {
      const end = n + 1 < insts.length ? starts[n + 1] : ours.length;
      const a = Array.from(ours.subarray(starts[n], end), (x) => x.toString(16).padStart(2, '0')).join(' ');
      const b = Array.from(theirs.subarray(starts[n], end), (x) => x.toString(16).padStart(2, '0')).join(' ');
      if (a !== b) bad.push(`${lines[n]}: ours ${a}, as ${b}`);
    }
    expect(bad).toEqual([]);
    expect(theirs.length).toBe(ours.length);
    expect(insts.length).toBeGreaterThanOrEqual(20_000);
  });
});
