// The riscv64 LowerBackend: register classes per type, terminators (compare-and-branch, jump
// tables, returns, tail calls, try_calls), calls and the entry block's arguments. The
// per-opcode rules live in rules.ts and the files it includes.

import {
  type Inst, type Type, type Value,
  BRIF, BR_TABLE, CALL, CALL_INDIRECT, F128, F16, F32, F64, I128, I16, I32, I64, I8, JUMP, RETURN, RETURN_CALL,
  RETURN_CALL_INDIRECT, TRAP, TRY_CALL, TRY_CALL_INDIRECT, GET_EXCEPTION_HANDLER_ADDRESS, bytes, isVector,
} from '@windlass/ir';
import { type LowerBackend, UnsupportedError } from '@windlass/codegen';
import { InstFlag, RegClass } from '@windlass/regalloc';
import { type MInst, Pseudo, branch, jump, pseudo, trapInst } from '../inst/mod';
import * as O from '../inst/ops';
import { VREG_BASE } from '../inst/regs';
import { assignReturns, assignSignature, needsReturnArea, returnAreaLayout } from '../abi/abi';
import { collectOperands } from './operands';
import { type Ctx, type RvExtra, RvLower } from './state';
import { condOf } from './cond';
import { RULES } from './rules';
import { lowerCall, receiveValue, sendValue, storeToArea, valueRegs } from './call';
import { lowerHandlerAddress, lowerTryCall, tryCallLanding } from './exceptions';

const INT: readonly RegClass[] = [RegClass.Int];
const FLOAT: readonly RegClass[] = [RegClass.Float];
const VEC: readonly RegClass[] = [RegClass.Vector];
const PAIR: readonly RegClass[] = [RegClass.Int, RegClass.Int];

export class RvBackend implements LowerBackend<MInst, RvExtra> {
  state!: RvLower;
  constructor(private readonly make: (ctx: Ctx) => RvLower) {}

  bind(ctx: Ctx): void {
    this.state = this.make(ctx);
  }

  regsFor(t: Type): readonly RegClass[] | null {
    if (t === I8 || t === I16 || t === I32 || t === I64) return INT;
    if (t === F32 || t === F64 || t === F16) return FLOAT;
    if (t === I128 || t === F128) return PAIR;
    if (isVector(t) && this.state.isa.v && bytes(t) <= Math.max(16, this.state.isa.vlen / 8)) {
      if (bytes(t) > this.state.maxVectorBytes) this.state.maxVectorBytes = bytes(t);
      return VEC;
    }
    return null;
  }

  collectOperands(inst: MInst, extra: RvExtra | null, sink: Parameters<LowerBackend<MInst, RvExtra>['collectOperands']>[2]): void {
    collectOperands(inst, extra, sink);
  }

  jump(label: number): MInst {
    return jump(label);
  }

  lowerInst(_ctx: Ctx, inst: Inst): boolean {
    const L = this.state;
    const op = L.f.instOpcode[inst];
    if (op === CALL || op === CALL_INDIRECT) {
      lowerCall(L, inst, false);
      return true;
    }
    if (op === GET_EXCEPTION_HANDLER_ADDRESS) {
      lowerHandlerAddress(L, inst);
      return true;
    }
    return RULES.lower(L, op as never, inst);
  }

  lowerBranch(ctx: Ctx, inst: Inst, targets: readonly number[]): boolean {
    const L = this.state;
    const f = L.f;
    switch (f.instOpcode[inst]) {
      case JUMP:
        ctx.emit(jump(targets[0]), null, InstFlag.Branch);
        return true;
      case BRIF: {
        const c = condOf(L, f.arg(inst, 0));
        L.emit(branch(c.op, c.a, c.b, targets[0]));
        ctx.emit(jump(targets[1]), null, InstFlag.Branch);
        return true;
      }
      case BR_TABLE: {
        const n = targets.length - 1;
        if (n === 0) {
          ctx.emit(jump(targets[0]), null, InstFlag.Branch);
          return true;
        }
        const idx = L.extended(f.arg(inst, 0), I32, false);
        L.emit(branch(O.BGEU, idx, L.constReg(n, 0), targets[0]));
        const t = pseudo(Pseudo.BrTable);
        t.rs1 = idx;
        t.rd = L.tmp();
        L.emit(t, { targets: targets.slice(1) });
        // The allocator allows no defs on a terminator: the table jump comes first, an empty
        // branch marker ends the block.
        const end = pseudo(Pseudo.Nop);
        end.aux = 1;
        ctx.emit(end, null, InstFlag.Branch);
        return true;
      }
      case RETURN:
        lowerReturn(L, inst);
        return true;
      case TRAP:
        ctx.emit(trapInst(f.instImm0[inst]), null, InstFlag.Ret);
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

  tryCallLanding(_ctx: Ctx, inst: Inst, k: number): readonly (readonly number[])[] {
    return tryCallLanding(this.state, inst, k);
  }

  lowerArgs(ctx: Ctx, params: readonly Value[]): void {
    const L = this.state;
    const sig = L.f.signature;
    const area = needsReturnArea(sig.returns, sig.callConv);
    const assign = assignSignature(sig);
    const defs: number[] = [];
    const after: (() => void)[] = [];
    if (area) {
      const p = assign.params[0][0];
      if (p.reg >= 0) defs.push(L.retAreaPtr - VREG_BASE, p.reg);
      else {
        const ptr = L.retAreaPtr;
        after.push(() => L.emit(L.incomingArg(O.LD, ptr, p.stackOffset)));
      }
    }
    params.forEach((v, k) => {
      const parts = assign.params[area ? k + 1 : k];
      if (parts === undefined) throw new UnsupportedError('entry block parameters do not match the signature', ctx.loc());
      // The entry block is lowered last: a parameter nothing asked for is dead.
      if (!ctx.isUsed(v)) return;
      const t = L.f.valueType[v] as Type;
      const regs = ctx.regsOf(v).map((r) => r + VREG_BASE);
      receiveValue(L, t, regs, parts, defs, after);
    });
    ctx.emit(pseudo(Pseudo.Args), { fixedDefs: defs });
    for (const a of after) a();
  }
}


function lowerReturn(L: RvLower, inst: Inst): void {
  const f = L.f;
  const sig = f.signature;
  const ret = pseudo(Pseudo.Ret);
  if (L.retAreaPtr >= 0) {
    const { offsets } = returnAreaLayout(sig.returns);
    for (let k = 0, n = f.argCount(inst); k < n; k++) storeToArea(L, sig.returns[k].type, valueRegs(L, f.arg(inst, k)), L.retAreaPtr, offsets[k]);
    L.ctx.emit(ret, null, InstFlag.Ret);
    return;
  }
  const rets = assignReturns(sig.returns, sig.callConv);
  const uses: number[] = [];
  for (let k = 0, n = f.argCount(inst); k < n; k++) {
    const t = sig.returns[k].type;
    const sent = sendValue(L, t, valueRegs(L, f.arg(inst, k)), rets[k], sig.returns[k]);
    sent.forEach((r, j) => uses.push(r, rets[k][j].reg));
  }
  L.ctx.emit(ret, { fixedUses: L.fixedPairs(uses) }, InstFlag.Ret);
}
