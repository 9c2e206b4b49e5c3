// IR benchmark: CLIF reader and writer throughput over the Cranelift corpus, and
// on generated functions of 1k, 10k, 100k and 1M instructions (time and memory
// growth: the goal is linear). Each measurement is the best of `--repeat` runs,
// in process CPU time (`--wall` for wall-clock time).
//
//   npx tsx --expose-gc --conditions=windlass:source tools/bench/ir.ts [--repeat N] [--max 1000000] [--corpus DIR] [--wall]
//
// Phases are listed in `PHASES` so later passes (verify) can be added beside
// parse and print.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BRIF, Function, I32, I64, IADD, ICONST, IMUL, INVALID, JUMP, LOAD, MEMFLAGS_DEFAULT, RETURN, STORE, BXOR, ICMP,
  IntCC, abiParam, parseClif, printFunction, resultTypes, type Block, type Value,
} from '@windlass/ir';
// Verifier and analyses section (verifier worker).
import { computeCfg, computeDomtree, computeLoops, verifyFunction } from '@windlass/ir';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const k = args.indexOf(name);
  return k >= 0 && k + 1 < args.length ? args[k + 1] : dflt;
};
const repeat = Number(opt('--repeat', '3'));
const maxSize = Number(opt('--max', '1000000'));
const corpusDir = opt('--corpus', join(root, '..', 'shared', 'corpus', 'cranelift-filetests'));

const gc = (globalThis as { gc?: () => void }).gc;
/** JS heap only (typed-array backing stores are counted by `tableBytes`). */
const heapOnly = () => {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
};

/** Bytes of the typed arrays a Function owns. */
function tableBytes(f: Function): number {
  let n = 0;
  for (const v of Object.values(f)) if (ArrayBuffer.isView(v)) n += v.byteLength;
  return n;
}

/**
 * Best of `repeat` runs. The time is this process's CPU time (user + system),
 * which other processes on a shared machine disturb much less than wall-clock
 * time (`--wall` measures wall-clock time instead).
 */
const useCpuTime = !args.includes('--wall');
function now(): number {
  if (!useCpuTime) return performance.now();
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function best<T>(fn: () => T): { ms: number; result: T } {
  let ms = Infinity;
  let result!: T;
  for (let r = 0; r < repeat; r++) {
    const t0 = now();
    result = fn();
    ms = Math.min(ms, now() - t0);
  }
  return { ms, result };
}

const fmt = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0));

// ---------------------------------------------------------------- corpus

function walk(d: string): string[] {
  return readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.clif') ? [join(d, e.name)] : []);
}

/** Passes measured over parsed functions; the verifier adds itself here. */
const PHASES: { name: string; run: (funcs: Function[]) => void }[] = [
  { name: 'print', run: (funcs) => { for (const f of funcs) printFunction(f); } },
];

function corpusBench(): void {
  if (!existsSync(corpusDir)) {
    console.log(`corpus: SKIPPED (${corpusDir} is absent)`);
    return;
  }
  const texts = walk(corpusDir).sort().map((f) => readFileSync(f, 'utf8'));
  const lines = texts.reduce((n, t) => n + t.split('\n').length, 0);
  const bytes = texts.reduce((n, t) => n + t.length, 0);
  const parse = best(() => texts.map((t, k) => parseClif(t, String(k))));
  const funcs = parse.result.flatMap((f) => f.functions.map((x) => x.func));
  const insts = funcs.reduce((n, f) => n + f.countInsts(), 0);
  console.log(`corpus: ${texts.length} files, ${fmt(lines)} lines, ${(bytes / 1e6).toFixed(1)} MB, ${funcs.length} functions, ${fmt(insts)} instructions`);
  console.log(`  parse   ${parse.ms.toFixed(0).padStart(6)} ms  ${fmt(lines / (parse.ms / 1000))} lines/s  ${fmt(insts / (parse.ms / 1000))} insts/s`);
  for (const p of PHASES) {
    const r = best(() => p.run(funcs));
    console.log(`  ${p.name.padEnd(7)} ${r.ms.toFixed(0).padStart(6)} ms  ${fmt(insts / (r.ms / 1000))} insts/s`);
  }
  const printed = funcs.map((f) => printFunction(f)).join('\n');
  const printedLines = printed.split('\n').length;
  const reparse = best(() => parseClif(printed, 'printed'));
  console.log(`  reparse ${reparse.ms.toFixed(0).padStart(6)} ms  ${fmt(printedLines / (reparse.ms / 1000))} lines/s (printed text, one file of ${fmt(printedLines)} lines)`);
}

// ---------------------------------------------------------------- generated functions

/**
 * CLIF text of one function with about `n` instructions: a chain of blocks of
 * ~32 instructions each (arithmetic, loads, stores, a compare and a branch),
 * every block passing a value to the next.
 */
function generateText(n: number): string {
  const out: string[] = ['function %gen(i64, i32) -> i32 {', 'block0(v0: i64, v1: i32):', '    jump block1(v1)'];
  let v = 2;
  let emitted = 1;
  let b = 1;
  while (emitted < n) {
    const p = v++;
    out.push('', `block${b}(v${p}: i32):`);
    const pool = [p];
    const pick = () => pool[(v * 7919) % pool.length];
    for (let k = 0; k < 28 && emitted < n - 3; k++, emitted++) {
      const d = v++;
      switch (k % 7) {
        case 0: out.push(`    v${d} = iconst.i32 ${k * 17 + b}`); break;
        case 1: out.push(`    v${d} = iadd v${pick()}, v${pick()}`); break;
        case 2: out.push(`    v${d} = imul v${pick()}, v${pick()}`); break;
        case 3: out.push(`    v${d} = load.i32 notrap aligned v0+${(k * 4) % 256}`); break;
        case 4: out.push(`    v${d} = bxor v${pick()}, v${pick()}`); break;
        case 5: out.push(`    store notrap aligned v${pick()}, v0+${(k * 4) % 256}`); v--; break;
        default: out.push(`    v${d} = iadd v${pick()}, v${p}`); break;
      }
      if (k % 7 !== 5) pool.push(d);
    }
    const c = v++;
    out.push(`    v${c} = icmp ult v${pick()}, v${p}`);
    emitted++;
    if (emitted >= n - 2) {
      out.push(`    return v${pick()}`);
      break;
    }
    out.push(`    brif v${c}, block${b + 1}(v${pick()}), block${b + 1}(v${p})`);
    emitted++;
    b++;
  }
  out.push('}', '');
  return out.join('\n');
}

/** The same shape built directly with the Function API (no text). */
function generateFunction(n: number): Function {
  const f = new Function();
  f.name = { kind: 'testcase', name: 'gen' };
  f.signature = { params: [abiParam(I64), abiParam(I32)], returns: [abiParam(I32)], callConv: 'fast' };
  const b0 = f.makeBlock();
  f.appendBlock(b0);
  const base = f.appendBlockParam(b0, I64);
  const arg = f.appendBlockParam(b0, I32);
  const emit = (block: Block, op: number, type: number, args: number[]) => {
    const i = f.makeInst(op as never, type as never, args);
    f.makeResults(i, resultTypes(f, i));
    f.appendInst(i, block);
    return i;
  };
  let cur = f.makeBlock();
  f.appendBlock(cur);
  const j = emit(b0, JUMP, INVALID, []);
  f.setImm0(j, f.makeBlockCall(cur, [arg]));
  let emitted = 1;
  let seed = 1;
  while (emitted < n) {
    const p = f.appendBlockParam(cur, I32);
    const pool: Value[] = [p];
    const pick = () => pool[(seed = (seed * 7919 + 1) % 65521) % pool.length];
    for (let k = 0; k < 28 && emitted < n - 3; k++, emitted++) {
      let i: number;
      switch (k % 7) {
        case 0: i = emit(cur, ICONST, I32, []); f.setImm64(i as never, BigInt(k)); break;
        case 1: i = emit(cur, IADD, I32, [pick(), pick()]); break;
        case 2: i = emit(cur, IMUL, I32, [pick(), pick()]); break;
        case 3: i = emit(cur, LOAD, I32, [base]); f.setImm0(i as never, MEMFLAGS_DEFAULT); break;
        case 4: i = emit(cur, BXOR, I32, [pick(), pick()]); break;
        case 5: i = emit(cur, STORE, I32, [pick(), base]); f.setImm0(i as never, MEMFLAGS_DEFAULT); break;
        default: i = emit(cur, IADD, I32, [pick(), p]); break;
      }
      if (f.resultCount(i as never) > 0) pool.push(f.firstResult(i as never));
    }
    const c = emit(cur, ICMP, I32, [pick(), p]);
    f.setImm0(c as never, IntCC.Ult);
    emitted++;
    if (emitted >= n - 2) {
      emit(cur, RETURN, INVALID, [pick()]);
      break;
    }
    const next = f.makeBlock();
    f.appendBlock(next);
    const br = emit(cur, BRIF, INVALID, [f.firstResult(c as never)]);
    f.setImm0(br as never, f.makeBlockCall(next, [pick()]));
    f.setImm1(br as never, f.makeBlockCall(next, [p]));
    emitted++;
    cur = next;
  }
  return f;
}

function sizeBench(): void {
  console.log('\ngenerated functions (best of %d; memory retained by the parsed Function%s)', repeat, gc ? '' : ', run with --expose-gc for the heap figure');
  console.log('  insts     text lines   parse ms  print ms  build ms   parse insts/s  ns/inst(parse)  tables MB  heap MB  bytes/inst');
  for (const n of [1_000, 10_000, 100_000, 1_000_000]) {
    if (n > maxSize) break;
    const text = generateText(n);
    const lines = text.split('\n').length;
    const parse = best(() => parseClif(text, 'gen').functions[0].func);
    const f = parse.result;
    const insts = f.countInsts();
    const print = best(() => printFunction(f));
    const build = best(() => generateFunction(n));
    // Memory: the IR tables (typed arrays, growth slack included) are counted
    // exactly; the JS heap delta (small objects: block param arrays, preamble)
    // is measured around several held copies, to rise above collector noise.
    const tables = tableBytes(f);
    const copies = Math.max(1, Math.min(100, Math.floor(1_000_000 / n)));
    const before = heapOnly();
    const held: Function[] = [];
    for (let c = 0; c < copies; c++) held.push(parseClif(text, 'gen').functions[0].func);
    const heap = Math.max(0, (heapOnly() - before) / copies);
    if (held[0].countInsts() !== insts) throw new Error('bench: inconsistent parse');
    const total = tables + heap;
    console.log(
      `  ${fmt(insts).padEnd(9)} ${fmt(lines).padStart(10)}  ${parse.ms.toFixed(1).padStart(9)} ${print.ms.toFixed(1).padStart(9)} ${build.ms.toFixed(1).padStart(9)}` +
      `  ${fmt(insts / (parse.ms / 1000)).padStart(14)}  ${((parse.ms * 1e6) / insts).toFixed(0).padStart(14)}  ${(tables / 1e6).toFixed(1).padStart(9)}  ${(heap / 1e6).toFixed(1).padStart(7)}  ${(total / insts).toFixed(0).padStart(10)}`,
    );
  }
}

// ---------------------------------------------------------------- verifier and analyses (verifier worker)

PHASES.push(
  { name: 'verify', run: (funcs) => { for (const f of funcs) verifyFunction(f); } },
  { name: 'cfg+dom', run: (funcs) => { for (const f of funcs) computeDomtree(f, computeCfg(f)); } },
);

/** Verify and analyse the generated functions: time per instruction should stay flat as size grows. */
function verifySizeBench(): void {
  console.log('\nverifier and analyses on generated functions (best of %d)', repeat);
  console.log('  insts     verify ms  ns/inst   cfg+domtree+loops ms  ns/inst   errors');
  for (const n of [1_000, 10_000, 100_000, 1_000_000]) {
    if (n > maxSize) break;
    const f = generateFunction(n);
    const insts = f.countInsts();
    // No gc() between runs: after a forced full collection V8 re-grows its heap during
    // the next run, which charges the verifier several times its own cost.
    const verify = best(() => verifyFunction(f));
    const analyses = best(() => {
      const cfg = computeCfg(f);
      const dt = computeDomtree(f, cfg);
      return computeLoops(f, cfg, dt);
    });
    console.log(
      `  ${fmt(insts).padEnd(9)} ${verify.ms.toFixed(1).padStart(9)}  ${((verify.ms * 1e6) / insts).toFixed(0).padStart(7)}` +
      `   ${analyses.ms.toFixed(1).padStart(20)}  ${((analyses.ms * 1e6) / insts).toFixed(0).padStart(7)}   ${verify.result.length}`,
    );
  }
}

corpusBench();
sizeBench();
verifySizeBench();
