import { describe, expect, it } from 'vitest';
import type { LabelUseKind } from './label-use';
import { MachBuffer, type MachLabel } from './mach-buffer';

/*
 * Random control flow through the MachBuffer, emitted twice: once with branches registered for
 * simplification and once without. Both must run the same way. Toy encoding:
 *   B0 id   marker (recorded in the trace)     90  nop           C3  halt
 *   EB d8   jmp (rel8 from the end)            7c d8  jcc c (c = low nibble; c^1 is its inverse)
 *   E9 d32  long jmp (veneers)
 */
const rel32: LabelUseKind = {
  name: 'rel32', patchSize: 4, maxPosRange: 0x7fff_ffff, maxNegRange: 0x7fff_fffc,
  patch(bytes, use, label) {
    new DataView(bytes.buffer, bytes.byteOffset).setInt32(use, label - (use + 4), true);
  },
};
/** `A0 d8`: load 8 bytes at (end + d8), recorded in the trace. No veneer can help a data load. */
const dataRel8: LabelUseKind = {
  name: 'data-rel8', patchSize: 1, maxPosRange: 128, maxNegRange: 127,
  patch(bytes, use, label) {
    const d = label - (use + 1);
    if (d < -128 || d > 127) throw new Error(`data-rel8 out of range: ${d}`);
    bytes[use] = d & 0xff;
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

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Term = { kind: 'jmp'; to: number } | { kind: 'jcc'; cc: number; to: number; else: number } | { kind: 'fall' } | { kind: 'halt' };
interface Program { blocks: Array<{ nops: number; term: Term; extraLabels: number; load: number; empty: boolean }> }

function randomProgram(rand: () => number, nBlocks: number): Program {
  const blocks = [];
  for (let i = 0; i < nBlocks; i++) {
    const r = rand();
    const to = () => Math.floor(rand() * nBlocks);
    // Targets >= nBlocks name the label between a block's jcc and its jmp (when it has one).
    const term: Term = i === nBlocks - 1 ? { kind: 'halt' }
      : r < 0.3 ? { kind: 'jmp', to: rand() < 0.5 ? i + 1 : rand() < 0.5 ? nBlocks + to() : to() }
      : r < 0.75 ? { kind: 'jcc', cc: Math.floor(rand() * 8) * 2, to: rand() < 0.4 ? i + 1 : to(), else: rand() < 0.3 ? i + 1 : to() }
      : r < 0.95 ? { kind: 'fall' } : { kind: 'halt' };
    blocks.push({
      nops: rand() < 0.2 ? Math.floor(rand() * 120) : Math.floor(rand() * 4), term, extraLabels: rand() < 0.5 ? 1 : 0,
      load: rand() < 0.3 ? 1 + Math.floor(rand() * 5) : 0,
      // An empty block (no marker, no code before its terminator) is what jump threading targets.
      empty: rand() < 0.25,
    });
  }
  return { blocks };
}

function emit(p: Program, simplify: boolean): { code: Uint8Array; islands: number; entry: number } {
  const b = new MachBuffer();
  const labels = p.blocks.map(() => b.getLabel());
  const n = p.blocks.length;
  const mids = p.blocks.map((blk) => (blk.term.kind === 'jcc' && blk.extraLabels > 0 ? b.getLabel() : undefined));
  const target = (t: number) => (t < n ? labels[t] : mids[t - n] ?? labels[t - n]);
  let islands = 0;
  // The largest instruction is 2 bytes, and one may add an 8-byte constant (+7 of alignment).
  const maxGrowth = 2 + 15;
  const maybeIsland = () => {
    if (!b.islandNeeded(maxGrowth)) return;
    const after = b.getLabel();
    const start = b.curOffset();
    b.put1(0xeb);
    b.useLabel(b.curOffset(), after, rel8);
    b.put1(0);
    if (simplify) b.addUncondBranch(start, b.curOffset(), after);
    b.emitIsland(maxGrowth);
    b.bindLabel(after);
    islands++;
  };
  const branch = (op: number, target: MachLabel, inverted?: number) => {
    maybeIsland();
    const start = b.curOffset();
    b.put1(op);
    b.useLabel(b.curOffset(), target, rel8);
    b.put1(0);
    if (!simplify) return;
    if (inverted === undefined) b.addUncondBranch(start, b.curOffset(), target);
    else b.addCondBranch(start, b.curOffset(), target, new Uint8Array([inverted, 0]));
  };
  p.blocks.forEach((blk, i) => {
    maybeIsland();
    b.bindLabel(labels[i]);
    if (!blk.empty) {
      b.put1(0xb0);
      b.put1(i & 0xff);
    }
    if (blk.load > 0 && !blk.empty) {
      maybeIsland();
      b.put1(0xa0);
      const k = new Uint8Array(8);
      k[0] = blk.load;
      b.useLabel(b.curOffset(), b.constantLabel(k, 8), dataRel8);
      b.put1(0);
    }
    for (let k = 0; k < (blk.empty ? 0 : blk.nops); k++) {
      maybeIsland();
      b.put1(0x90);
    }
    const t = blk.term;
    if (t.kind === 'jmp') branch(0xeb, target(t.to));
    else if (t.kind === 'jcc') {
      branch(0x70 | t.cc, labels[t.to], 0x70 | (t.cc ^ 1));
      const mid = mids[i];
      if (mid !== undefined) {
        maybeIsland();
        b.bindLabel(mid);
      }
      branch(0xeb, labels[t.else]);
    } else if (t.kind === 'halt') {
      maybeIsland();
      b.put1(0xc3);
    }
  });
  maybeIsland();
  b.put1(0xc3);
  const f = b.finish();
  return { code: f.bytes, islands, entry: f.labelOffsets[labels[0]] };
}

function trace(code: Uint8Array, entry: number, condSeed: number): number[] {
  const view = new DataView(code.buffer, code.byteOffset);
  const markers: number[] = [];
  const cond = prng(condSeed);
  const decisions: boolean[] = [];
  // The n-th marker's conditions are fixed per (marker count, condition family).
  const condTrue = (cc: number) => {
    const key = markers.length * 8 + (cc >> 1);
    while (decisions.length <= key) decisions.push(cond() < 0.5);
    return decisions[key] !== ((cc & 1) === 1);
  };
  let pc = entry;
  for (let steps = 0; steps < 1_000_000 && markers.length < 400; steps++) {
    const op = code[pc];
    if (op === 0xb0) { markers.push(code[pc + 1]); pc += 2; }
    else if (op === 0xa0) { markers.push(1000 + code[pc + 2 + view.getInt8(pc + 1)]); pc += 2; }
    else if (op === 0x90) pc += 1;
    else if (op === 0xc3) return markers;
    else if (op === 0xeb) pc = pc + 2 + view.getInt8(pc + 1);
    else if (op === 0xe9) pc = pc + 5 + view.getInt32(pc + 1, true);
    else if ((op & 0xf0) === 0x70) pc = condTrue(op & 15) ? pc + 2 + view.getInt8(pc + 1) : pc + 2;
    else throw new Error(`bad opcode ${op} at ${pc}`);
  }
  return markers;
}

describe('MachBuffer on random control flow', () => {
  it('simplified branches, islands and veneers preserve behaviour', () => {
    let removedBytes = 0;
    let islands = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const rand = prng(seed);
      const p = randomProgram(rand, 5 + Math.floor(rand() * 60));
      const plain = emit(p, false);
      const simple = emit(p, true);
      removedBytes += plain.code.length - simple.code.length;
      islands += simple.islands;
      for (let c = 0; c < 3; c++) {
        expect(trace(simple.code, simple.entry, seed * 7 + c), `seed ${seed}`).toEqual(trace(plain.code, plain.entry, seed * 7 + c));
      }
    }
    // The generator must actually exercise simplification and islands.
    expect(removedBytes).toBeGreaterThan(500);
    expect(islands).toBeGreaterThan(20);
  });
});
