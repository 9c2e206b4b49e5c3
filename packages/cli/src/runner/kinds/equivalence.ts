// Whether two functions compute the same thing under the interpreter, on generated arguments:
// edge values of every integer type (0, 1, -1, min, max, small and random ones), a few floats
// and vectors. Functions that touch memory run inside a generated wrapper: a 1 KiB stack slot
// filled with words that point back into it (so loaded pointers can be followed), every i64
// parameter pointing into the slot (the same or different places, so both aliasing and
// non-aliasing cases run), and a checksum of the slot's bytes after the call returned with the
// results. Called functions the file does not define become stubs that write through their
// pointer arguments and return constants, so a call stays an observable effect.
//
// Equal means: the same results (bit for bit), the same trap, or both out of fuel. A function
// no run could execute (every run an interpreter error on both sides) is not checkable: that
// is reported, never counted as equal.

import { type Function, type Type, OPCODES, NONE, F32, I64, parseFunction, printFunction, bits, isFloat, isVector, typeName } from '@windlass/ir';
import { interpret, parseValue, valuesEqual, formatValue, functionName, type Value, type InterpretResult } from '@windlass/interpreter';

const SLOT = 1024;

/** A small deterministic PRNG (xorshift32), so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function literals(t: Type, rand: () => number): string[] {
  if (isVector(t)) return ['[0 0]', '[1 -1]', '[0x8000000000000000 7]'].filter((l) => ok(l, t));
  if (isFloat(t)) return ['0.0', '-0.0', '1.5', '-2.0', '+Inf', 'NaN'];
  const w = bits(t);
  const min = 1n << BigInt(w - 1);
  const r = () => BigInt.asUintN(w, (BigInt(rand()) << 32n) | BigInt(rand()));
  return ['0', '1', '-1', `0x${min.toString(16)}`, `0x${(min - 1n).toString(16)}`, '2', '7', '31', '64', `0x${r().toString(16)}`, `0x${r().toString(16)}`];
}

function ok(lit: string, t: Type): boolean {
  try {
    parseValue(lit, t);
    return true;
  } catch {
    return false;
  }
}

function usesMemory(f: Function): boolean {
  for (let b: number = f.firstBlock; b !== NONE; b = f.blockNext[b]) {
    for (let i = f.blockFirstInst[b]; i !== NONE; i = f.instNext[i]) {
      const info = OPCODES[f.instOpcode[i]];
      if (info.canLoad || info.canStore || info.isCall) return true;
    }
  }
  return false;
}

/** The `(params) -> returns conv` part of a function's header. */
function signatureText(f: Function): { name: string; sig: string } {
  const head = printFunction(f).split('\n')[0];
  const open = head.indexOf('(');
  return { name: head.slice('function '.length, open), sig: head.slice(open, head.lastIndexOf(' {')) };
}

/** Stubs for the functions `f` calls that `functions` lacks. */
function stubs(f: Function, functions: Map<string, Function>): void {
  for (const ext of f.funcRefs) {
    if (!ext) continue;
    const sig = f.sigRefs[ext.signature];
    const name = ext.name.kind === 'testcase' ? ext.name.name : undefined;
    if (!name || functions.has(name) || !sig) continue;
    const params = sig.params.map((p, k) => `v${k}: ${typeName(p.type)}`);
    const body: string[] = [];
    let n = sig.params.length;
    sig.params.forEach((p, k) => {
      if (p.type !== I64) return;
      body.push(`    v${n} = iadd_imm v${k}, 24`, `    store.i64 v${n}, v${k}+8`);
      n++;
    });
    const rets = sig.returns.map((r, k) => {
      const t = typeName(r.type);
      if (isVector(r.type)) body.push(`    v${n} = vconst.${t} 0x${'5a'.repeat(bits(r.type) / 8)}`);
      else if (isFloat(r.type)) body.push(`    v${n} = ${r.type === F32 ? 'f32const' : 'f64const'} 0x1.8p${k}`);
      else body.push(`    v${n} = iconst.${t} ${37 + k}`);
      return `v${n++}`;
    });
    const text = `function %${name}(${sig.params.map((p) => typeName(p.type)).join(', ')})${sig.returns.length ? ` -> ${sig.returns.map((r) => typeName(r.type)).join(', ')}` : ''} {\nblock0(${params.join(', ')}):\n${body.join('\n')}\n    return ${rets.join(', ')}\n}\n`;
    try {
      functions.set(name, parseFunction(text, `stub of %${name}`));
    } catch {
      // A signature the stub cannot express: the call stays an interpreter error.
    }
  }
}

/** A wrapper running `callee` on the slot (see the file comment): parameters are the non-pointer ones. */
function wrapper(callee: Function, pointerOffsets: number[]): Function | undefined {
  const { name, sig } = signatureText(callee);
  const params = callee.signature.params;
  const rets = callee.signature.returns;
  const lines: string[] = [];
  let n = 0;
  const v = (): string => `v${n++}`;
  const outer: string[] = [];
  const outerTypes: string[] = [];
  params.forEach((p) => {
    if (p.type === I64) return;
    const x = v();
    outer.push(`${x}: ${typeName(p.type)}`);
    outerTypes.push(typeName(p.type));
  });
  const base = v();
  lines.push(`    ${base} = stack_addr.i64 ss0`);
  // Word k points at (k * 40 + 8) mod SLOT inside the slot.
  for (let k = 0; k < SLOT / 8; k++) {
    const p = v();
    lines.push(`    ${p} = iadd_imm ${base}, ${(k * 40 + 8) % SLOT}`, `    store.i64 ${p}, ${base}+${k * 8}`);
  }
  let outerK = 0;
  let ptrK = 0;
  const args = params.map((p) => {
    if (p.type !== I64) return `v${outerK++}`;
    const a = v();
    lines.push(`    ${a} = iadd_imm ${base}, ${pointerOffsets[ptrK++ % pointerOffsets.length]}`);
    return a;
  });
  const results = rets.map(() => v());
  lines.push(`    ${results.length ? `${results.join(', ')} = ` : ''}call fn0(${args.join(', ')})`);
  let sum = v();
  lines.push(`    ${sum} = iconst.i64 0`);
  for (let k = 0; k < SLOT / 8; k++) {
    const w = v();
    const m = v();
    const s = v();
    lines.push(`    ${w} = load.i64 ${base}+${k * 8}`, `    ${m} = imul_imm ${sum}, 31`, `    ${s} = bxor ${m}, ${w}`);
    sum = s;
  }
  lines.push(`    return ${[...results, sum].join(', ')}`);
  const retTypes = [...rets.map((r) => typeName(r.type)), 'i64'];
  const text = [
    `function %wl_equivalence_wrapper(${outerTypes.join(', ')}) -> ${retTypes.join(', ')} {`,
    `    ss0 = explicit_slot ${SLOT}, align = 16`,
    `    fn0 = ${name}${sig}`,
    `block0(${outer.join(', ')}):`,
    ...lines,
    '}',
  ].join('\n');
  try {
    return parseFunction(text, 'equivalence wrapper');
  } catch {
    return undefined;
  }
}

function same(a: InterpretResult, b: InterpretResult): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'return' && b.kind === 'return') return a.values.length === b.values.length && a.values.every((v, k) => valuesEqual(v, b.values[k]));
  if (a.kind === 'trap' && b.kind === 'trap') return a.trap === b.trap;
  return true;
}

function describe(r: InterpretResult, types: readonly Type[]): string {
  if (r.kind === 'return') return `returned ${r.values.map((v, k) => (types[k] !== undefined ? formatValue(v, types[k]) : String(v))).join(', ')}`;
  if (r.kind === 'trap') return `trapped (${r.trapName})`;
  return r.message;
}

/**
 * Null when `g` computes what `f` computes on every generated input, else what differs.
 * `functions`: the file's functions by name (what calls reach).
 */
export function checkEquivalent(f: Function, g: Function, functions: ReadonlyMap<string, Function>, runs = 48): string | null {
  const rand = rng(0x5eed);
  const fns = new Map(functions);
  stubs(f, fns);
  const memory = usesMemory(f) || usesMemory(g);
  const params = f.signature.params.filter((p) => !memory || p.type !== I64);
  const lists = params.map((p) => literals(p.type, rand).map((l) => parseValue(l, p.type)));
  const layouts = memory ? [[256], [256, 512], [256, 264, 512, 768], [8, 256]] : [[]];
  let executed = 0;
  let lastError = '';
  const fuel = 200_000;
  for (const offsets of layouts) {
    let runF: (args: Value[]) => InterpretResult = (args) => interpret(f, args, { functions: fns, fuel });
    let runG: (args: Value[]) => InterpretResult = (args) => interpret(g, args, { functions: fns, fuel });
    if (memory) {
      const wf = wrapper(f, offsets);
      if (!wf) return 'not checkable under the interpreter: no memory wrapper for this signature';
      const name = functionName(f);
      const withF = new Map(fns).set(name, f);
      const withG = new Map(fns).set(name, g);
      runF = (args) => interpret(wf, args, { functions: withF, fuel });
      runG = (args) => interpret(wf, args, { functions: withG, fuel });
    }
    const total = lists.reduce((k, l) => k * l.length, 1);
    const count = Math.min(runs, total);
    for (let k = 0; k < count; k++) {
      let r = k;
      const args = total <= runs ? lists.map((l) => { const x = l[r % l.length]; r = Math.floor(r / l.length); return x; }) : lists.map((l) => l[rand() % l.length]);
      const a = runF(args);
      const b = runG(args);
      if (a.kind === 'error' && b.kind === 'error') {
        lastError = a.message;
        continue;
      }
      executed++;
      if (!same(a, b)) {
        const shown = args.map((x, j) => formatValue(x, params[j].type)).join(', ');
        const types = f.signature.returns.map((p) => p.type);
        return `differs from the input on (${shown}${memory ? `; pointers at slot+${offsets.join('/')}` : ''}): input ${describe(a, types)}, optimized ${describe(b, types)}`;
      }
    }
  }
  return executed > 0 ? null : `not checkable under the interpreter: ${lastError}`;
}
