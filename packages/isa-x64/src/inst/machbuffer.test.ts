// The encoder writes into @windlass/codegen's MachBuffer through the CodeSink interface.
import { MachBuffer, type MachLabel } from '@windlass/codegen';
import { describe, expect, it } from 'vitest';
import { amLabel, CC } from './args';
import { emitInst, invertedBranchBytes } from './emit';
import * as I from './mod';
import { AluOp } from './mod';
import { rax, rcx } from './regs';
import type { CodeSink } from './sink';

describe('x64 encoder into the codegen MachBuffer', () => {
  it('satisfies CodeSink and lets the buffer simplify branches', () => {
    const buf = new MachBuffer('little');
    const sink: CodeSink = buf;
    const taken = buf.getLabel(), next = buf.getLabel();
    emitInst(I.aluRM(AluOp.Cmp, 8, rax, rcx), sink);
    // jcc taken; jmp next; next: ... -> the buffer drops the jmp to the following label.
    const jcc = I.jcc(CC.L, taken);
    let start = buf.curOffset();
    emitInst(jcc, sink);
    buf.addCondBranch(start, buf.curOffset(), taken, invertedBranchBytes(jcc));
    start = buf.curOffset();
    emitInst(I.jmp(next), sink);
    buf.addUncondBranch(start, buf.curOffset(), next);
    buf.bindLabel(next);
    emitInst(I.load(8, rax, amLabel(taken as MachLabel)), sink);
    buf.bindLabel(taken);
    emitInst(I.ret(), sink);
    const bytes = Array.from(buf.finish().bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
    // cmp; jl +7 (over the load); mov rax, [rip+0]; ret
    expect(bytes).toBe('48 39 c8 0f 8c 07 00 00 00 48 8b 05 00 00 00 00 c3');
  });
});
