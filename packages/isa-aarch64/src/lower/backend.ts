// The AArch64 `LowerBackend`: the rule table for ordinary instructions, plus the control-flow
// and ABI edges of a function: arguments, branches (compare fusion into b.cond, cbz/cbnz and
// tbz/tbnz without flags), jump tables, returns, calls, tail calls and traps.

import {
  type Inst, type Type, type Value,
  BR_TABLE, BRIF, CALL, CALL_INDIRECT, I128, I16, I32, I64, I8, JUMP, RETURN, RETURN_CALL,
  RETURN_CALL_INDIRECT, TRAP, TRAPNZ, TRAPZ, TRY_CALL, TRY_CALL_INDIRECT, GET_EXCEPTION_HANDLER_ADDRESS, } from '@windlass/ir';

import { type LowerCtx, type RuleTable, UnsupportedError } from '@windlass/codegen';
import { InstFlag, type RegClass as RAClass } from '@windlass/regalloc';
import {
  AddrMode, AluOp, Cond, MInst, NO_REG, Op, RegClass, VREG_BASE, aluRRImm12, aluRRR, argsPseudo, b, bcond, bindLabel, csel, CSelOp,
  encodeImm12, endBlock, invertCond, udf, xzr, sys, SysOp,
} from '../inst';
import { assignSignature, needsReturnArea } from '../abi/aapcs';
import { branchWithoutFlags, condOf } from './cond';
import { lowerCall, lowerReturn } from './calls';
import { ldstRow } from './mem';
import { buildRules } from './rules';
import { type A64Extra, A64Lower, collectOperands, inVReg } from './state';
import { lowerHandlerAddress, lowerTryCall, tryCallLanding } from './exceptions';

let sharedRules: RuleTable<A64Lower> | undefined;

const INT: readonly RAClass[] = [RegClass.Int as RAClass];
const FLOAT: readonly RAClass[] = [RegClass.Float as RAClass];
const PAIR: readonly RAClass[] = [RegClass.Int as RAClass, RegClass.Int as RAClass];

/** The JumpTable pseudo-instruction: index in rn, temporaries rd and ra, table `imm`. */
function jumpTableInst(index: number, t1: number, t2: number, table: number): MInst {
  return new MInst(Op.JumpTable, 0, 1, t1, index, NO_REG, t2, table, 0, 0, 0, -1, null, -1);
}

export class A64Backend {
  state!: A64Lower;
  readonly rules = (sharedRules ??= buildRules());

  constructor(private readonly makeState: (ctx: LowerCtx<MInst, A64Extra>) => A64Lower) {}

  bind(ctx: LowerCtx<MInst, A64Extra>): void {
    this.state = this.makeState(ctx);
    const sig = this.state.f.signature;
    // Created before any return is lowered (returns are lowered before the entry block's arguments).
    if (needsReturnArea(sig.returns)) this.state.retAreaPtr = this.state.tmp();
  }

  regsFor(t: Type): readonly RAClass[] | null {
    if (inVReg(t)) return FLOAT;
    if (t === I128) return PAIR;
    if (t === I8 || t === I16 || t === I32 || t === I64) return INT;
    return null;
  }

  collectOperands(inst: MInst, extra: A64Extra | null, sink: Parameters<typeof collectOperands>[2]): void {
    collectOperands(inst, extra, sink);
  }

  jump(label: number): MInst {
    return b(label);
  }

  lowerInst(ctx: LowerCtx<MInst, A64Extra>, inst: Inst): boolean {
    const L = this.state;
    const f = L.f;
    const op = f.instOpcode[inst];
    switch (op) {
      case CALL: case CALL_INDIRECT:
        lowerCall(L, inst, false);
        return true;
      case GET_EXCEPTION_HANDLER_ADDRESS:
        lowerHandlerAddress(L, inst);
        return true;
      case TRAPZ: case TRAPNZ: {
        const label = L.trapLabel(f.instImm0[inst]);
        const when = op === TRAPNZ;
        const direct = branchWithoutFlags(L, f.arg(inst, 0), label, !when);
        if (direct !== null) {
          L.emit(direct);
          return true;
        }
        const c = condOf(L, f.arg(inst, 0));
        if (c.c2 < 0) L.emit(bcond(when ? c.c : invertCond(c.c), label));
        else if (when) {
          L.emit(bcond(c.c, label));
          L.emit(bcond(c.c2 as Cond, label));
        } else {
          // Trap when neither holds: skip the trap when either does.
          const skip = L.newLabel();
          L.emit(bcond(c.c, skip));
          L.emit(bcond(invertCond(c.c2), label));
          L.emit(bindLabel(skip));
        }
        return true;
      }
    }
    void ctx;
    return this.rules.lower(L, op as never, inst);
  }

  lowerBranch(ctx: LowerCtx<MInst, A64Extra>, inst: Inst, targets: readonly number[]): boolean {
    const L = this.state;
    const f = L.f;
    switch (f.instOpcode[inst]) {
      case JUMP:
        ctx.emit(b(targets[0]), null, InstFlag.Branch);
        return true;
      case BRIF: {
        const v = f.arg(inst, 0);
        const direct = branchWithoutFlags(L, v, targets[0], false);
        if (direct !== null) L.emit(direct);
        else {
          const c = condOf(L, v);
          L.emit(bcond(c.c, targets[0]));
          if (c.c2 >= 0) L.emit(bcond(c.c2 as Cond, targets[0]));
        }
        ctx.emit(b(targets[1]), null, InstFlag.Branch);
        return true;
      }
      case BR_TABLE: {
        const idx = L.gpr(f.arg(inst, 0));
        const n = targets.length - 1;
        if (n === 0) {
          ctx.emit(b(targets[0]), null, InstFlag.Branch);
          return true;
        }
        // cmp idx, #n; b.hs default; (spectre guard: idx = 0 when out of range); table jump.
        const e = encodeImm12(n);
        if (e >= 0) L.emit(aluRRImm12(AluOp.Subs, 0, xzr, idx, e));
        else L.emit(aluRRR(AluOp.Subs, 0, xzr, idx, L.constReg(n, 0, 0)));
        L.emit(bcond(Cond.HS, targets[0]));
        let index = idx;
        if (L.features.jumpTableSpectre) {
          index = L.tmp();
          L.emit(csel(CSelOp.Csel, 0, index, xzr, idx, Cond.HS));
          if (L.features.csdb) L.emit(sys(SysOp.Csdb));
        }
        const table = L.jumpTables.length;
        L.jumpTables.push(targets.slice(1));
        for (const t of targets.slice(1)) L.indirectTargets.add(t);
        // The allocator forbids defs on the terminator: the table jump (with its temporaries)
        // comes first, an empty branch marker ends the block.
        L.emit(jumpTableInst(index, L.tmp(), L.tmp(), table));
        ctx.emit(endBlock(), null, InstFlag.Branch);
        return true;
      }
      case RETURN:
        lowerReturn(L, inst);
        return true;
      case TRAP:
        ctx.emit(udf(f.instImm0[inst]), null, InstFlag.Ret);
        return true;
      case RETURN_CALL: case RETURN_CALL_INDIRECT:
        lowerCall(L, inst, true);
        return true;
      case TRY_CALL: case TRY_CALL_INDIRECT:
        lowerTryCall(L, inst, targets);
        return true;
      default:
        return false;
    }
  }

  tryCallLanding(ctx: LowerCtx<MInst, A64Extra>, inst: Inst, k: number): readonly (readonly number[])[] {
    void ctx;
    return tryCallLanding(this.state, inst, k);
  }

  lowerArgs(ctx: LowerCtx<MInst, A64Extra>, params: readonly Value[]): void {
    const L = this.state;
    const sig = L.f.signature;
    const assign = assignSignature(sig);
    const defs: number[] = [];
    const loads: MInst[] = [];
    if (L.retAreaPtr >= 0) defs.push(L.retAreaPtr - VREG_BASE, assign.retAreaReg);
    params.forEach((v, k) => {
      const parts = assign.params[k];
      if (parts === undefined) throw new UnsupportedError('entry block parameters do not match the signature', ctx.loc());
      // The entry block is lowered last: a parameter no lowered instruction asked for is dead.
      if (!ctx.isUsed(v)) return;
      const regs = ctx.regsOf(v);
      const t = sig.params[k].type;
      parts.forEach((p, j) => {
        if (p.reg >= 0) defs.push(regs[j], p.reg);
        else {
          L.needsFrame = true;
          const row = p.isFloat ? ldstRow(t, true) : p.size === 8 ? ldstRow(I64, true) : ldstRow(p.size === 1 ? I8 : p.size === 2 ? I16 : I32, true);
          const i = new MInst(Op.LdSt, row, 0, regs[j] + VREG_BASE, NO_REG, NO_REG, NO_REG, p.stackOffset, 0, 0, AddrMode.IncomingArg, -1, null, -1);
          loads.push(i);
        }
      });
    });
    ctx.emit(argsPseudo(), { fixedDefs: defs });
    for (const i of loads) ctx.emit(i);
  }
}
