import { describe, expect, it } from 'vitest';
import type { LabelUseKind } from './label-use';
import { compiledCodeFrom, MachBuffer, MachBufferError, type MachLabel } from './mach-buffer';

/*
 * A toy ISA with a short range, so islands and veneers show up in small tests:
 *   90        nop
 *   C3        halt
 *   EB d8     jmp   (d8 signed, relative to the end of the instruction)
 *   7x d8     jcc x (x even: condition, x odd: its inverse)
 *   E9 d32    long jmp, used by veneers
 *   A0 d8     load 8-byte constant at (end of instruction + d8)
 */
const rel32: LabelUseKind = {
  name: 'rel32', patchSize: 4, maxPosRange: 0x7fff_ffff, maxNegRange: 0x7fff_fffc,
  patch(bytes, use, label) {
    new DataView(bytes.buffer, bytes.byteOffset).setInt32(use, label - (use + 4), true);
  },
};
const rel8: LabelUseKind = {
  name: 'rel8', patchSize: 1, maxPosRange: 128, maxNegRange: 127,
  patch(bytes, use, label) {
    const d = label - (use + 1);
    if (d < -128 || d > 127) throw new Error(`rel8 out of range: ${d}`);
    bytes[use] = d & 0xff;
  },
  veneer: {
    size: 5,
    emit(bytes, at) {
      bytes[at] = 0xe9;
      return { useOffset: at + 1, kind: rel32 };
    },
  },
};
const dataRel8: LabelUseKind = { ...rel8, name: 'data-rel8', veneer: undefined };

function jmp(buf: MachBuffer, target: MachLabel): void {
  const start = buf.curOffset();
  buf.put1(0xeb);
  buf.useLabel(buf.curOffset(), target, rel8);
  buf.put1(0);
  buf.addUncondBranch(start, buf.curOffset(), target);
}
function jcc(buf: MachBuffer, cc: number, target: MachLabel): void {
  const start = buf.curOffset();
  buf.put1(0x70 | cc);
  buf.useLabel(buf.curOffset(), target, rel8);
  buf.put1(0);
  buf.addCondBranch(start, buf.curOffset(), target, new Uint8Array([0x70 | (cc ^ 1), 0]));
}

/** Follows the toy code from offset 0 with all conditions false (or true); returns the halt offset. */
function run(code: Uint8Array, condTrue = (_cc: number) => false): { halt: number; loads: number[] } {
  const view = new DataView(code.buffer, code.byteOffset);
  const loads: number[] = [];
  let pc = 0;
  for (let steps = 0; steps < 100_000; steps++) {
    const op = code[pc];
    if (op === 0x90) pc += 1;
    else if (op === 0xc3) return { halt: pc, loads };
    else if (op === 0xeb) pc = pc + 2 + view.getInt8(pc + 1);
    else if (op === 0xe9) pc = pc + 5 + view.getInt32(pc + 1, true);
    else if ((op & 0xf0) === 0x70) pc = condTrue(op & 15) ? pc + 2 + view.getInt8(pc + 1) : pc + 2;
    else if (op === 0xa0) {
      loads.push(Number(view.getBigUint64(pc + 2 + view.getInt8(pc + 1), true)));
      pc += 2;
    } else throw new Error(`bad opcode ${op} at ${pc}`);
  }
  throw new Error('no halt');
}

describe('MachBuffer bytes', () => {
  it('writes in the chosen byte order', () => {
    for (const [endianness, expected] of [
      ['little', [0xaa, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12, 1, 0, 0, 0, 2, 0, 0, 0]],
      ['big', [0xaa, 0x12, 0x34, 0x12, 0x34, 0x56, 0x78, 0, 0, 0, 2, 0, 0, 0, 1]],
    ] as const) {
      const b = new MachBuffer(endianness, { initialCapacity: 4 });
      b.put1(0xaa);
      b.put2(0x1234);
      b.put4(0x12345678);
      b.put8(1, 2);
      expect([...b.finish().bytes]).toEqual(expected);
      const c = new MachBuffer(endianness);
      c.put8Big(-2n);
      c.put8Big(0x0102030405060708n);
      expect([...c.finish().bytes]).toEqual(endianness === 'little'
        ? [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 8, 7, 6, 5, 4, 3, 2, 1]
        : [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe, 1, 2, 3, 4, 5, 6, 7, 8]);
    }
  });

  it('grows and keeps records', () => {
    const b = new MachBuffer('little', { initialCapacity: 16 });
    for (let i = 0; i < 1000; i++) b.put4(i);
    b.addReloc(4, 'X86CallPLTRel4', 'callee', -4);
    b.addReloc(8, 'X86CallPLTRel4', { kind: 'libcall', name: 'memcpy' }, -4);
    b.addTrap(12, 252);
    b.addCallSite(16);
    b.startSrcLoc(7);
    b.put1(0x90);
    b.endSrcLoc();
    const f = b.finish();
    expect(f.bytes.length).toBe(4001);
    expect(f.bytes[4 * 999]).toBe(999 & 0xff);
    expect(f.relocations).toEqual([
      { offset: 4, kind: 'X86CallPLTRel4', target: { kind: 'symbol', name: 'callee' }, addend: -4 },
      { offset: 8, kind: 'X86CallPLTRel4', target: { kind: 'libcall', name: 'memcpy' }, addend: -4 },
    ]);
    expect(f.traps).toEqual([{ offset: 12, code: 252 }]);
    expect(f.callSites).toEqual([{ returnOffset: 16 }]);
    expect(f.srclocs).toEqual([{ start: 4000, end: 4001, loc: 7 }]);
    const code = compiledCodeFrom(f, { frameSize: 16, alignment: 16, listing: '' });
    expect(code.relocations).toBe(f.relocations);
    expect(compiledCodeFrom(f, { frameSize: 0, alignment: 1, listing: '', unwindInfo: false }).unwind).toBeUndefined();
  });
});

describe('MachBuffer labels', () => {
  it('patches forward and backward uses', () => {
    const b = new MachBuffer();
    const top = b.getLabel(), out = b.getLabel();
    b.bindLabel(top);
    b.put1(0x90);
    jcc(b, 2, out);
    jmp(b, top);
    b.bindLabel(out);
    b.put1(0xc3);
    const f = b.finish();
    // `jcc out; jmp top; out:` became `jncc top; out:`.
    expect([...f.bytes]).toEqual([0x90, 0x73, 0xfd, 0xc3]);
    expect(run(f.bytes, (cc) => cc === 2).halt).toBe(3);
    expect(f.labelOffsets[out]).toBe(3);
  });

  it('rejects unbound, twice-bound and foreign labels', () => {
    const b = new MachBuffer();
    const l = b.getLabel();
    jmp(b, l);
    b.put1(0xc3);
    expect(() => b.finish()).toThrow(expect.objectContaining({ kind: 'unbound-label' }));
    const c = new MachBuffer();
    const m = c.getLabel();
    c.bindLabel(m);
    expect(() => c.bindLabel(m)).toThrow(MachBufferError);
    expect(() => c.bindLabel(42 as MachLabel)).toThrow(expect.objectContaining({ kind: 'bad-label' }));
  });

  it('rejects a label use outside the code', () => {
    const b = new MachBuffer();
    const l = b.getLabel();
    b.bindLabel(l);
    b.put1(0xeb);
    b.useLabel(1, l, rel8);
    b.useLabel(5, l, rel8);
    expect(() => b.finish()).toThrow(/outside the code/);
  });

  it('rejects a misdeclared branch', () => {
    const b = new MachBuffer();
    const l = b.getLabel();
    b.put1(0xeb);
    b.put1(0);
    expect(() => b.addUncondBranch(0, 2, l)).toThrow(expect.objectContaining({ kind: 'misuse' }));
  });
});

describe('MachBuffer branch simplification', () => {
  it('removes a jump to the next instruction and moves labels bound at it', () => {
    const b = new MachBuffer();
    const mid = b.getLabel(), next = b.getLabel(), back = b.getLabel();
    b.bindLabel(back);
    b.put1(0x90);
    b.bindLabel(mid); // a label at the jump: it ends up where the jump's target is
    jmp(b, next);
    b.bindLabel(next);
    jmp(b, back);
    const f = b.finish();
    expect([...f.bytes]).toEqual([0x90, 0xeb, 0xfd]);
    expect(f.labelOffsets[mid]).toBe(1);
    expect(f.labelOffsets[next]).toBe(1);
  });

  it('inverts a conditional branch over an unconditional one', () => {
    const b = new MachBuffer();
    const l1 = b.getLabel(), l2 = b.getLabel();
    jcc(b, 4, l1);
    jmp(b, l2);
    b.bindLabel(l1);
    b.put1(0x90);
    b.bindLabel(l2);
    b.put1(0xc3);
    const f = b.finish();
    expect([...f.bytes]).toEqual([0x75, 1, 0x90, 0xc3]);
    expect(run(f.bytes, () => false).halt).toBe(3); // !cc4 taken: straight to l2
    expect(run(f.bytes, (cc) => cc === 5).halt).toBe(3);
  });

  it('removes an unconditional jump that labels reach only as an alias of its target', () => {
    const b = new MachBuffer();
    const l1 = b.getLabel(), l2 = b.getLabel(), atJmp = b.getLabel();
    jcc(b, 4, l1);
    b.bindLabel(atJmp);
    jmp(b, l2);
    b.bindLabel(l1);
    b.put1(0x90);
    b.bindLabel(l2);
    b.put1(0xc3);
    jmp(b, atJmp);
    // `atJmp` stands for `l2` (jump threading), so nothing needs the `jmp l2` itself: the
    // pair becomes `jne l2` (a loop's back edge in one branch), and the last jump goes to l2.
    const f = b.finish();
    expect([...f.bytes]).toEqual([0x75, 1, 0x90, 0xc3, 0xeb, 0xfd]);
    expect(run(f.bytes, (cc) => cc === 4).halt).toBe(3);
    expect(run(f.bytes, () => false).halt).toBe(3);
  });

  it('keeps an unconditional jump that jumps to itself', () => {
    const b = new MachBuffer();
    const l1 = b.getLabel(), self = b.getLabel();
    jcc(b, 4, l1);
    b.bindLabel(self);
    jmp(b, self);
    b.bindLabel(l1);
    b.put1(0xc3);
    expect([...b.finish().bytes]).toEqual([0x74, 2, 0xeb, 0xfe, 0xc3]);
  });

  it('keeps a branch that carries a relocation', () => {
    const b = new MachBuffer();
    const l = b.getLabel();
    jmp(b, l);
    b.addReloc(1, 'Abs4', 'x', 0);
    b.bindLabel(l);
    b.put1(0xc3);
    expect(b.finish().bytes.length).toBe(3);
  });

  it('removes a chain: jcc to next after the jmp went away', () => {
    const b = new MachBuffer();
    const l = b.getLabel();
    jcc(b, 0, l);
    jmp(b, l);
    b.bindLabel(l);
    b.put1(0xc3);
    const f = b.finish();
    expect([...f.bytes]).toEqual([0xc3]);
  });
});

describe('MachBuffer jump threading', () => {
  it('sends uses of a label bound at a jump to the jump target', () => {
    const b = new MachBuffer();
    const a = b.getLabel(), c = b.getLabel(), d = b.getLabel();
    jcc(b, 2, a); // to a, which only jumps on to d
    b.put1(0xc3);
    b.bindLabel(a);
    b.bindLabel(c);
    jmp(b, d);
    b.put1(0x90);
    b.bindLabel(d);
    b.put1(0xc3);
    const f = b.finish();
    expect(f.bytes[1]).toBe(f.labelOffsets[d] - 2);
    expect(run(f.bytes, () => true).halt).toBe(f.labelOffsets[d]);
  });

  it('does not loop on jump cycles', () => {
    const b = new MachBuffer();
    const x = b.getLabel(), y = b.getLabel();
    b.put1(0x90);
    b.bindLabel(x);
    jmp(b, y);
    b.bindLabel(y);
    b.put1(0x90);
    jmp(b, x);
    const f = b.finish();
    // `jmp y` to the next instruction was removed: x and y share an offset; the loop stays a loop.
    expect(f.labelOffsets[x]).toBe(f.labelOffsets[y]);
    expect([...f.bytes]).toEqual([0x90, 0x90, 0xeb, 0xfd]);
  });

  it('turns a two-jump cycle into a self loop instead of an alias cycle', () => {
    const b = new MachBuffer();
    const x = b.getLabel(), y = b.getLabel();
    b.bindLabel(x);
    jmp(b, y); // x stands for y
    b.put1(0xc3);
    b.bindLabel(y);
    jmp(b, x); // y would stand for x: a cycle, so y keeps its own offset
    const f = b.finish();
    expect([...f.bytes]).toEqual([0xeb, 1, 0xc3, 0xeb, 0xfe]);
  });
});

describe('MachBuffer constants, islands and veneers', () => {
  it('deduplicates constants and emits them aligned after the code', () => {
    const b = new MachBuffer();
    const c = new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]);
    for (let i = 0; i < 2; i++) {
      b.put1(0xa0);
      b.useLabel(b.curOffset(), b.constantLabel(c, 8), dataRel8);
      b.put1(0);
    }
    b.put1(0xa0);
    b.useLabel(b.curOffset(), b.constantLabel(new Uint8Array([2, 0, 0, 0, 0, 0, 0, 0]), 8), dataRel8);
    b.put1(0);
    b.put1(0xc3);
    const f = b.finish();
    expect(f.codeEnd).toBe(7);
    expect(f.requiredAlignment).toBe(8);
    expect(compiledCodeFrom(f, { frameSize: 0, alignment: 1, listing: '' }).alignment).toBe(8);
    expect(f.bytes.length).toBe(8 + 16);
    expect(run(f.bytes).loads).toEqual([1, 1, 2]);
  });

  it('emits islands before short uses run out of range, with veneers to far labels', () => {
    const b = new MachBuffer();
    const far = b.getLabel();
    const k = new Uint8Array([7, 0, 0, 0, 0, 0, 0, 0]);
    jcc(b, 0, far); // taken in the run below: needs a veneer to reach `far`
    b.put1(0xa0);
    b.useLabel(b.curOffset(), b.constantLabel(k, 8), dataRel8);
    b.put1(0);
    let islands = 0;
    for (let i = 0; i < 1000; i++) {
      if (b.islandNeeded(2)) {
        const after = b.getLabel();
        jmp(b, after);
        b.emitIsland(2);
        b.bindLabel(after);
        islands++;
      }
      if (i === 500) {
        // A fresh use of the same constant after the island gets its own copy.
        b.put1(0xa0);
        b.useLabel(b.curOffset(), b.constantLabel(k, 8), dataRel8);
        b.put1(0);
      } else {
        b.put1(0x90);
      }
    }
    b.bindLabel(far);
    b.put1(0xc3);
    const f = b.finish();
    expect(islands).toBeGreaterThan(0);
    expect(run(f.bytes, () => true).halt).toBe(f.labelOffsets[far]);
    expect(run(f.bytes, () => false)).toEqual({ halt: f.labelOffsets[far], loads: [7, 7] });
  });

  it('keeps veneers and the code after an island aligned to the instruction size', () => {
    const b = new MachBuffer('little', { instructionAlignment: 4 });
    const far = b.getLabel();
    // Four-byte "instructions": jcc padded with two nops; a load of a 1-byte constant.
    jcc(b, 0, far);
    b.put2(0x9090);
    b.put1(0xa0);
    b.useLabel(b.curOffset(), b.constantLabel(new Uint8Array([5]), 1), dataRel8);
    b.put1(0);
    b.put2(0x9090);
    let islandEnd = -1;
    for (let i = 0; i < 100; i++) {
      if (b.islandNeeded(4)) {
        const after = b.getLabel();
        jmp(b, after);
        b.put2(0x9090);
        b.emitIsland(4);
        islandEnd = b.curOffset();
        b.bindLabel(after);
      }
      b.put4(0x90909090);
    }
    b.bindLabel(far);
    b.put4(0x909090c3);
    const f = b.finish();
    expect(islandEnd).toBeGreaterThan(0);
    expect(islandEnd % 4).toBe(0);
    const veneer = 2 + f.bytes[1];
    expect(f.bytes[veneer]).toBe(0xe9);
    expect(veneer % 4).toBe(0);
    expect(run(f.bytes, () => true).halt).toBe(f.labelOffsets[far]);
  });

  it('fails loudly when no island was emitted for a short use without veneer', () => {
    const b = new MachBuffer();
    b.put1(0xa0);
    b.useLabel(b.curOffset(), b.constantLabel(new Uint8Array(8), 8), dataRel8);
    b.put1(0);
    for (let i = 0; i < 300; i++) b.put1(0x90);
    expect(() => b.finish()).toThrow(expect.objectContaining({ kind: 'label-out-of-range' }));
  });

  it('reaches a far backward label through a veneer at the end', () => {
    const b = new MachBuffer();
    const top = b.getLabel();
    b.bindLabel(top);
    b.put1(0xc3);
    for (let i = 0; i < 200; i++) b.put1(0x90);
    const start = b.curOffset();
    b.put1(0xeb);
    b.useLabel(b.curOffset(), top, rel8);
    b.put1(0);
    b.addUncondBranch(start, b.curOffset(), top);
    const f = b.finish();
    const view = new DataView(f.bytes.buffer, f.bytes.byteOffset);
    const veneer = start + 2 + view.getInt8(start + 1);
    expect(veneer).toBe(start + 2);
    expect(f.bytes[veneer]).toBe(0xe9);
    expect(veneer + 5 + view.getInt32(veneer + 1, true)).toBe(0);
  });
});
