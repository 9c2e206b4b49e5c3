// The s390x `LowerBackend`: rules for ordinary instructions, plus the control-flow and ABI edges
// of a function: arguments, branches, calls, returns, tail calls and traps.

import {
  type Inst, type Type, type Value, BR_TABLE, BRIF, CALL, CALL_INDIRECT, F128, F16, F32, F64, I128, I16, I32, I64, I8,
  JUMP, RETURN, RETURN_CALL, RETURN_CALL_INDIRECT, TRAP, TRAPNZ, TRAPZ, DEBUGTRAP, TRY_CALL, TRY_CALL_INDIRECT,
  GET_EXCEPTION_HANDLER_ADDRESS,
} from '@windlass/ir';
import type { LowerBackend, LowerCtx, RuleTable } from '@windlass/codegen';
import { InstFlag, type RegClass as RAClass } from '@windlass/regalloc';
import { type MInst, Pseudo, condBr, jump, pseudo, ri, rr } from '../inst/mod';
import { RegClass } from '../inst/regs';
import { isVec128 } from '../abi/abi';
import { assignSignature } from '../abi/abi';
import { condOf } from './cond';
import { lowerArgs, lowerCall, lowerReturn } from './calls';
import { lowerHandlerAddress, lowerTryCall, tryCallLanding } from './exceptions';
import { buildRules } from './rules';
import { type S390xExtra, S390xLower, collectOperands } from './state';

let sharedRules: RuleTable<S390xLower> | undefined;

const INT: readonly RAClass[] = [RegClass.Int];
const VEC: readonly RAClass[] = [RegClass.Float];

export class S390xBackend implements LowerBackend<MInst, S390xExtra> {
  state!: S390xLower;
  readonly rules = (sharedRules ??= buildRules());

  constructor(private readonly makeState: (ctx: LowerCtx<MInst, S390xExtra>) => S390xLower) {}

  bind(ctx: LowerCtx<MInst, S390xExtra>): void {
    this.state = this.makeState(ctx);
    // Made before any return is lowered (returns are lowered before the entry block's arguments).
    if (assignSignature(this.state.f.signature).retArea) this.state.retAreaPtr = this.state.tmp();
  }

  regsFor(t: Type): readonly RAClass[] | null {
    if (t === I8 || t === I16 || t === I32 || t === I64) return INT;
    if (t === F16 || t === F32 || t === F64 || t === F128 || t === I128 || isVec128(t)) return VEC;
    return null;
  }

  collectOperands(i: MInst, x: S390xExtra | null, sink: Parameters<LowerBackend<MInst, S390xExtra>['collectOperands']>[2]): void {
    collectOperands(i, x, sink);
  }

  jump(label: number): MInst {
    return jump(label);
  }

  lowerInst(_ctx: LowerCtx<MInst, S390xExtra>, inst: Inst): boolean {
    const L = this.state;
    const op = L.f.instOpcode[inst];
    switch (op) {
      case CALL: case CALL_INDIRECT:
        lowerCall(L, inst, false);
        return true;
      case TRAPZ: case TRAPNZ: {
        const mask = condOf(L, L.f.arg(inst, 0));
        L.emit(condBr(op === TRAPNZ ? mask : 15 ^ mask, L.trapLabel(L.f.instImm0[inst])));
        return true;
      }
      case GET_EXCEPTION_HANDLER_ADDRESS:
        lowerHandlerAddress(L, inst);
        return true;
      case DEBUGTRAP: {
        const t = pseudo(Pseudo.Trap);
        t.imm = 1;
        L.emit(t);
        return true;
      }
      default:
        return this.rules.lower(L, op as never, inst);
    }
  }

  lowerBranch(ctx: LowerCtx<MInst, S390xExtra>, inst: Inst, targets: readonly number[]): boolean {
    const L = this.state;
    const f = L.f;
    switch (f.instOpcode[inst]) {
      case JUMP:
        ctx.emit(jump(targets[0]), null, InstFlag.Branch);
        return true;
      case BRIF: {
        const mask = condOf(L, f.arg(inst, 0));
        L.emit(condBr(mask, targets[0]));
        ctx.emit(jump(targets[1]), null, InstFlag.Branch);
        return true;
      }
      case BR_TABLE: {
        const n = targets.length - 1;
        if (n === 0) {
          ctx.emit(jump(targets[0]), null, InstFlag.Branch);
          return true;
        }
        const v: Value = f.arg(inst, 0);
        const t = L.typeOf(v);
        let idx = L.reg(v);
        if (t !== I64) {
          const z = L.tmp();
          L.emit(rr(t === I8 ? 'llgcr' : t === I16 ? 'llghr' : 'llgfr', z, idx));
          idx = z;
        }
        L.emit(ri('clgfi', idx, n));
        L.emit(condBr(10, targets[0]));
        const jt = pseudo(Pseudo.JumpTable);
        jt.r2 = idx;
        jt.r3 = L.tmp();
        L.emit(jt, { targets: targets.slice(1) });
        ctx.emit(pseudo(Pseudo.Nop), null, InstFlag.Branch);
        return true;
      }
      case RETURN:
        lowerReturn(L, inst);
        return true;
      case TRAP: {
        const t = pseudo(Pseudo.Trap);
        t.trap = f.instImm0[inst];
        ctx.emit(t, null, InstFlag.Ret);
        return true;
      }
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

  tryCallLanding(_ctx: LowerCtx<MInst, S390xExtra>, inst: Inst, k: number): readonly (readonly number[])[] {
    return tryCallLanding(this.state, inst, k);
  }

  lowerArgs(_ctx: LowerCtx<MInst, S390xExtra>, params: readonly Value[]): void {
    lowerArgs(this.state, params);
  }
}

export { S390xLower };
