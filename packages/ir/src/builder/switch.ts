// Switch: dispatch an integer to blocks. Dense case sets become one
// `br_table` (after rebasing the value to 0); sparse ones a balanced tree of
// `icmp_imm ult` splits ending in short `icmp_imm eq` chains.

import type { Block, Value } from '../entities';
import { IntCC } from '../immediates';
import { I32, type Type, bits } from '../types';
import type { FunctionBuilder } from './builder';
import { BuilderError } from './errors';

interface Case {
  value: bigint;
  block: Block;
}

/** Below this many cases a compare chain beats a jump table. */
const MIN_TABLE_CASES = 4;
/** Longest compare chain at the leaves of the tree. */
const CHAIN = 3;

export class Switch {
  private readonly cases = new Map<bigint, Block>();

  /** Jump to `block` when the value is `value` (read as unsigned in the value's width). */
  setEntry(value: number | bigint, block: Block): void {
    const v = BigInt(value);
    if (this.cases.has(v)) throw new BuilderError('Switch', `duplicate case ${v}`);
    this.cases.set(v, block);
  }

  get size(): number {
    return this.cases.size;
  }

  /**
   * Emit the dispatch of `value` at the end of the builder's current block,
   * going to `otherwise` when no case matches. Helper blocks are created and
   * sealed; the case blocks get new predecessors (seal them afterwards).
   */
  emit(b: FunctionBuilder, value: Value, otherwise: Block): void {
    const t = b.func.valueTypeOf(b.func.resolveAliases(value));
    const width = bits(t);
    if (width > 64) throw new BuilderError('Switch', 'switch on a value wider than 64 bits is unsupported');
    const cases: Case[] = [];
    const seen = new Set<bigint>();
    for (const [v, block] of this.cases) {
      const u = BigInt.asUintN(width, v);
      if (seen.has(u)) throw new BuilderError('Switch', `cases ${v} collide in ${width} bits`);
      seen.add(u);
      cases.push({ value: u, block });
    }
    cases.sort((x, y) => (x.value < y.value ? -1 : x.value > y.value ? 1 : 0));
    if (cases.length === 0) {
      b.ins.jump(otherwise);
      return;
    }
    const range = cases[cases.length - 1].value - cases[0].value + 1n;
    if (cases.length >= MIN_TABLE_CASES && range <= 2n * BigInt(cases.length) && range <= 65536n) {
      this.emitTable(b, value, t, cases, Number(range), otherwise);
    } else {
      this.emitTree(b, value, width, cases, 0, cases.length, otherwise);
    }
  }

  private emitTable(b: FunctionBuilder, value: Value, t: Type, cases: Case[], range: number, otherwise: Block): void {
    const width = bits(t);
    const min = cases[0].value;
    let idx = min === 0n ? value : b.ins.iadd_imm(value, BigInt.asIntN(64, -min));
    if (width > 32) {
      // br_table takes an i32 index: range-check in the wide type first.
      const inRange = this.newBlock(b);
      const tooBig = b.ins.icmp_imm(IntCC.Uge, idx, range);
      b.ins.brif(tooBig, otherwise, [], inRange, []);
      this.enter(b, inRange);
      idx = b.ins.ireduce(I32, idx);
    } else if (width < 32) {
      idx = b.ins.uextend(I32, idx);
    }
    const entries: Block[] = new Array<Block>(range).fill(otherwise);
    for (const c of cases) entries[Number(c.value - min)] = c.block;
    b.ins.br_table(idx, otherwise, [], entries);
  }

  private emitTree(b: FunctionBuilder, value: Value, width: number, cases: Case[], lo: number, hi: number, otherwise: Block): void {
    const imm = (v: bigint) => BigInt.asIntN(64, BigInt.asIntN(width, v));
    if (hi - lo <= CHAIN) {
      for (let k = lo; k < hi; k++) {
        const hit = b.ins.icmp_imm(IntCC.Eq, value, imm(cases[k].value));
        if (k === hi - 1) {
          b.ins.brif(hit, cases[k].block, [], otherwise, []);
        } else {
          const next = this.newBlock(b);
          b.ins.brif(hit, cases[k].block, [], next, []);
          this.enter(b, next);
        }
      }
      return;
    }
    const mid = (lo + hi) >> 1;
    const left = this.newBlock(b);
    const right = this.newBlock(b);
    const below = b.ins.icmp_imm(IntCC.Ult, value, imm(cases[mid].value));
    b.ins.brif(below, left, [], right, []);
    this.enter(b, left);
    this.emitTree(b, value, width, cases, lo, mid, otherwise);
    this.enter(b, right);
    this.emitTree(b, value, width, cases, mid, hi, otherwise);
  }

  private newBlock(b: FunctionBuilder): Block {
    return b.createBlock();
  }

  /** Helper blocks have their single predecessor already: switch and seal. */
  private enter(b: FunctionBuilder, block: Block): void {
    b.switchToBlock(block);
    b.sealBlock(block);
  }
}
