// Deterministic robustness fuzzing: seeded mutations of corpus CLIF (as text and as IR) and of
// spec wasm modules go through every stage; each must return a result or throw a typed error.
// The long version is `tools/fuzz/pipeline.ts` (same harness, any count).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { UnsupportedError, buildIsa, compile } from '@windlass/codegen';
import { Function, I8, ParseError, abiParam, opcodeByName, parseFunction, vectorOf, verifyFunction, type Inst, type Opcode, type Type } from '@windlass/ir';
import { describe, expect, it } from 'vitest';
import { classify, mutateIr, mutateText, runClif, signature, zeroCounts, type Finding, type RunOptions } from './clif';
import { clifCorpus, haveWast2json, loadClifSeeds, loadWasmSeeds, wasmCorpus } from './corpus';
import { diffBatch } from './diff';
import { Rng } from './rng';
import { mutateBytes, runWasm } from './wasm';

const CLIF_TEXT_MUTANTS = 1500;
const CLIF_IR_MUTANTS = 600;
const WASM_MUTANTS = 400;
const DIFF_FUNCTIONS = 40;

/** Known findings whose fix is not small, left out of the deterministic run (each is in the report). */
const KNOWN: readonly RegExp[] = [
  // K1, isa-x64 (being reworked for SIMD by its owner): `scalar_to_vector.f16x8` of an f16 (corpus
  // function %f16x8, unmutated) emits `movd xmm0, <f16 in a GPR?>` and the encoder throws
  // "register 16 is not an allocated GPR": a typed error, but a lowering bug on valid IR.
  /movd +xmm\d+,\w+: register \d+ is not an allocated GPR/,
];

function report(findings: Finding[]): string[] {
  const seen = new Map<string, Finding>();
  for (const f of findings) if (!KNOWN.some((k) => k.test(f.message)) && !seen.has(signature(f))) seen.set(signature(f), f);
  return [...seen.values()].map((f) => `${signature(f)}\n--- input:\n${f.input.slice(0, 1500)}`);
}

// Every 6th corpus file keeps the run short; the long script uses them all.
const seeds = existsSync(clifCorpus) ? loadClifSeeds(3000, (_p, i) => i % 6 === 0) : [];

describe('CLIF pipeline under mutation', () => {
  it.skipIf(seeds.length === 0)(`parse, settings, verify, interpret, compile: ${CLIF_TEXT_MUTANTS} text mutants`, () => {
    const opts: RunOptions = { fuel: 2000, counts: zeroCounts(), slowMs: 0 };
    const rng = new Rng(1);
    const found: Finding[] = [];
    for (let n = 0; n < CLIF_TEXT_MUTANTS; n++) found.push(...runClif(mutateText(rng.pick(seeds).text, rng), opts));
    expect(report(found)).toEqual([]);
    // The mutator must leave enough inputs valid to exercise the later stages.
    expect(opts.counts.parse).toBe(CLIF_TEXT_MUTANTS);
    expect(opts.counts.compile).toBeGreaterThan(CLIF_TEXT_MUTANTS / 10);
    expect(opts.counts.interpret).toBeGreaterThan(CLIF_TEXT_MUTANTS / 10);
  });

  it.skipIf(seeds.length === 0)(`verify, interpret, compile: ${CLIF_IR_MUTANTS} IR mutants`, () => {
    const rng = new Rng(2);
    const opts: RunOptions = { fuel: 2000, counts: zeroCounts(), slowMs: 0, irRng: rng };
    const found: Finding[] = [];
    for (let n = 0; n < CLIF_IR_MUTANTS; n++) found.push(...runClif(rng.pick(seeds).text, opts));
    expect(report(found)).toEqual([]);
    expect(opts.counts.compile).toBeGreaterThan(CLIF_IR_MUTANTS / 10);
  });

  it.skipIf(seeds.length > 0)(`skipped: corpus not found at ${clifCorpus}`, () => {});
});

const wasmReady = existsSync(wasmCorpus) && haveWast2json();
describe.runIf(wasmReady)('wasm frontend under mutation', () => {
  it(`decode, validate, translate, verify, compile: ${WASM_MUTANTS} mutated spec modules`, () => {
    const modules = loadWasmSeeds(['i32', 'i64', 'f64', 'br_table', 'block', 'loop', 'call_indirect', 'memory', 'select',
      'simd_i32x4_arith', 'conversions', 'global', 'memory_grow', 'bulk']);
    expect(modules.length).toBeGreaterThan(10);
    const opts: RunOptions = { fuel: 0, counts: zeroCounts(), slowMs: 0 };
    const rng = new Rng(3);
    const found: Finding[] = [];
    for (let n = 0; n < WASM_MUTANTS; n++) found.push(...runWasm(mutateBytes(rng.pick(modules).bytes, rng), opts));
    // The unmutated modules must translate and compile too.
    for (const m of modules) found.push(...runWasm(m.bytes, opts));
    expect(report(found)).toEqual([]);
    expect(opts.counts.translate).toBeGreaterThan(50);
  });
});
describe.skipIf(wasmReady)('wasm frontend under mutation', () => {
  it.skip(`skipped: needs ${wasmCorpus} and wast2json (Debian package wabt)`, () => {});
});

function haveCc(): boolean {
  return process.arch === 'x64' && spawnSync('cc', ['--version']).status === 0;
}
const diffSeeds = existsSync(clifCorpus) ? loadClifSeeds(3000, (p, i) => p.startsWith('runtests/') && i % 2 === 0).map((s) => s.text) : [];

describe('x86_64 code against the interpreter', () => {
  it.runIf(diffSeeds.length > 0 && haveCc())(`${DIFF_FUNCTIONS} corpus functions (half IR-mutated), native vs interpreter`, async () => {
    const counts = { functions: 0, cases: 0, skipped: 0 };
    const found = await diffBatch(diffSeeds, new Rng(4), DIFF_FUNCTIONS, counts);
    expect(found.map((f) => `${f.message}\n${f.input}`)).toEqual([]);
    expect(counts.cases).toBeGreaterThan(DIFF_FUNCTIONS);
  });
  it.skipIf(diffSeeds.length > 0 && haveCc())('skipped: needs the corpus, an x86_64 host and cc', () => {});
});

function haveQemuAarch64(): boolean {
  return spawnSync('sh', ['-c', 'command -v aarch64-linux-gnu-gcc && command -v qemu-aarch64'], { stdio: 'ignore' }).status === 0;
}

describe('aarch64 code under qemu against the interpreter', () => {
  it.runIf(diffSeeds.length > 0 && haveQemuAarch64())(`${DIFF_FUNCTIONS} corpus functions (half IR-mutated), qemu-aarch64 vs interpreter`, async () => {
    const counts = { functions: 0, cases: 0, skipped: 0 };
    const found = await diffBatch(diffSeeds, new Rng(5), DIFF_FUNCTIONS, counts, 0.5, 3, 'aarch64');
    expect(found.map((f) => `${f.message}\n${f.input}`)).toEqual([]);
    expect(counts.cases).toBeGreaterThan(DIFF_FUNCTIONS);
  });
  it.skipIf(diffSeeds.length > 0 && haveQemuAarch64())('skipped: needs the corpus, aarch64-linux-gnu-gcc and qemu-aarch64', () => {});
});

const haveRiscv64 = spawnSync('riscv64-linux-gnu-gcc', ['--version']).status === 0 && spawnSync('qemu-riscv64', ['--version']).status === 0;

describe('riscv64 code (under qemu) against the interpreter', () => {
  it.runIf(diffSeeds.length > 0 && haveRiscv64)(`${DIFF_FUNCTIONS} corpus functions (half IR-mutated), qemu-riscv64 vs interpreter`, async () => {
    const counts = { functions: 0, cases: 0, skipped: 0 };
    const found = await diffBatch(diffSeeds, new Rng(5), DIFF_FUNCTIONS, counts, 0.5, 3, 'riscv64 has_c has_zba has_zbb');
    expect(found.map((f) => `${f.message}\n${f.input}`)).toEqual([]);
    expect(counts.cases).toBeGreaterThan(DIFF_FUNCTIONS);
  });
  it.skipIf(diffSeeds.length > 0 && haveRiscv64)('skipped: needs the corpus, riscv64-linux-gnu-gcc and qemu-riscv64', () => {});
});

function haveS390xCross(): boolean {
  return ['s390x-linux-gnu-gcc', 'qemu-s390x'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);
}

describe('s390x code under qemu against the interpreter (big-endian memory)', () => {
  it.runIf(diffSeeds.length > 0 && haveS390xCross())(`${DIFF_FUNCTIONS} corpus functions (half IR-mutated, vectors and i128 included), qemu-s390x vs interpreter`, async () => {
    const counts = { functions: 0, cases: 0, skipped: 0 };
    const found = await diffBatch(diffSeeds, new Rng(5), DIFF_FUNCTIONS, counts, 0.5, 3, 's390x');
    expect(found.map((f) => `${f.message}\n${f.input}`)).toEqual([]);
    expect(counts.cases).toBeGreaterThan(DIFF_FUNCTIONS);
  }, 120_000);
  it.skipIf(diffSeeds.length > 0 && haveS390xCross())('skipped: needs the corpus, s390x-linux-gnu-gcc and qemu-s390x', () => {});
});

describe('mutators', () => {
  it('are deterministic for a seed', () => {
    const text = 'function %f(i32) -> i32 {\nblock0(v0: i32):\n    v1 = iadd_imm v0, 1\n    return v1\n}';
    expect(mutateText(text, new Rng(7))).toBe(mutateText(text, new Rng(7)));
    const bytes = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
    expect(mutateBytes(bytes, new Rng(9))).toEqual(mutateBytes(bytes, new Rng(9)));
  });

  it('report a crash as a finding (the harness can fail)', () => {
    expect(classify('parse', new TypeError("Cannot read properties of undefined (reading 'x')"), 'text')?.kind).toBe('crash');
    expect(classify('parse', new ParseError('f.clif', 1, 1, 'internal reader error: boom'), 'text')?.kind).toBe('internal');
    expect(classify('parse', new ParseError('f.clif', 3, 7, "expected a value (vN), found 'return'"), 'text')).toBeUndefined();
    expect(classify('compile', new UnsupportedError('opcode foo.i8', { func: '%f', inst: 0 }), 'text')).toBeUndefined();
    expect(mutateIr(new Function(), new Rng(1))).toEqual([]); // nothing to mutate in an empty function
    expect(runClif('function %f() {\nblock0:\n    return\n}', { fuel: 10, counts: zeroCounts(), slowMs: 0 })).toEqual([]);
  });
});

// ------------------------------------------------------------------ regressions of fixed findings

describe('regressions', () => {
  // Finding 1 (IR mutation seed 13979 / 39473 of tools/fuzz/pipeline.ts): a lane immediate of -1
  // (or 0xffffffff, which the Int32 immediate table stores as -1) passed the verifier, and the
  // interpreter then crashed with "Cannot mix BigInt and other types". Fixed in the verifier's
  // lane check (packages/ir/src/verifier/verify.ts).
  it('the verifier rejects a negative extractlane / insertlane lane', () => {
    const f = new Function();
    const b = f.makeBlock();
    f.appendBlock(b);
    const vec = vectorOf(I8, 16);
    f.signature = { params: [abiParam(vec)], returns: [abiParam(I8)], callConv: 'fast' };
    const v0 = f.appendBlockParam(b, vec);
    const ex = f.makeInst(opcodeByName('extractlane') as Opcode, vec, [v0]);
    f.setImm0(ex, -1);
    const [v1] = f.makeResults(ex, [I8]);
    f.appendInst(ex, b);
    const ret = f.makeInst(opcodeByName('return') as Opcode, 0 as Type, [v1]);
    f.appendInst(ret, b);
    const errors = verifyFunction(f);
    expect(errors.map((e) => e.rule)).toContain('immediate');
    f.setImm0(ex, 15);
    expect(verifyFunction(f)).toEqual([]);
  });

  // Finding 2 (IR mutation, e.g. seed 54462): a branch back to the entry block passed the
  // verifier, and x86_64 compilation failed in register allocation ("branch passes 1 args to
  // block 0 which has 0 params"). Cranelift's verifier rejects any reference to the entry block;
  // ours now does too.
  it('the verifier rejects a branch to the entry block', () => {
    const text = 'function %f(i32) {\nblock0(v0: i32):\n    jump block1(v0)\n\nblock1(v1: i32):\n    jump block0(v1)\n}';
    const errors = verifyFunction(parseFunction(text));
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('invalid reference to entry block block0')]);
    expect(runClif(`target x86_64\n${text}`, { fuel: 100, counts: zeroCounts(), slowMs: 0 })).toEqual([]);
  });

  // Finding 3 (IR mutation seeds 56857, 57851, 68332): `istore16` of a vector, `sload32.i32`
  // passed the verifier; the interpreter crashed ("Cannot convert 127,0,63,128 to a BigInt") and
  // the x86_64 encoder threw "movsxd eax,eax: cannot extend from 4 to 4 bytes". Cranelift types
  // these as iExt8 (i16..i64), iExt16 (i32, i64), iExt32 (i64).
  it('the verifier rejects narrow loads and stores of the wrong width', () => {
    const bad = [
      'function %f(i16x2, i64) {\nblock0(v0: i16x2, v1: i64):\n    istore16 v0, v1\n    return\n}',
      'function %f(i64) -> i32 {\nblock0(v0: i64):\n    v1 = sload32.i32 v0\n    return v1\n}',
      'function %f(i64) -> i8 {\nblock0(v0: i64):\n    v1 = uload8.i8 v0\n    return v1\n}',
    ];
    for (const text of bad) expect(verifyFunction(parseFunction(text)).map((e) => e.rule), text).toEqual(['operand-type']);
    const good = 'function %f(i64) -> i64 {\nblock0(v0: i64):\n    v1 = sload32.i64 v0\n    istore16 v1, v0\n    return v1\n}';
    expect(verifyFunction(parseFunction(good))).toEqual([]);
  });

  // Finding 4 (IR mutation): an `icmp` / `fcmp` whose condition code immediate is out of range
  // passed the verifier; the x86_64 encoder then threw "set?undefined al: bad condition code undefined".
  it('the verifier rejects an out-of-range condition code', () => {
    const f = parseFunction('function %f(i32, f32) -> i8, i8 {\nblock0(v0: i32, v1: f32):\n    v2 = icmp eq v0, v0\n    v3 = fcmp eq v1, v1\n    return v2, v3\n}');
    expect(verifyFunction(f)).toEqual([]);
    f.setImm0(0 as Inst, 10);
    f.setImm0(1 as Inst, -1);
    expect(verifyFunction(f).map((e) => e.reason)).toEqual(['invalid integer condition code 10', 'invalid float condition code -1']);
  });

  // Finding 6 (IR mutation seeds 225801, 234018): `bmask` from a scalar to a vector (or between
  // vectors of different lane counts) passed the verifier; the interpreter crashed with
  // "v.slice is not a function" / "Cannot mix BigInt and other types".
  it('the verifier rejects bmask between different lane counts', () => {
    const bad = 'function %f(i16) -> i16x8 {\nblock0(v0: i16):\n    v1 = bmask.i16x8 v0\n    return v1\n}';
    expect(verifyFunction(parseFunction(bad)).map((e) => e.rule)).toEqual(['operand-type']);
    const good = 'function %f(i16x8, i8) -> i16x8, i64 {\nblock0(v0: i16x8, v1: i8):\n    v2 = bmask.i16x8 v0\n    v3 = bmask.i64 v1\n    return v2, v3\n}';
    expect(verifyFunction(parseFunction(good))).toEqual([]);
  });

  // Finding 5 (differential run): x86_64 lowered big-endian atomics (`atomic_rmw.i16 big xchg`,
  // atomic_load/store/cas) as little-endian: wrong results, silently. They are now unsupported
  // (typed error), as x86 has no byte-swapping atomic instructions.
  it('x86_64 refuses big-endian atomics instead of miscompiling them', () => {
    const isa = buildIsa('x86_64');
    for (const body of ['v2 = atomic_rmw.i16 big xchg v0, v1', 'v2 = atomic_load.i16 big v0', 'v2 = atomic_cas big v0, v1, v1', 'atomic_store big v1, v0\n    v2 = iconst.i16 0']) {
      const f = parseFunction(`function %f(i64, i16) -> i16 {\nblock0(v0: i64, v1: i16):\n    ${body}\n    return v2\n}`);
      expect(verifyFunction(f)).toEqual([]);
      expect(() => compile(f, isa), body).toThrow(UnsupportedError);
    }
    const little = parseFunction('function %f(i64, i16) -> i16 {\nblock0(v0: i64, v1: i16):\n    v2 = atomic_rmw.i16 little xchg v0, v1\n    return v2\n}');
    expect(compile(little, isa).bytes.length).toBeGreaterThan(0);
  });

  it('large generated functions neither overflow the stack nor crash', () => {
    const chain = ['function %f(i64) -> i64 {', 'block0(v0: i64):'];
    for (let i = 1; i <= 3000; i++) chain.push(`    v${i} = iadd v${i - 1}, v0`);
    chain.push('    v3001 = iconst.i64 0', '    return v3000', '}');
    let blocks = 'function %g(i32) -> i32 {\nblock0(v0: i32):\n    jump block1(v0)\n';
    for (let i = 1; i < 1000; i++) blocks += `block${i}(v${i}: i32):\n    jump block${i + 1}(v${i})\n`;
    blocks += 'block1000(v1000: i32):\n    return v1000\n}\n';
    const table = `function %h(i32) -> i32 {\nblock0(v0: i32):\n    br_table v0, block1, [${Array.from({ length: 10000 }, (_, i) => `block${1 + (i % 2)}`).join(', ')}]\nblock1:\n    return v0\nblock2:\n    return v0\n}\n`;
    const recursion = 'function %r(i32) -> i32 {\n    fn0 = %r(i32) -> i32\nblock0(v0: i32):\n    v1 = call fn0(v0)\n    return v1\n}\n';
    for (const text of [chain.join('\n'), blocks, table, recursion]) {
      expect(runClif(`target x86_64\n${text}`, { fuel: 1_000_000, counts: zeroCounts(), slowMs: 0 })).toEqual([]);
    }
  });
});
