// Differential fuzzing for silently wrong code: verified (optionally IR-mutated) corpus functions
// run on the interpreter with edge-case arguments, then natively as x86_64 code (the filetest
// runner's native backend: one ELF object + C driver per batch, linked with `cc`), or for another
// ISA through the cross runner under qemu-user (`isa`: `s390x`). A different result, or a trap
// on one side only, is a finding.
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
type RunNative = (file: ClifFile, functions: readonly Function[], cases: readonly RunCase[], target: { isa: string; flags: string[] }) => { status: string; message?: string }[];
const NATIVE_RUNNER = '../../../packages/cli/src/native/x64';
/** The generic cross runner and the profiles of the ISAs run under qemu-user. */
const CROSS_RUNNER = '../../../packages/cli/src/native/cross';
const CROSS_PROFILES: Record<string, { module: string; profile: string }> = {
  s390x: { module: '../../../packages/cli/src/native/s390x', profile: 's390xProfile' },
};
/** ISAs whose memory is big-endian (the interpreter must agree on native loads and stores). */
const BIG_ENDIAN = new Set(['s390x']);
const runners = new Map<string, RunNative>();
async function nativeRunner(isa: string): Promise<RunNative> {
  let r = runners.get(isa);
  if (r !== undefined) return r;
  if (isa === 'x86_64') r = ((await import(/* @vite-ignore */ NATIVE_RUNNER)) as { runNative: RunNative }).runNative;
  else {
    const p = CROSS_PROFILES[isa];
    if (p === undefined) throw new Error(`no native runner for ${isa} (known: x86_64, ${Object.keys(CROSS_PROFILES).join(', ')})`);
    const cross = (await import(/* @vite-ignore */ CROSS_RUNNER)) as { runCross: (p: unknown, ...rest: Parameters<RunNative>) => ReturnType<RunNative> };
    const profile = ((await import(/* @vite-ignore */ p.module)) as Record<string, unknown>)[p.profile];
    r = (file, functions, cases, target) => cross.runCross(profile, file, functions, cases, target);
  }
  runners.set(isa, r);
  return r;
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
 * `mutate` (kept only if it still verifies), renamed, and run on both sides with `argsPer` argument sets.
 */
export async function diffBatch(
  seeds: readonly string[], rng: Rng, n: number, counts: DiffCounts, mutate = 0.5, argsPer = 3, isa = 'x86_64',
): Promise<Finding[]> {
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
  const file: ClifFile = {
    fileName: 'diff.clif', testCommands: [], settings: [], functions: [], comments: [], directives: [],
    targets: [{ isa, flags: [], settings: [], line: 1 }],
  };
  const outcomes = (await nativeRunner(isa))(file, functions, cases, { isa, flags: [] });
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
