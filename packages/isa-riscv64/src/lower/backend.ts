// The riscv64 LowerBackend: register classes per type, terminators (compare-and-branch, jump
// tables, returns, tail calls), calls and the entry block's arguments. The per-opcode rules
// live in rules.ts and the files it includes.

import {
  type AbiParam, type Inst, type Signature, type Type, type Value,
  BRIF, BR_TABLE, CALL, CALL_INDIRECT, F128, F16, F32, F64, I128, I16, I32, I64, I8, JUMP, RETURN, RETURN_CALL,
  RETURN_CALL_INDIRECT, TRAP, bytes, isVector,
} from '@windlass/ir';
import { type LowerBackend, UnsupportedError } from '@windlass/codegen';
import { InstFlag, RegClass } from '@windlass/regalloc';
import { type MInst, Pseudo, branch, jump, load, pseudo, rri, store, trapInst } from '../inst/mod';
import * as O from '../inst/ops';
import { VREG_BASE, fp, sp, t1 } from '../inst/regs';
import {
  type ArgPart, assignReturns, assignSignature, callClobbers, needsReturnArea, returnAreaLayout,
} from '../abi/abi';
import { collectOperands } from './operands';
import { type Ctx, type RvExtra, RvLower, classOf } from './state';
import { condOf } from './cond';
import { RULES } from './rules';
import { symbolName } from './names';
import { fromGprs, toGprs, vecAccess } from './vector-abi';
import { loadFloat, storeFloat } from './float';

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
    if (isVector(t) && bytes(t) <= 16 && this.state.isa.v) return VEC;
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
      default:
        return false;
    }
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

/**
 * Defines the registers `regs` of a value of type `t` arriving in `parts`: fixed defs for
 * registers that hold it as it is, conversions (`after`) for an FPR value in a GPR, a vector in
 * GPRs, and loads of stack parts.
 */
function receiveValue(L: RvLower, t: Type, regs: readonly number[], parts: readonly ArgPart[], defs: number[], after: (() => void)[]): void {
  const cls = classOf(t);
  if (cls === RegClass.Float && parts[0].kind === 'float' && parts[0].reg >= 0) {
    defs.push(regs[0] - VREG_BASE, parts[0].reg);
    return;
  }
  // The integer bits of each part, in GPRs.
  const ints: number[] = parts.map((p, j) => {
    const r = cls === RegClass.Int ? regs[j] : L.tmp();
    if (p.reg >= 0) defs.push(r - VREG_BASE, p.reg);
    else {
      const direct = cls === RegClass.Float && p.kind === 'float';
      after.push(() => {
        if (!direct) L.emit(L.incomingArg(O.LD, r, p.stackOffset));
        else {
          const a = L.tmp();
          L.emit(L.incomingArg(O.ADDI, a, p.stackOffset));
          loadFloat(L, t, regs[0], a, 0);
        }
      });
    }
    return r;
  });
  if (cls === RegClass.Float) {
    if (parts[0].reg < 0 && parts[0].kind === 'float') return;
    after.push(() => L.emit(rri(floatFromInt(t), regs[0], ints[0], 0)));
  } else if (cls === RegClass.Vector) after.push(() => fromGprs(L, regs[0], ints));
}

/** fmv.{d,w,h}.x: the float in an integer register's low bits. */
function floatFromInt(t: Type): number {
  return t === F64 ? O.FP_D.mvFromX : t === F32 ? O.FP_S.mvFromX : O.FP_S.mvFromX;
}
function floatToInt(t: Type): number {
  return t === F64 ? O.FP_D.mvToX : O.FP_S.mvToX;
}

/**
 * The registers to pass a value of type `t` (its vregs `regs`, with VREG_BASE) in `parts`:
 * conversions emitted as needed (an FPR value in a GPR, a vector in GPRs, narrow integers
 * extended as the parameter says). Returns one register per part.
 */
function sendValue(L: RvLower, t: Type, regs: readonly number[], parts: readonly ArgPart[], p: AbiParam | null): number[] {
  const cls = classOf(t);
  if (cls === RegClass.Float) {
    if (parts[0].kind === 'float') return [regs[0]];
    const g = L.tmp();
    L.emit(rri(floatToInt(t), g, regs[0], 0));
    // An f16 in a GPR: NaN-boxing does not apply, only its 16 bits matter (fmv.x.w copies 32).
    return [g];
  }
  if (cls === RegClass.Vector) return toGprs(L, t, regs[0], parts.length);
  if (p !== null && (t === I8 || t === I16 || t === I32)) {
    if (p.extension === 'uext') return [L.zext(regs[0], t)];
    // The psABI keeps 32-bit integers sign-extended in 64-bit registers whatever their signedness.
    if (p.extension === 'sext' || t === I32) return [L.sext(regs[0], t)];
  }
  return regs.slice();
}

/** Stores part `reg` of a value of type `t` at base + off (stack arguments). */
function storePart(L: RvLower, t: Type, reg: number, base: number, off: number): void {
  const fl = classOf(t) === RegClass.Float && L.ctx.vregClass(reg - VREG_BASE) === RegClass.Float;
  if (fl) storeFloat(L, t, reg, base, off);
  else L.emit(store(O.SD, reg, base, off));
}

/** Stores a value of type `t` (registers `regs`) at base + off in a return area, as it sits in memory. */
function storeToArea(L: RvLower, t: Type, regs: readonly number[], base: number, off: number): void {
  const cls = classOf(t);
  if (cls === RegClass.Float) storeFloat(L, t, regs[0], base, off);
  else if (cls === RegClass.Vector) {
    const a = L.tmp();
    L.emit(rri(O.ADDI, a, base, off));
    L.emit(vecAccess(true, regs[0], a, t));
  } else regs.forEach((r, j) => L.emit(store(O.SD, r, base, off + 8 * j)));
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

function valueRegs(L: RvLower, v: Value): number[] {
  return L.ctx.regsOf(v).map((r) => r + VREG_BASE);
}

/** Lowers a call or a tail call (`return_call`, `return_call_indirect`). */
export function lowerCall(L: RvLower, inst: Inst, tail: boolean): void {
  const f = L.f;
  const sig: Signature | undefined = f.callSignature(inst);
  if (sig === undefined) L.unsupported('call without a signature');
  const op = f.instOpcode[inst];
  const indirect = op === CALL_INDIRECT || op === RETURN_CALL_INDIRECT;
  const args = f.instArgs(inst).slice(indirect ? 1 : 0);
  const area = needsReturnArea(sig.returns, sig.callConv);
  const assign = assignSignature(sig);
  let areaSlot = -1;
  let areaPtr = -1;
  if (area && tail) {
    if (L.retAreaPtr < 0) L.unsupported('tail call to a function returning through a return area from one that does not');
    areaPtr = L.retAreaPtr;
  } else if (area) {
    areaSlot = L.slotArea.addArea(returnAreaLayout(sig.returns).size);
    areaPtr = L.tmp();
    L.slotAddr(areaPtr, areaSlot, 0);
  }
  // Stack arguments: our outgoing area at sp, or for a tail call the top of the incoming area.
  let shift = 0;
  if (tail) {
    shift = L.argArea.retPop - assign.calleePops;
    if (shift < -L.argArea.growth || shift + assign.stackBytes > L.argArea.size - L.argArea.growth) {
      L.unsupported(`tail call from a ${f.signature.callConv} function with ${L.argArea.size} bytes of stack arguments `
        + `to a ${sig.callConv} function with ${assign.stackBytes}`);
    }
    if (assign.stackBytes > 0) L.needsFrame = true;
  } else L.outgoingBytes = Math.max(L.outgoingBytes, assign.stackBytes);
  const uses: number[] = [];
  const values: { t: Type; regs: number[]; p: AbiParam | null }[] = args.map((v, k) => ({
    t: sig.params[k].type, regs: valueRegs(L, v), p: sig.params[k],
  }));
  if (area) values.unshift({ t: I64, regs: [areaPtr], p: null });
  values.forEach(({ t, regs, p }, k) => {
    const parts = assign.params[k];
    if (parts === undefined) L.unsupported('call argument count does not match the signature');
    const sent = sendValue(L, t, regs, parts, p);
    parts.forEach((part, j) => {
      if (part.reg >= 0) uses.push(sent[j], part.reg);
      else if (tail) {
        L.needsFrame = true;
        storePart(L, t, sent[j], fp, L.argArea.growth + shift + part.stackOffset);
      } else storePart(L, t, sent[j], sp, part.stackOffset);
    });
  });
  let call: MInst;
  if (indirect) {
    const callee = L.reg(f.arg(inst, 0));
    if (tail) {
      // t1 is neither an argument register nor touched by the epilogue.
      uses.push(callee, t1);
      call = pseudo(Pseudo.TailCallInd);
      call.rs1 = t1;
    } else {
      call = pseudo(Pseudo.CallInd);
      call.rs1 = callee;
    }
  } else {
    const fr = f.funcRefs[f.instImm0[inst]];
    if (fr === undefined) L.unsupported('call through an undeclared function reference');
    call = pseudo(tail ? Pseudo.TailCall : Pseudo.Call);
    call.sym = symbolName(fr.name);
  }
  if (tail) {
    L.argArea.tailShift.set(call, shift);
    L.ctx.emit(call, { fixedUses: L.fixedPairs(uses) }, InstFlag.Ret);
    return;
  }
  L.hasCalls = true;
  // A callee-pop callee removes its stack arguments: the frame code reserves them again.
  if (assign.calleePops > 0) L.argArea.popped.set(call, assign.calleePops);
  const clobbers = callClobbers(sig.callConv);
  if (area) {
    L.emit(call, { fixedUses: L.fixedPairs(uses), clobbers });
    const { offsets } = returnAreaLayout(sig.returns);
    f.instResults(inst).forEach((v, k) => {
      const t = sig.returns[k].type;
      const regs = valueRegs(L, v);
      loadFromArea(L, t, regs, areaSlot, offsets[k]);
    });
    return;
  }
  const rets = assignReturns(sig.returns, sig.callConv);
  const defs: number[] = [];
  const defined = new Set<number>();
  const after: (() => void)[] = [];
  f.instResults(inst).forEach((v, k) => {
    const t = sig.returns[k].type;
    const regs = valueRegs(L, v);
    const cls = classOf(t);
    if (cls === RegClass.Vector) {
      const ints = rets[k].map((p) => {
        const g = L.tmp();
        defs.push(g - VREG_BASE, p.reg);
        defined.add(p.reg);
        return g;
      });
      after.push(() => fromGprs(L, regs[0], ints));
      return;
    }
    rets[k].forEach((p, j) => {
      defs.push(regs[j] - VREG_BASE, p.reg);
      defined.add(p.reg);
    });
  });
  L.emit(call, { fixedUses: L.fixedPairs(uses), fixedDefs: defs, clobbers: clobbers.filter((r) => !defined.has(r)) });
  for (const a of after) a();
}

/** Loads a value of type `t` (registers `regs`) from the return area in slot `areaSlot` at `off`. */
function loadFromArea(L: RvLower, t: Type, regs: readonly number[], areaSlot: number, off: number): void {
  const cls = classOf(t);
  if (cls === RegClass.Float) {
    const a = L.tmp();
    L.slotAddr(a, areaSlot, off);
    loadFloat(L, t, regs[0], a, 0);
  } else if (cls === RegClass.Vector) {
    const a = L.tmp();
    L.slotAddr(a, areaSlot, off);
    L.emit(vecAccess(false, regs[0], a, t));
  } else regs.forEach((r, j) => L.emit(L.slotInst(load(O.LD, r, sp, 0), areaSlot, off + 8 * j)));
}


