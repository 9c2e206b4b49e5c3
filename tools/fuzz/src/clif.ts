// Robustness fuzzing of the CLIF pipeline:
//
//   CLIF text ──mutateText──> parseClif ──> (mutateIr) ──> verifyFunction ──verified──> interpret
//   header ──parseIsaSpec (settings, target)                                 └────────> compile x86_64
//
// Each stage must return a result or throw one of the project's typed errors. Anything else is a
// finding: an untyped exception (TypeError, RangeError, ...), a typed wrapper around an internal
// exception ("internal reader error", "internal interpreter error"), or an error without a location.
import { CodegenError, IsaError, MachBufferError, SettingsError, UnsupportedError, UnwindError, buildIsa, compile, parseIsaSpec, type TargetIsa } from '@windlass/codegen';
import { UnsupportedError as InterpUnsupportedError, interpret, functionName, type Value } from '@windlass/interpreter';
import {
  Function, OPCODES, ParseError, VerifierError, bytes, isFloat, isVector, laneBits, parseClif, typeName, vectorOf, verifyFunction, I8, I32, I64, F64,
  type Block, type Inst, type Type, type Value as IrValue,
} from '@windlass/ir';
import { X64EncodeError, X64UnsupportedError } from '@windlass/isa-x64';
import { Rng } from './rng';

export type Stage = 'parse' | 'settings' | 'verify' | 'interpret' | 'compile' | 'translate' | 'decode' | 'text' | 'cli';
export const STAGES: readonly Stage[] = ['parse', 'settings', 'verify', 'interpret', 'compile', 'decode', 'translate', 'text', 'cli'];

export interface Finding {
  stage: Stage;
  /** `crash` (untyped exception), `internal` (typed wrapper of an internal exception), `no-location`, `slow`, `bad-result`. */
  kind: string;
  message: string;
  /** The input that produced it (CLIF text, or a hex dump of wasm bytes). */
  input: string;
  func?: string;
  stack?: string;
}

export type StageCounts = Record<Stage, number>;
export const zeroCounts = (): StageCounts => ({ parse: 0, settings: 0, verify: 0, interpret: 0, compile: 0, translate: 0, decode: 0, text: 0, cli: 0 });

export interface RunOptions {
  /** Interpreter fuel per function. */
  fuel: number;
  counts: StageCounts;
  /** When given, each parsed function is also mutated as IR before verification. */
  irRng?: Rng;
  /** Stage time that counts as a hang (ms); 0 = not checked (unit tests never time). */
  slowMs: number;
  /** When given, every accepted typed error is counted here by stage, class and message shape. */
  typedLog?: Map<string, number>;
  /** Skip the interpreter / compile stages (to isolate a finding). */
  skip?: Partial<Record<Stage, boolean>>;
}

const INTERNAL_RE = /internal (reader|interpreter|decoder|translation|verifier|compiler) error/i;

/** Errors a stage may throw on bad input. */
function isTypedError(e: unknown): e is Error {
  return e instanceof ParseError || e instanceof VerifierError || e instanceof CodegenError || e instanceof SettingsError
    || e instanceof IsaError || e instanceof X64EncodeError || e instanceof MachBufferError || e instanceof UnwindError
    || e instanceof InterpUnsupportedError;
}

/** Classifies an exception a stage threw: undefined when it is an acceptable typed error. */
export function classify(stage: Stage, e: unknown, input: string, extraTyped?: (e: unknown) => boolean): Finding | undefined {
  const err = e instanceof Error ? e : undefined;
  const message = err ? `${err.name}: ${err.message}` : String(e);
  const typed = isTypedError(e) || (extraTyped?.(e) ?? false);
  if (!typed) return { stage, kind: 'crash', message, input, stack: err?.stack };
  if (INTERNAL_RE.test(err!.message)) return { stage, kind: 'internal', message, input, stack: err?.stack };
  // On verified IR the backend may only refuse with "unsupported"; any other backend error
  // (register allocation failed, an unencodable instruction) is a bug in lowering.
  if (stage === 'compile' && !(e instanceof UnsupportedError || e instanceof X64UnsupportedError || e instanceof SettingsError || e instanceof IsaError)) {
    return { stage, kind: 'backend', message, input, stack: err?.stack };
  }
  const loc = (err as { location?: unknown }).location;
  if (loc === undefined || loc === '') return { stage, kind: 'no-location', message, input };
  return undefined;
}

/** Runs `body`; a throw or an over-budget run becomes a finding. */
function attempt<T>(stage: Stage, input: string, opts: RunOptions, out: Finding[], body: () => T): T | undefined {
  opts.counts[stage]++;
  const t0 = performance.now();
  try {
    const r = body();
    const dt = performance.now() - t0;
    if (opts.slowMs > 0 && dt > opts.slowMs) out.push({ stage, kind: 'slow', message: `${stage} took ${dt.toFixed(0)} ms`, input });
    return r;
  } catch (e) {
    const f = classify(stage, e, input);
    if (f) out.push(f);
    else if (opts.typedLog) {
      const k = `${stage} ${(e as Error).name}: ${(e as Error).message.replace(/^\S+:\d+:\d+: /, '').replace(/\d+/g, 'N').replace(/'[^']*'/g, "'…'").slice(0, 100)}`;
      opts.typedLog.set(k, (opts.typedLog.get(k) ?? 0) + 1);
    }
    return undefined;
  }
}

// ------------------------------------------------------------------ text mutation

const TYPES = ['i8', 'i16', 'i32', 'i64', 'i128', 'f16', 'f32', 'f64', 'f128', 'i8x16', 'i16x8', 'i32x4', 'i64x2', 'f32x4', 'f64x2', 'i8x8', 'i32x2', 'f32x2', 'i64x4', 'i8x64', 'i32x4xN', 'b1', 'r64', 'iflags'];
const NUMBERS = ['0', '-1', '1', '255', '256', '65535', '-32768', '2147483647', '-2147483648', '4294967295', '4294967296',
  '0x7fffffffffffffff', '0xffffffffffffffff', '0x10000000000000000', '-9223372036854775808', '99999999999999999999999999',
  '0x1p-1074', '-0.0', 'NaN', '+Inf', '0x1.8p1', '1e400', '3', '7', '8', '31', '32', '63', '64', '127', '128'];
const PUNCT = [',', '=', ':', '(', ')', '{', '}', '[', ']', '%', '->', '+', '-', '.', ';', 'v', 'block', '"', '#', '\\', '\u0000', '\u00e9'];
const ENTITIES = ['v0', 'v1', 'v99999', 'v4294967295', 'block0', 'block1', 'block999', 'ss0', 'ss9', 'gv0', 'gv7', 'fn0', 'fn3', 'sig0', 'sig5', 'jt0', 'jt4', 'const0', 'const9', 'dss0', 'dt0', 'et0'];
const WORDS = ['notrap', 'aligned', 'readonly', 'heap', 'table', 'checked', 'cold', 'colocated', 'sret', 'uext', 'sext', 'system_v', 'tail', 'fast', 'windows_fastcall', 'explicit_slot', 'stack_limit', 'user0', 'heap_oob', 'int_divz', 'user65535', 'little', 'big', 'align=0', 'align=3', 'align=4294967296', 'offset=-1'];
const HEADER = ['set opt_level=speed', 'set opt_level=bogus', 'set not_a_setting=1', 'set enable_verifier', 'set unwind_info=false', 'set preserve_frame_pointers=true', 'set regalloc_algorithm=single_pass', 'set probestack_size_log2=99',
  'target x86_64', 'target x86_64 has_avx has_bmi2', 'target x86_64 nosuchflag', 'target aarch64', 'target pulley64', 'target i686', 'target', 'target x86_64-unknown-linux-gnu', 'test compile', 'test run', 'test interpret', 'test verifier'];
let opcodeNames: string[] | undefined;
const opcodes = (): string[] => (opcodeNames ??= OPCODES.map((o) => o.name));

/** Splits into tokens keeping separators, so joining the parts gives the text back. */
function tokens(line: string): string[] {
  return line.split(/(\s+|[,=(){}[\]:])/).filter((s) => s !== '');
}

function mutateLineTokens(line: string, rng: Rng): string {
  const t = tokens(line);
  if (t.length === 0) return rng.pick(PUNCT);
  const i = rng.int(t.length);
  switch (rng.int(9)) {
    case 0: t.splice(i, 1); break;
    case 1: t.splice(i, 0, t[i]); break;
    case 2: { const j = rng.int(t.length); [t[i], t[j]] = [t[j], t[i]]; break; }
    case 3: t[i] = rng.pick(NUMBERS); break;
    case 4: t[i] = rng.pick(TYPES); break;
    case 5: t[i] = rng.pick(opcodes()); break;
    case 6: t.splice(i, 0, rng.pick(PUNCT)); break;
    case 7: t[i] = rng.pick(ENTITIES); break;
    default: t.splice(i, 0, ' ', rng.pick(WORDS), ' '); break;
  }
  return t.join('');
}

/** Targeted edits: replace a number, a type, an opcode in place. */
function retype(line: string, rng: Rng): string {
  const kinds = [
    [/\b(i8|i16|i32|i64|i128|f16|f32|f64|f128)(x\d+)?\b/g, () => rng.pick(TYPES)],
    [/-?\b(0x[0-9a-f_]+|\d+)\b/gi, () => rng.pick(NUMBERS)],
    [/= ([a-z_0-9]+)/g, () => `= ${rng.pick(opcodes())}`],
    [/\b(v|block|ss|gv|fn|sig|jt)(\d+)\b/g, (_m: string, p: string) => `${p}${rng.chance(0.5) ? rng.int(8) : rng.int(100000)}`],
  ] as const;
  const [re, f] = rng.pick(kinds);
  const matches = [...line.matchAll(re)];
  if (matches.length === 0) return mutateLineTokens(line, rng);
  const m = rng.pick(matches);
  const rep = (f as (...a: string[]) => string)(...(m as unknown as string[]));
  return line.slice(0, m.index) + rep + line.slice(m.index! + m[0].length);
}

/** One to four random edits of CLIF text (lines, tokens, numbers, types, opcodes, truncation). */
export function mutateText(text: string, rng: Rng): string {
  let lines = text.split('\n');
  // Mostly one edit, so that many mutants still parse and reach the later stages.
  const edits = rng.chance(0.6) ? 1 : 2 + rng.int(3);
  for (let e = 0; e < edits && lines.length > 0; e++) {
    const i = rng.int(lines.length);
    switch (rng.int(10)) {
      case 0: lines.splice(i, 1); break;
      case 1: lines.splice(i, 0, lines[i]); break;
      case 2: { const j = rng.int(lines.length); [lines[i], lines[j]] = [lines[j], lines[i]]; break; }
      case 3: { // truncate mid-line
        const cut = rng.int(lines[i].length + 1);
        lines = lines.slice(0, i);
        lines.push(text.split('\n')[i]?.slice(0, cut) ?? '');
        break;
      }
      case 4: lines.splice(i, 0, rng.pick(HEADER)); break;
      case 5: case 6: lines[i] = retype(lines[i], rng); break;
      default: lines[i] = mutateLineTokens(lines[i], rng); break;
    }
  }
  return lines.join('\n');
}

// ------------------------------------------------------------------ IR mutation

const IR_TYPES = [1, 2, 3, 4, 5, 6, 7, 8, 9] as Type[];

/** One to three edits of a parsed function: swap / replace operands, change types and immediates, drop instructions. */
export function mutateIr(f: Function, rng: Rng): string[] {
  const insts: Inst[] = [];
  for (let b = f.firstBlock; b !== -1; b = f.nextBlock(b as Block)) {
    for (let i = f.firstInst(b as Block); i !== -1; i = f.nextInst(i as Inst)) insts.push(i as Inst);
  }
  const done: string[] = [];
  if (insts.length === 0) return done;
  const edits = 1 + rng.int(3);
  const vecTypes = [vectorOf(I8, 16), vectorOf(I32, 4), vectorOf(F64, 2), vectorOf(I64, 4)];
  for (let e = 0; e < edits; e++) {
    const i = rng.pick(insts);
    const n = f.argCount(i);
    switch (rng.int(8)) {
      case 7: { // another opcode of the same format: operand and result types no longer fit
        const fmt = OPCODES[f.opcode(i)].format;
        const same = OPCODES.map((o, k) => (o.format === fmt ? k : -1)).filter((k) => k >= 0);
        const o = rng.pick(same);
        f.instOpcode[i] = o;
        done.push(`opcode of inst${i} := ${OPCODES[o].name}`);
        break;
      }
      case 0:
        if (n >= 2) {
          const a = rng.int(n), b = rng.int(n);
          const va = f.arg(i, a);
          f.setArg(i, a, f.arg(i, b));
          f.setArg(i, b, va);
          done.push(`swap args ${a},${b} of inst${i}`);
        }
        break;
      case 1:
        if (n >= 1 && f.valueCount > 0) {
          const k = rng.int(n), v = rng.int(f.valueCount) as IrValue;
          f.setArg(i, k, v);
          done.push(`arg ${k} of inst${i} := v${v}`);
        }
        break;
      case 2: {
        const t = rng.chance(0.8) ? rng.pick(IR_TYPES) : rng.pick(vecTypes);
        f.setCtrlType(i, t);
        done.push(`ctrl type of inst${i} := ${t}`);
        break;
      }
      case 3: {
        const rs = f.instResults(i);
        if (rs.length > 0) {
          const t = rng.pick(IR_TYPES);
          f.setValueType(rng.pick(rs), t);
          done.push(`result type of inst${i} := ${t}`);
        }
        break;
      }
      case 4: {
        const x = rng.pick([0, 1, -1, 255, 0x7fffffff, -0x80000000, 0xffffffff, 64, 1 << 20]);
        if (rng.chance(0.5)) f.setImm0(i, x);
        else f.setImm1(i, x);
        done.push(`imm of inst${i} := ${x}`);
        break;
      }
      case 5:
        if (!OPCODES[f.opcode(i)].isTerminator) {
          f.removeInst(i);
          insts.splice(insts.indexOf(i), 1);
          done.push(`remove inst${i}`);
          if (insts.length === 0) return done;
        }
        break;
      default: {
        const dests = f.branchDestinations(i);
        if (dests.length > 0 && f.blockCount > 0) {
          const b = rng.int(f.blockCount) as Block;
          f.setBlockCallBlock(rng.pick(dests), b);
          done.push(`branch of inst${i} -> block${b}`);
        }
      }
    }
  }
  return done;
}

// ------------------------------------------------------------------ the pipeline

/** A zero of type `t` in the interpreter's representation. */
export function zeroOf(t: Type): Value {
  if (isVector(t)) return new Uint8Array(bytes(t));
  if (isFloat(t)) return laneBits(t) <= 32 ? 0 : 0n;
  return laneBits(t) <= 32 ? 0 : 0n;
}

/** An edge-case value of type `t`: all ones, the sign bit, one, or random bits. */
export function someOf(t: Type, rng: Rng): Value {
  if (isVector(t)) return Uint8Array.from({ length: bytes(t) }, () => rng.pick([0, 1, 0x7f, 0x80, 0xff, rng.int(256)]));
  const w = laneBits(t);
  const all = (1n << BigInt(w)) - 1n;
  const v = rng.pick([all, 1n << BigInt(w - 1), 1n, all >> 1n, BigInt(rng.u32()) & all]);
  return w <= 32 ? Number(v) : v;
}

function isaFor(header: string[], input: string, opts: RunOptions, out: Finding[]): TargetIsa | undefined {
  // The register allocation checker proves each allocation: a wrong one becomes a finding, not wrong code.
  const lines = ['set regalloc_checker=true', ...header];
  return attempt('settings', input, opts, out, () => {
    const spec = parseIsaSpec(lines, { skipUnsupported: true });
    const x64 = spec.targets.find((t) => t.target.isa.name === 'x86_64');
    return x64 ? x64.build() : buildIsa('x86_64', spec.flags);
  });
}

/** Runs every stage on one CLIF text; returns the findings. */
export function runClif(text: string, opts: RunOptions): Finding[] {
  const out: Finding[] = [];
  const file = attempt('parse', text, opts, out, () => parseClif(text, 'fuzz.clif'));
  if (!file) return out;
  const header = text.split('\n').slice(0, file.functions[0]?.startLine ? file.functions[0].startLine - 1 : undefined);
  const isa = isaFor(header, text, opts, out);
  const functions = new Map<string, Function>();
  for (const cf of file.functions) functions.set(functionName(cf.func), cf.func);
  for (const cf of file.functions) {
    let f = cf.func;
    let edits: string[] = [];
    if (opts.irRng) {
      f = f.clone();
      const rng = opts.irRng;
      const r = attempt('verify', text, opts, out, () => mutateIr(f, rng));
      opts.counts.verify--; // the mutation is not a verifier run
      if (!r) continue;
      edits = r;
    }
    const where = edits.length ? `${text}\n; IR edits of ${functionName(f)}: ${edits.join('; ')}` : text;
    const errs = attempt('verify', where, opts, out, () => verifyFunction(f, { pointerType: 4 as Type }));
    if (errs === undefined) continue;
    const bad = errs.find((e) => !(e instanceof VerifierError) || !e.location);
    if (bad) out.push({ stage: 'verify', kind: 'no-location', message: String(bad), input: where });
    if (errs.length > 0) continue;
    if (!opts.skip?.interpret) {
      const argRng = opts.irRng;
      const args = f.signature.params.map((p) => (argRng && argRng.chance(0.5) ? someOf(p.type, argRng) : zeroOf(p.type)));
      const r = attempt('interpret', where, opts, out, () => interpret(f, args, { fuel: opts.fuel, maxDepth: 64, functions }));
      if (r && r.kind === 'error' && INTERNAL_RE.test(r.message)) out.push({ stage: 'interpret', kind: 'internal', message: r.message, input: where, func: functionName(f) });
    }
    if (isa && !opts.skip?.compile) {
      const code = attempt('compile', where, opts, out, () => compile(f, isa, { wantListing: false }));
      if (code && !(code.bytes instanceof Uint8Array && code.bytes.length > 0)) {
        out.push({ stage: 'compile', kind: 'bad-result', message: 'compile returned no code bytes', input: where, func: functionName(f) });
      }
    }
  }
  return out;
}

/** A short label grouping findings that are probably the same bug. */
export function signature(f: Finding): string {
  const frame = f.stack?.split('\n').find((l) => /packages\//.test(l))?.replace(/^.*packages\//, '').replace(/[()]/g, '').trim() ?? '';
  const msg = f.message.replace(/\d+/g, 'N').replace(/'[^']*'/g, "'…'").slice(0, 120);
  return `${f.stage}/${f.kind}: ${msg}${frame ? ` @ ${frame}` : ''}`;
}

export { typeName };
