import { describe, it, expect } from 'vitest';
import { FORMAT_FIXED_ARGS, Format, OPCODES, OPCODE_COUNT, hasSideEffects, opcodeByName, IADD, STORE, RETURN } from './opcodes';
import { CORPUS_PRESENT, corpusFiles } from './test-support/corpus';

// Cranelift's current instruction set (cranelift-codegen `Opcode`), by text name.
const CRANELIFT_OPCODES = `jump brif br_table debugtrap trap trapz trapnz return call call_indirect return_call
return_call_indirect func_addr try_call try_call_indirect get_exception_handler_address stack_switch
sequence_point splat swizzle x86_pshufb insertlane extractlane smin umin smax umax avg_round uadd_sat sadd_sat
usub_sat ssub_sat load store uload8 sload8 istore8 uload16 sload16 istore16 uload32 sload32 istore32 uload8x8
sload8x8 uload16x4 sload16x4 uload32x2 sload32x2 stack_load stack_store stack_addr dynamic_stack_load
dynamic_stack_store dynamic_stack_addr global_value symbol_value tls_value get_pinned_reg set_pinned_reg
get_frame_pointer get_stack_pointer get_return_address iconst f16const f32const f64const f128const vconst
shuffle nop select select_spectre_guard bitselect blendv x86_blendv vany_true vall_true vhigh_bits icmp icmp_imm
iadd isub ineg iabs imul umulhi smulhi sqmul_round_sat x86_pmulhrsw udiv sdiv urem srem iadd_imm imul_imm
udiv_imm sdiv_imm urem_imm srem_imm irsub_imm sadd_overflow_cin uadd_overflow_cin uadd_overflow sadd_overflow
usub_overflow ssub_overflow umul_overflow smul_overflow uadd_overflow_trap ssub_overflow_bin usub_overflow_bin
band bor bxor bnot band_not bor_not bxor_not band_imm bor_imm bxor_imm rotl rotr rotl_imm rotr_imm ishl ushr
sshr ishl_imm ushr_imm sshr_imm bitrev clz cls ctz bswap popcnt fcmp fadd fsub fmul fdiv sqrt fma fneg fabs
fcopysign fmin fmax ceil floor trunc nearest bitcast scalar_to_vector bmask ireduce snarrow unarrow uunarrow
swiden_low swiden_high uwiden_low uwiden_high iadd_pairwise x86_pmaddubsw uextend sextend fpromote fdemote
fvdemote fvpromote_low fcvt_to_uint fcvt_to_sint fcvt_to_uint_sat fcvt_to_sint_sat x86_cvtt2dq fcvt_from_uint
fcvt_from_sint isplit iconcat atomic_rmw atomic_cas atomic_load atomic_store fence extract_vector`.split(/\s+/);

describe('instruction set table', () => {
  it('has unique names and one entry per Cranelift opcode', () => {
    const names = OPCODES.map((o) => o.name);
    expect(new Set(names).size).toBe(OPCODE_COUNT);
    for (const n of CRANELIFT_OPCODES) expect(opcodeByName(n), n).not.toBe(-1);
    expect(opcodeByName('frobnicate')).toBe(-1);
  });

  it('keeps flags, formats and type constraints consistent', () => {
    for (const o of OPCODES) {
      if (o.isBranch) expect(o.isTerminator, o.name).toBe(true);
      if (o.ctrl === 'operand' && FORMAT_FIXED_ARGS[o.format] >= 0) expect(o.ctrlOperand, o.name).toBeLessThan(FORMAT_FIXED_ARGS[o.format]);
      if (FORMAT_FIXED_ARGS[o.format] >= 0) expect(o.operands.length, o.name).toBe(FORMAT_FIXED_ARGS[o.format]);
      expect(o.doc.length, o.name).toBeGreaterThan(5);
    }
    expect(OPCODES[IADD]).toMatchObject({ name: 'iadd', format: Format.Binary, ctrl: 'operand', results: ['T'] });
    expect(hasSideEffects(STORE)).toBe(true);
    expect(hasSideEffects(IADD)).toBe(false);
    expect(OPCODES[RETURN].isTerminator && OPCODES[RETURN].isReturn).toBe(true);
  });

  (CORPUS_PRESENT ? it : it.skip)('knows every opcode the corpus uses', () => {
    const unknown = new Set<string>();
    for (const f of corpusFiles()) {
      for (const line of f.text.split('\n')) {
        const m = /^\s*(?:<[^>]*>\s*)?(?:@[0-9a-f]+\s+)?(?:v\d+(?:\s*,\s*v\d+)*\s*=\s*)?([a-z_][a-z0-9_]*)(?:\.[a-z0-9]+)?\s/.exec(line);
        if (!m || /^(block\d+|function|test|set|target|v\d+|ss\d+|gv\d+|fn\d+|sig\d+|dt\d+|dss\d+|const\d+|region\d+|stack_limit)$/.test(m[1])) continue;
        if (line.trimStart().startsWith(';')) continue;
        if (opcodeByName(m[1]) === -1) unknown.add(m[1]);
      }
    }
    expect([...unknown]).toEqual([]);
  });
});
