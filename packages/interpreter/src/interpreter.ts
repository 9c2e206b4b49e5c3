// The interpreter loop: blocks, branches, calls (direct, indirect, tail, try_call) and traps.
// Value semantics live in handlers.ts, loads and stores in memops.ts, frames and addresses in
// frame.ts; to the loop they are all plain handlers.
//
//   interpret(func, args, env)
//     └─ execute ── per instruction: fuel -1, then
//          ├─ HANDLERS[opcode]            plain data-flow instruction
//          └─ switch on control opcodes   jump / brif / br_table / return / calls / traps
//
// Calls push the caller on an explicit frame stack (no JS recursion per call), so the depth of
// interpreted recursion is the `maxDepth` option's to decide, not the host's stack size.

import {
  type Function, type Inst, type Block, type Value as IrValue, Format, OPCODES, trapCodeName, TRAP_STK_OVF,
  blockArgKind, blockArgIndex, externalNameToString,
} from '@windlass/ir';
import { type Value, type Scalar, TrapSignal, UnsupportedError, toBig } from './value';
import { HANDLERS, type Handler, argv } from './handlers';
import { loadHandler, storeHandler } from './memops';
import { Exec, ThrowSignal, type Libcall, type AddressTarget } from './exec';
import { FRAME_HANDLERS, type FrameLayout, frameLayout, enterFrame, resolveName, addressTarget } from './frame';
import { DEFAULT_LIBCALLS } from './libcalls';

export interface InterpreterEnv {
  /** Functions reachable by `call %name` / `func_addr`, by name without `%` (usually the whole file). */
  functions?: ReadonlyMap<string, Function>;
  /** Host functions by name; merged over the built-in libcalls (`CeilF32`, `FmaF64`, ...). */
  libcalls?: Readonly<Record<string, Libcall>>;
  /** Instructions executed before giving up with `out-of-fuel` (default 50 million). */
  fuel?: number;
  /** Call depth (frames, tail calls reusing theirs) past which a call traps `stk_ovf` (default 100000). */
  maxDepth?: number;
  /** Native byte order for memory accesses without `little`/`big` (default little-endian). */
  bigEndian?: boolean;
}

export type InterpretResult = (
  | { kind: 'return'; values: Value[] }
  | { kind: 'trap'; trap: number; trapName: string }
  | { kind: 'out-of-fuel'; message: string }
  | { kind: 'error'; message: string }
) & {
  /** Instructions executed. */
  fuelUsed: number;
};

class OutOfFuel {}



/**
 * Run `func` on `args` (one value per signature parameter). Whatever the program does (trap,
 * run out of fuel, use an unsupported feature) is a result, never an exception; only invalid
 * options throw, a `RangeError` naming the option.
 */
export function interpret(func: Function, args: readonly Value[], env: InterpreterEnv = {}): InterpretResult {
  const functions = env.functions ?? new Map([[functionName(func), func]]);
  const fuel = wholeNumber('fuel', env.fuel, 50_000_000, 0);
  const maxDepth = wholeNumber('maxDepth', env.maxDepth, 100_000, 1);
  const libcalls = env.libcalls ? { ...DEFAULT_LIBCALLS, ...env.libcalls } : DEFAULT_LIBCALLS;
  const x = new Exec(functions, libcalls, fuel, maxDepth, env.bigEndian ?? false);
  const r = run(x, func, args);
  return { ...r, fuelUsed: fuel - Math.max(0, x.fuel) } as InterpretResult;
}

/** A limit option: a whole number (a NaN, infinite or fractional limit would be no limit). */
function wholeNumber(name: string, v: number | undefined, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  if (!Number.isSafeInteger(v) || v < min) throw new RangeError(`interpret: ${name} must be a whole number >= ${min}, got ${String(v)}`);
  return v;
}

type Outcome = InterpretResult extends infer T ? (T extends unknown ? Omit<T, 'fuelUsed'> : never) : never;

function run(x: Exec, func: Function, args: readonly Value[]): Outcome {
  try {
    const params = func.signature.params;
    if (args.length !== params.length) {
      return { kind: 'error', message: `${functionName(func)} takes ${params.length} argument(s), got ${args.length}` };
    }
    return { kind: 'return', values: execute(x, func, args.slice()) };
  } catch (e) {
    if (e instanceof TrapSignal) return { kind: 'trap', trap: e.code, trapName: trapCodeName(e.code) };
    if (e instanceof ThrowSignal) return { kind: 'error', message: `uncaught exception with tag ${e.tag}` };
    if (e instanceof OutOfFuel) return { kind: 'out-of-fuel', message: 'out of fuel: the program ran longer than the fuel limit' };
    if (e instanceof UnsupportedError) return { kind: 'error', message: e.message };
    if (e instanceof RangeError && /call stack/i.test(e.message)) return { kind: 'trap', trap: TRAP_STK_OVF, trapName: 'stk_ovf' };
    return { kind: 'error', message: `internal interpreter error: ${e instanceof Error ? e.message : String(e)}` };
  }
}

export function functionName(f: Function): string {
  return f.name.kind === 'testcase' ? f.name.name : externalNameToString(f.name);
}

// ------------------------------------------------------------------ opcode dispatch

const enum K {
  Plain, Jump, Brif, BrTable, Return, Call, CallIndirect, ReturnCall, ReturnCallIndirect, TryCall, TryCallIndirect,
  Trap, Trapz, Trapnz, Unsupported,
}

const KIND: K[] = [];
const PLAIN: (Handler | undefined)[] = [];
for (let op = 0; op < OPCODES.length; op++) {
  const info = OPCODES[op];
  const special: Record<string, K> = {
    jump: K.Jump, brif: K.Brif, br_table: K.BrTable, return: K.Return, call: K.Call, call_indirect: K.CallIndirect,
    return_call: K.ReturnCall, return_call_indirect: K.ReturnCallIndirect, try_call: K.TryCall,
    try_call_indirect: K.TryCallIndirect, trap: K.Trap, trapz: K.Trapz, trapnz: K.Trapnz,
  };
  const k = special[info.name];
  const plain = HANDLERS[info.name] ?? FRAME_HANDLERS[info.name];
  if (k !== undefined) {
    KIND[op] = k;
  } else if (plain) {
    KIND[op] = K.Plain;
    PLAIN[op] = plain;
  } else if (info.format === Format.Load) {
    KIND[op] = K.Plain;
    PLAIN[op] = loadHandler(info.name);
  } else if (info.format === Format.Store) {
    KIND[op] = K.Plain;
    PLAIN[op] = storeHandler(info.name);
  } else {
    KIND[op] = K.Unsupported;
  }
}

/** Names of the opcodes of the instruction set the interpreter cannot run. */
export function unsupportedOpcodes(): string[] {
  return OPCODES.filter((_, op) => KIND[op] === K.Unsupported).map((info) => info.name);
}

// ------------------------------------------------------------------ the loop

/**
 * Values (registers) all live frames may hold together: a bound on the interpreter's memory
 * that, like a machine stack's size, ends deep recursion of large functions with `stk_ovf`.
 */
const MAX_LIVE_VALUES = 1 << 22;

/** A caller waiting for a call to return: its state, and the call instruction it waits on. */
interface Frame {
  f: Function;
  regs: Value[];
  layout: FrameLayout;
  frameBase: number;
  /** Memory top before the frame was allocated: the frame's memory is released to it. */
  mark: number;
  /** `call`, `call_indirect`, `try_call` or `try_call_indirect`. */
  inst: Inst;
}

/** Registers and a stack frame for `f`, its entry block entered with `args`. */
function enterFunction(x: Exec, f: Function, args: readonly Value[]): Value[] {
  const regs: Value[] = new Array(f.valueCount);
  x.regs = regs;
  enterFrame(x, frameLayout(f));
  const entry = f.firstBlock;
  if (entry < 0) throw new UnsupportedError(`function ${functionName(f)} has no blocks`);
  enterBlock(f, regs, entry as Block, args);
  return regs;
}

/**
 * Runs `func` to its return. Calls between interpreted functions push a `Frame` on an explicit
 * stack rather than recursing in JS, so the call depth is bounded by `maxDepth` (and by
 * `MAX_LIVE_VALUES`), both reported as a `stk_ovf` trap, never by the host's stack.
 */
function execute(x: Exec, func: Function, args: Value[]): Value[] {
  const callers: Frame[] = [];
  let f = func;
  let mark = x.memory.top;
  if (++x.depth > x.maxDepth) throw new TrapSignal(TRAP_STK_OVF);
  let live = f.valueCount;
  let regs = enterFunction(x, f, args);
  let layout = x.layout;
  let frame = x.frameBase;
  let block = f.firstBlock as Block;
  let i = f.blockFirstInst[block] as Inst;
  for (;;) {
    try {
      for (;;) {
        if (i < 0) throw new UnsupportedError(`block${block} of ${functionName(f)} falls through without a terminator`);
        if (--x.fuel < 0) throw new OutOfFuel();
        const op = f.instOpcode[i];
        const kind = KIND[op];
        if (kind === K.Plain) {
          PLAIN[op]!(x, f, i);
          i = f.instNext[i] as Inst;
          continue;
        }
        let next: Block | -1 = -1;
        // Set when the function returns (`return`, or a tail call of a libcall).
        let ret: Value[] | null = null;
        switch (kind) {
          case K.Jump:
            next = takeBlockCall(x, f, f.instImm0[i], null);
            break;
          case K.Brif:
            next = takeBlockCall(x, f, truthy(argv(x, f, i, 0)) ? f.instImm0[i] : f.instImm1[i], null);
            break;
          case K.BrTable: {
            const jt = f.jumpTables[f.instImm0[i]];
            const idx = toBig(argv(x, f, i, 0) as Scalar);
            next = takeBlockCall(x, f, idx < BigInt(jt.entries.length) ? jt.entries[Number(idx)] : jt.defaultCall, null);
            break;
          }
          case K.Return:
            ret = allArgs(x, f, i, 0);
            break;
          case K.Call:
          case K.ReturnCall:
          case K.CallIndirect:
          case K.ReturnCallIndirect:
          case K.TryCall:
          case K.TryCallIndirect: {
            const indirect = kind === K.CallIndirect || kind === K.ReturnCallIndirect || kind === K.TryCallIndirect;
            const target = indirect ? addressTarget(x, argv(x, f, i, 0)) : callTarget(x, f, i);
            const callArgs = allArgs(x, f, i, indirect ? 1 : 0);
            const tail = kind === K.ReturnCall || kind === K.ReturnCallIndirect;
            if (target.kind === 'libcall') {
              // A host function runs to completion here; a throw from it unwinds below.
              const results = x.libcalls[target.name](callArgs, x);
              if (tail) {
                ret = results;
                break;
              }
              restoreFrame(x, regs, layout, frame);
              if (kind === K.TryCall || kind === K.TryCallIndirect) next = takeBlockCall(x, f, exceptionTable(f, i, kind).normalReturn, results);
              else {
                setResults(f, regs, i, results);
                i = f.instNext[i] as Inst;
                continue;
              }
              break;
            }
            const callee = target.func;
            if (callArgs.length !== callee.signature.params.length) {
              throw new UnsupportedError(`call to ${functionName(callee)} with ${callArgs.length} argument(s), it takes ${callee.signature.params.length}`);
            }
            if (tail) {
              // The callee replaces this function: same depth, its frame where this one was.
              x.memory.release(mark);
              live += callee.valueCount - f.valueCount;
            } else {
              if (++x.depth > x.maxDepth) throw new TrapSignal(TRAP_STK_OVF);
              live += callee.valueCount;
              callers.push({ f, regs, layout, frameBase: frame, mark, inst: i });
              mark = x.memory.top;
            }
            if (live > MAX_LIVE_VALUES) throw new TrapSignal(TRAP_STK_OVF);
            f = callee;
            regs = enterFunction(x, f, callArgs);
            layout = x.layout;
            frame = x.frameBase;
            block = f.firstBlock as Block;
            i = f.blockFirstInst[block] as Inst;
            continue;
          }
          case K.Trap:
            throw new TrapSignal(f.instImm0[i]);
          case K.Trapz:
            if (!truthy(argv(x, f, i, 0))) throw new TrapSignal(f.instImm0[i]);
            break;
          case K.Trapnz:
            if (truthy(argv(x, f, i, 0))) throw new TrapSignal(f.instImm0[i]);
            break;
          default:
            throw new UnsupportedError(`the interpreter does not implement '${OPCODES[op].name}'`, `${functionName(f)}: inst${i}`);
        }
        if (ret !== null) {
          // Return to the caller waiting on the call instruction `i`.
          x.memory.release(mark);
          x.depth--;
          const c = callers.pop();
          if (c === undefined) return ret;
          live -= f.valueCount;
          f = c.f;
          regs = c.regs;
          layout = c.layout;
          frame = c.frameBase;
          mark = c.mark;
          i = c.inst;
          restoreFrame(x, regs, layout, frame);
          const ck = KIND[f.instOpcode[i]];
          if (ck === K.TryCall || ck === K.TryCallIndirect) next = takeBlockCall(x, f, exceptionTable(f, i, ck).normalReturn, ret);
          else {
            setResults(f, regs, i, ret);
            i = f.instNext[i] as Inst;
            continue;
          }
        }
        if (next !== -1) {
          block = next;
          i = f.blockFirstInst[block] as Inst;
        } else i = f.instNext[i] as Inst;
      }
    } catch (e) {
      if (!(e instanceof ThrowSignal)) throw e;
      // An exception from a libcall: the innermost try_call with a handler for its tag takes
      // it; every frame in between returns without results.
      for (;;) {
        const k = KIND[f.instOpcode[i]];
        const handler = k === K.TryCall || k === K.TryCallIndirect
          ? exceptionTable(f, i, k).items.find((it) => (it.kind === 'tag' && it.tag === e.tag) || it.kind === 'default')
          : undefined;
        if (handler !== undefined && handler.kind !== 'context') {
          restoreFrame(x, regs, layout, frame);
          block = takeBlockCall(x, f, handler.call, null, e.payload);
          i = f.blockFirstInst[block] as Inst;
          break;
        }
        x.memory.release(mark);
        x.depth--;
        const c = callers.pop();
        if (c === undefined) throw e;
        live -= f.valueCount;
        f = c.f;
        regs = c.regs;
        layout = c.layout;
        frame = c.frameBase;
        mark = c.mark;
        i = c.inst;
      }
    }
  }
}

/** The exception table of a `try_call` / `try_call_indirect`. */
function exceptionTable(f: Function, i: Inst, kind: K): Function['exceptionTables'][number] {
  return f.exceptionTables[kind === K.TryCallIndirect ? f.instImm0[i] : f.instImm1[i]];
}

function restoreFrame(x: Exec, regs: Value[], layout: FrameLayout, frame: number): void {
  x.regs = regs;
  x.layout = layout;
  x.canon = layout.canon;
  x.frameBase = frame;
}

function truthy(v: Value): boolean {
  if (v instanceof Uint8Array) return v.some((b) => b !== 0);
  return v !== 0 && v !== 0n;
}

function allArgs(x: Exec, f: Function, i: Inst, from: number): Value[] {
  const n = f.instArgLen[i];
  const out = new Array<Value>(n - from);
  for (let k = from; k < n; k++) out[k - from] = argv(x, f, i, k);
  return out;
}

function setResults(f: Function, regs: Value[], i: Inst, results: Value[]): void {
  const off = f.instResOff[i];
  const n = f.instResLen[i];
  if (results.length < n) throw new UnsupportedError(`call returned ${results.length} value(s), expected ${n}`);
  for (let k = 0; k < n; k++) regs[f.pool[off + k]] = results[k];
}

function enterBlock(f: Function, regs: Value[], b: Block, args: readonly Value[]): void {
  const params = f.blockParams[b] as readonly IrValue[];
  if (params.length !== args.length) {
    throw new UnsupportedError(`block${b} of ${functionName(f)} takes ${params.length} argument(s), got ${args.length}`);
  }
  for (let k = 0; k < params.length; k++) regs[params[k]] = args[k];
}

/** Evaluate a block call's arguments (all before assigning: they may read the params they overwrite). */
function takeBlockCall(x: Exec, f: Function, bc: number, results: Value[] | null, payload: Value[] | null = null): Block {
  const off = f.bcArgOff[bc];
  const n = f.bcArgLen[bc];
  const vals = new Array<Value>(n);
  for (let k = 0; k < n; k++) {
    const a = f.pool[off + k];
    const kind = blockArgKind(a);
    if (kind === 'value') vals[k] = x.regs[x.canon[a]];
    else if (kind === 'ret' && results) vals[k] = results[blockArgIndex(a)];
    else if (kind === 'exn' && payload) vals[k] = payload[blockArgIndex(a)];
    else throw new UnsupportedError(`block argument ${kind}${blockArgIndex(a)} outside a try_call ${kind === 'ret' ? 'normal return' : 'handler'}`);
  }
  const b = f.bcBlock[bc] as Block;
  enterBlock(f, x.regs, b, vals);
  return b;
}

// ------------------------------------------------------------------ calls

function callTarget(x: Exec, f: Function, i: Inst): AddressTarget {
  const ref = f.funcRefs[f.instImm0[i]];
  if (!ref) throw new UnsupportedError(`call through an undeclared function reference`);
  return resolveName(x, ref.name.kind === 'testcase' ? ref.name.name : externalNameToString(ref.name));
}
