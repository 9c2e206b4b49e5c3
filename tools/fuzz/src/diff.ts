// Differential fuzzing for silently wrong code: verified (optionally IR-mutated) corpus functions
// run on the interpreter with edge-case arguments, then as machine code for a target line: the
// filetest runner's execution backend for it (x86_64 natively, the other ISAs through the cross
// runner under qemu-user) compiles one ELF object and one C driver per batch. A different
// result, or a trap on one side only, is a finding.
import { functionName, interpret, type Value } from '@windlass/interpreter';
import {
  F32, F64, I128, I16, I32, I64, I8, bytes, isVector, laneType, parseClif, verifyFunction, type ClifFile, type Function, type Type,
} from '@windlass/ir';

// The native runner lives in packages/cli, which its owner edits concurrently: loaded at run time
// through the smallest interface this file needs, so its type errors never break this package.
interface RunCase {
  line: number;
  text: string;
  callee: Function;
  args: Value[];
  cmp: '==' | '!=' | null;
  expected: Value[] | null;
}
type Target = { isa: string; flags: string[] };
interface Backend {
  compileAndRun(file: ClifFile, functions: readonly Function[], cases: readonly RunCase[], target: Target): Promise<{ status: string; message?: string }[]> | { status: string; message?: string }[];
}
const NATIVE_BACKENDS = '../../../packages/cli/src/native/index';
const RUNNER_BACKENDS = '../../../packages/cli/src/runner/backend';
/** ISAs whose memory is big-endian (the interpreter must agree on native loads and stores). */
const BIG_ENDIAN = new Set(['s390x']);
/** The filetest runner's execution backend for `target`: x86_64 natively, the other ISAs through the cross runner under qemu-user. */
async function backendFor(target: Target): Promise<Backend> {
  const native = (await import(/* @vite-ignore */ NATIVE_BACKENDS)) as { registerNativeBackends(): void };
  native.registerNativeBackends();
  const runner = (await import(/* @vite-ignore */ RUNNER_BACKENDS)) as { backendFor(t: Target): Backend | string };
  const b = runner.backendFor(target);
  if (typeof b === 'string') throw new Error(`no execution backend for ${[target.isa, ...target.flags].join(' ')}: ${b}`);
  return b;
}
import { mutateIr, someOf, zeroOf, type Finding } from './clif';
import type { Rng } from './rng';

const SCALARS = new Set<Type>([I8, I16, I32, I64, F32, F64]);
/** ISAs whose cross-runner driver also passes i128 and 128-bit vectors. */
const WIDE_VALUES = new Set(['s390x']);

/** Functions the native driver can call: scalar parameters and results (and wider ones where the driver passes them), no calls. */
export function diffable(f: Function, isa = 'x86_64'): boolean {
  const ok = (t: Type): boolean => SCALARS.has(t) || (WIDE_VALUES.has(isa) && (t === I128 || (isVector(t) && bytes(t) === 16)));
  return f.funcRefs.length === 0 && f.sigRefs.length === 0 && f.signature.returns.length > 0
    && [...f.signature.params, ...f.signature.returns].every((p) => ok(p.type) && p.purpose === 'normal');
}

function isNaNBits(v: Value, t: Type): boolean {
  if (t === F32 && typeof v === 'number') return (v & 0x7f800000) === 0x7f800000 && (v & 0x7fffff) !== 0;
  if (t === F64 && typeof v === 'bigint') return (v & 0x7ff0000000000000n) === 0x7ff0000000000000n && (v & 0xfffffffffffffn) !== 0n;
  if (v instanceof Uint8Array && (laneType(t) === F32 || laneType(t) === F64)) {
    // A vector of floats: any NaN lane (lanes little-endian in the interpreter's bytes).
    const w = laneType(t) === F32 ? 4 : 8;
    const dv = new DataView(v.buffer, v.byteOffset, v.byteLength);
    for (let k = 0; k + w <= v.length; k += w) {
      if (w === 4 ? Number.isNaN(dv.getFloat32(k, true)) : Number.isNaN(dv.getFloat64(k, true))) return true;
    }
  }
  return false;
}

export interface DiffCounts {
  functions: number;
  cases: number;
  skipped: number;
}

/**
 * One batch: `n` functions drawn from `seeds` (CLIF texts), each mutated as IR with probability
 * `mutate` (kept only if it still verifies), renamed, and run on both sides with `argsPer`
 * argument sets; the machine code is compiled for `targetLine` (`x86_64`, `s390x`,
 * `riscv64 has_v has_c`, ...) with the shared `settings` (`opt_level=speed`: the mid-end runs too).
 */
export async function diffBatch(
  seeds: readonly string[], rng: Rng, n: number, counts: DiffCounts, mutate = 0.5, argsPer = 3, targetLine = 'x86_64',
  settings: readonly string[] = [],
): Promise<Finding[]> {
  const [isa, ...flags] = targetLine.trim().split(/\s+/);
  const bigEndian = BIG_ENDIAN.has(isa);
  const functions: Function[] = [];
  const cases: RunCase[] = [];
  const expectTrap: boolean[] = [];
  const sources: string[] = [];
  for (let tries = 0; functions.length < n && tries < n * 20; tries++) {
    const text = rng.pick(seeds);
    let file: ClifFile;
    try {
      file = parseClif(text);
    } catch {
      continue;
    }
    const cf = file.functions.find((c) => diffable(c.func, isa));
    if (!cf) continue;
    let f = cf.func.clone();
    let edits: string[] = [];
    // Functions with memory may read uninitialized stack bytes or go out of bounds for random
    // arguments (undefined on both sides): left to the corpus run lines, which use valid offsets.
    if (f.stackSlots.length > 0 || f.globalValues.length > 0 || f.dynamicStackSlots.length > 0) continue;
    if (rng.chance(mutate)) {
      const g = f.clone();
      edits = mutateIr(g, rng);
      if (verifyFunction(g, { pointerType: I64 }).length === 0) f = g;
      else edits = [];
    }
    if (verifyFunction(f, { pointerType: I64 }).length > 0) continue;
    const name = `fz${functions.length}`;
    const original = functionName(f);
    f.name = { kind: 'testcase', name };
    for (let a = 0; a < argsPer; a++) {
      const args: Value[] = f.signature.params.map((p) => (rng.chance(0.7) ? someOf(p.type, rng) : zeroOf(p.type)));
      const r = interpret(f, args, { fuel: 100_000, maxDepth: 16, bigEndian });
      if (r.kind !== 'return' && r.kind !== 'trap') continue;
      // NaN payloads of arithmetic results are not specified (Cranelift canonicalizes only on request).
      if (r.kind === 'return' && r.values.some((v, j) => isNaNBits(v, f.signature.returns[j].type))) {
        counts.skipped++;
        continue;
      }
      cases.push({ line: cases.length, text: `%${name}`, callee: f, args, cmp: '==', expected: r.kind === 'return' ? r.values : null });
      expectTrap.push(r.kind === 'trap');
      sources.push(`${text}\n; as %${name} (was %${original})${edits.length ? `, IR edits: ${edits.join('; ')}` : ''}; args ${args.map(String).join(', ')}; interpreter: ${r.kind === 'return' ? r.values.map(String).join(', ') : `trap ${r.trapName}`}`);
    }
    functions.push(f);
  }
  counts.functions += functions.length;
  if (cases.length === 0) return [];
  const shared = settings.map((s) => {
    const eq = s.indexOf('=');
    return { name: eq < 0 ? s : s.slice(0, eq), value: eq < 0 ? null : s.slice(eq + 1), line: 1 };
  });
  const file: ClifFile = {
    fileName: 'diff.clif', testCommands: [], settings: shared, functions: [], comments: [], directives: [],
    targets: [{ isa, flags, settings: shared, line: 1 }],
  };
  const outcomes = await (await backendFor({ isa, flags })).compileAndRun(file, functions, cases, { isa, flags });
  const out: Finding[] = [];
  outcomes.forEach((o, k) => {
    const msg = o.message ?? '';
    if (/unsupported|UnsupportedError/i.test(msg)) {
      counts.skipped++;
      return;
    }
    counts.cases++;
    if (expectTrap[k]) {
      if (!msg.startsWith('trapped')) out.push({ stage: 'compile', kind: 'wrong-code', message: `interpreter traps, native: ${o.status} ${msg}`, input: sources[k] });
    } else if (o.status !== 'pass') {
      out.push({ stage: 'compile', kind: 'wrong-code', message: msg, input: sources[k] });
    }
  });
  return out;
}
