// The README's example, kept true.
import { describe, expect, it } from 'vitest';
import {
  AluOp, BasicCodeSink, CC, amBase, emitInst, printInst, rax, rdi, rsi, test, aluRM, aluRI,
  jcc, ret,
} from './index';

describe('isa-x64 README example', () => {
  it('encodes the sum loop and prints an instruction', () => {
    const sink = new BasicCodeSink();
    const loop = 0, done = 1;
    const insts = [aluRM(AluOp.Xor, 4, rax, rax), test(8, rsi, rsi), jcc(CC.E, done, true)];
    for (const i of insts) emitInst(i, sink);
    sink.bindLabel(loop);
    for (const i of [aluRM(AluOp.Add, 8, rax, amBase(rdi)), aluRI(AluOp.Add, 8, rdi, 8),
      aluRI(AluOp.Sub, 8, rsi, 1), jcc(CC.NE, loop, true)]) emitInst(i, sink);
    sink.bindLabel(done);
    emitInst(ret(), sink);
    const hex = Array.from(sink.finish(), (b) => b.toString(16).padStart(2, '0')).join(' ');
    expect(hex).toBe('31 c0 48 85 f6 74 0d 48 03 07 48 83 c7 08 48 83 ee 01 75 f3 c3');
    expect(printInst(aluRM(AluOp.Add, 8, rax, amBase(rdi)))).toBe('add    rax,QWORD PTR [rdi]');
  });
});
