/**
 * Which translated functions can run without the wasm runtime: decided from the IR, not from
 * the module's declarations. A function is pure when its IR
 *  - uses its `vmctx` parameter only as the `vmctx` argument of direct calls (`call`,
 *    `return_call`) to functions defined in the same module, which are pure too;
 *  - calls nothing else (no `call_indirect`, no libcalls, no imported functions) and reads no
 *    global value, symbol, function address or pinned register.
 * Memories, tables, globals and `ref.func` are all reached through the `vmctx` in the standard
 * environment, so a pure function touches none of them: it is a function of its arguments.
 * One exception: a `notrap` load from the vmctx whose result nothing uses (the standard
 * environment loads the memory record in every entry block of a module with a memory). It has
 * no effect, but the backend may still emit it: callers pass a readable, zeroed vmctx.
 */
import {
  CALL,
  CALL_INDIRECT,
  FUNC_ADDR,
  LOAD,
  GET_PINNED_REG,
  GLOBAL_VALUE,
  RETURN_CALL,
  RETURN_CALL_INDIRECT,
  SET_PINNED_REG,
  STACK_SWITCH,
  SYMBOL_VALUE,
  TLS_VALUE,
  TRY_CALL,
  TRY_CALL_INDIRECT,
  memNoTrap,
  opcodeName,
  type Function as IrFunction,
  type Inst,
  type Value,
} from '@windlass/ir';
import { VmctxLayout } from '@windlass/linker';
import type { Module } from '@windlass/wasm-frontend';

export interface FunctionPurity {
  pure: boolean;
  /** Why not (the first need found, in a few words). */
  reason?: string;
  /** Defined-function indices this one may call directly (itself and callees, transitively). */
  reaches: Set<number>;
}

const RUNTIME_OPS = new Set<number>([
  CALL_INDIRECT, RETURN_CALL_INDIRECT, TRY_CALL, TRY_CALL_INDIRECT, FUNC_ADDR, GLOBAL_VALUE, SYMBOL_VALUE, TLS_VALUE,
  GET_PINNED_REG, SET_PINNED_REG, STACK_SWITCH,
]);

/** What a load from the vmctx at `offset` reads, by the standard environment's layout. */
function vmctxField(layout: VmctxLayout, offset: number): string {
  if (offset < layout.tables) return 'memory';
  if (offset < layout.globals) return 'table';
  if (offset < layout.sigIds) return 'globals';
  if (offset < layout.funcRefs) return 'signature ids';
  return 'function references (imports, ref.func)';
}

/** The direct callees of `f` and, when it is not pure by itself, why. */
function localPurity(m: Module, layout: VmctxLayout, f: IrFunction, namespace: number): { callees: Set<number>; reason?: string } {
  const callees = new Set<number>();
  if (f.globalValues.some((g) => g !== undefined)) return { callees, reason: 'global values' };
  if (f.stackLimit !== -1) return { callees, reason: 'stack limit' };
  const entry = f.entryBlock();
  if (entry === -1) return { callees };
  const params = f.blockParamsOf(entry);
  const vmctxIndex = f.signature.params.findIndex((p) => p.purpose === 'vmctx');
  const vmctx = vmctxIndex >= 0 ? params[vmctxIndex] : -1;
  const used = new Set<number>();
  for (const b of f.blocks()) {
    for (let i = f.firstInst(b); i !== -1; i = f.nextInst(i as Inst)) {
      for (const a of f.instArgs(i as Inst)) used.add(f.resolveAliases(a));
      for (const bc of f.branchDestinations(i as Inst)) for (const a of f.blockCallArgs(bc)) if (a >= 0) used.add(f.resolveAliases(a as Value));
    }
  }
  for (const b of f.blocks()) {
    for (let i = f.firstInst(b); i !== -1; i = f.nextInst(i as Inst)) {
      const inst = i as Inst;
      const op = f.opcode(inst);
      if (RUNTIME_OPS.has(op)) return { callees, reason: opcodeName(op) };
      const direct = op === CALL || op === RETURN_CALL;
      if (direct) {
        const ref = f.funcRefs[f.instImm0[inst]];
        const n = ref?.name;
        if (!n || n.kind !== 'user' || n.namespace !== namespace) return { callees, reason: `libcall ${n && n.kind === 'testcase' ? n.name : '?'}` };
        if (n.index < m.numImportedFuncs) return { callees, reason: 'imported function call' };
        callees.add(n.index - m.numImportedFuncs);
      }
      const args = f.instArgs(inst);
      if (op === LOAD && memNoTrap(f.instImm0[inst]) && f.instResults(inst).every((r) => !used.has(r))) continue;
      for (let k = 0; k < args.length; k++) {
        if (f.resolveAliases(args[k]) !== vmctx) continue;
        if (direct && k === 0) continue;
        if (op === LOAD && k === 0) return { callees, reason: vmctxField(layout, f.instImm1[inst]) };
        return { callees, reason: `vmctx use: ${opcodeName(op)}` };
      }
      // Branch arguments can carry the vmctx elsewhere: not pure either.
      for (const bc of f.branchDestinations(inst)) {
        for (const a of f.blockCallArgs(bc)) if (a >= 0 && f.resolveAliases(a as Value) === vmctx) return { callees, reason: 'vmctx use: block argument' };
      }
    }
  }
  return { callees };
}

/** Purity of every defined function of `m` (`functions[i]` translates body i). */
export function analyzeModule(m: Module, functions: readonly IrFunction[], namespace: number): FunctionPurity[] {
  const layout = new VmctxLayout(m);
  const local = functions.map((f) => localPurity(m, layout, f, namespace));
  const out: FunctionPurity[] = local.map((l, i) => ({ pure: l.reason === undefined, reason: l.reason, reaches: new Set([i]) }));
  // Reachability, then impurity flows from callees to callers.
  for (let i = 0; i < out.length; i++) {
    const stack = [i];
    while (stack.length) {
      const j = stack.pop()!;
      for (const c of local[j].callees) {
        if (out[i].reaches.has(c)) continue;
        out[i].reaches.add(c);
        stack.push(c);
      }
    }
  }
  for (const p of out) {
    if (!p.pure) continue;
    for (const c of p.reaches) {
      if (!local[c].reason) continue;
      p.pure = false;
      p.reason = `${local[c].reason} in a callee`;
      break;
    }
  }
  return out;
}
