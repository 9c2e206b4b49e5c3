// The Windlass side of tools/bench/vs-cranelift.ts, run as a process of its own (bundled with
// esbuild, then `node bundle.mjs ...`), so that its CPU time and peak RSS are those of the whole
// process, Node's own start-up and baseline included.
//
//   node bundle.mjs --file M.wasm --opt none|speed [--settings a=b,c=d] [--bounds guard|explicit]
//       [--workers N] [--target LINE]
//   node bundle.mjs --file M.wasm --opt speed --per-function [--only 3,17] [--slowest N] [--repeat N]
//
// It compiles a wasm module into an artifact with `@windlass/linker`'s `compileModule` (decode
// + validate, then each function translated and compiled one at a time, its IR garbage once its
// code is out; trampolines; the linked .text), as wasmtime's `Module(engine, bytes)` does; with
// --workers N, `compileModuleParallel` on N Node worker threads (started inside the timed
// region: their start-up counts). Prints one JSON line (see `Result`); `hash` fingerprints the
// serialized artifact, so runs with any number of workers must agree.
//
// --per-function compiles every function to machine code without linking (translate + compile
// each, as before artifacts existed) and is for diagnosis: --only compiles just those functions
// (indexes into the code section); --slowest N lists the N slowest on stderr (time, IR
// instructions, time per instruction); --repeat N compiles them N times (the last round is the
// one measured: profiles of warm code).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { buildIsa, phaseTimes, registerIsa, settingsBuilder, type CompiledCode } from '@windlass/codegen';
import { x64Isa } from '@windlass/isa-x64';
import {
  StandardEnvironment, compileModule, compileModuleParallel, serialize, serveCompileRequests,
  type Artifact, type BoundsChecks, type CompileWorker,
} from '@windlass/linker';
import { parseModule, translateFunction } from '@windlass/wasm-frontend';

export interface Result {
  /** User + system CPU of the whole process (every thread), from its start to the end of the compile (ms). */
  processCpu: number;
  /** CPU of the compile alone (ms). */
  compileCpu: number;
  /** Wall time of the compile alone (ms). */
  compileWall: number;
  /** Peak resident set of the process (MB). */
  peakRss: number;
  functions: number;
  /** Functions that failed to translate or compile (--per-function), with the first messages. */
  failed: number;
  failures: string[];
  codeBytes: number;
  irInsts: number;
  /** SHA-256 (first 16 hex digits) of the serialized artifact (--per-function: of every function's code). */
  hash: string;
  /**
   * Wall time per phase on the main thread (ms; `process.cpuUsage` per phase would cost more
   * than small phases: on a shared machine these are inflated, in proportion).
   */
  phases: { translate: number; verify: number; opt: number; lower: number; regalloc: number; emit: number };
}

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

/** `n` worker threads running this same file, as the linker's engine-agnostic workers. */
function startWorkers(n: number): { workers: CompileWorker[]; stop(): Promise<void> } {
  const threads = Array.from({ length: n }, () => new Worker(new URL(import.meta.url), { workerData: { windlassCompileWorker: true }, execArgv: process.execArgv }));
  const workers = threads.map((t): CompileWorker => {
    let onMessage: (m: unknown) => void = () => undefined;
    let onError: (e: unknown) => void = () => undefined;
    t.on('message', (m) => onMessage(m));
    t.on('error', (e) => onError(e));
    return {
      postMessage: (m) => t.postMessage(m),
      onMessage: (h) => (onMessage = h),
      onError: (h) => (onError = h),
    };
  });
  return { workers, stop: async () => void (await Promise.all(threads.map((t) => t.terminate()))) };
}

async function main(): Promise<void> {
  registerIsa(x64Isa);
  if (!isMainThread && (workerData as { windlassCompileWorker?: boolean } | null)?.windlassCompileWorker) {
    const port = parentPort!;
    serveCompileRequests({ postMessage: (m) => port.postMessage(m), onMessage: (h) => void port.on('message', h) });
    return;
  }
  const file = arg('file', '');
  const settings = [`opt_level=${arg('opt', 'speed')}`, ...arg('settings', '').split(',').filter((s) => s !== '')];
  const target = arg('target', 'x86_64 haswell');
  const boundsChecks = arg('bounds', 'guard') as BoundsChecks;
  if (process.argv.includes('--per-function')) return perFunction(file, settings, target, boundsChecks);
  const workers = Number(arg('workers', '0'));

  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const bytes = new Uint8Array(readFileSync(file));
  let artifact: Artifact;
  if (workers > 0) {
    const pool = startWorkers(workers);
    artifact = await compileModuleParallel(bytes, { target, settings, boundsChecks }, pool.workers);
    await pool.stop();
  } else artifact = compileModule(bytes, { target, settings, boundsChecks });
  const compileWall = performance.now() - w0;
  const c = process.cpuUsage(c0);
  const total = process.cpuUsage();
  const peakRss = process.resourceUsage().maxRSS / 1024;
  const result: Result = {
    processCpu: (total.user + total.system) / 1000,
    compileCpu: (c.user + c.system) / 1000,
    compileWall,
    peakRss,
    functions: artifact.modules[0].functions.length,
    failed: 0,
    failures: [],
    codeBytes: artifact.text.length,
    irInsts: phaseTimes.irInsts,
    hash: createHash('sha256').update(serialize(artifact)).digest('hex').slice(0, 16),
    phases: { translate: 0, verify: phaseTimes.verify, opt: phaseTimes.opt, lower: phaseTimes.lower, regalloc: phaseTimes.regalloc, emit: phaseTimes.emit },
  };
  console.log(JSON.stringify(result));
}

/** Every function to machine code, unlinked, one at a time (see the header). */
function perFunction(file: string, settings: string[], target: string, boundsChecks: BoundsChecks): void {
  const b = settingsBuilder();
  b.apply('enable_verifier=false');
  for (const s of settings) b.apply(s);
  const isa = buildIsa(target, b.finish());
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const m = parseModule(new Uint8Array(readFileSync(file)));
  const env = new StandardEnvironment(m, { boundsChecks });
  const codes: (CompiledCode | null)[] = [];
  const failures: string[] = [];
  let failed = 0;
  let translate = 0;
  const only = arg('only', '') === '' ? null : new Set(arg('only', '').split(',').map(Number));
  const slowest = Number(arg('slowest', '0'));
  const times: { index: number; ms: number; insts: number }[] = [];
  const repeat = Number(arg('repeat', '1'));
  for (let round = 1; round < repeat; round++) {
    for (let i = 0; i < m.bodies.length; i++) if (only === null || only.has(i)) isa.compileFunction(translateFunction(m, i, env), { wantListing: false });
  }
  for (let i = 0; i < m.bodies.length; i++) {
    if (only !== null && !only.has(i)) continue;
    const t0 = performance.now();
    let code: CompiledCode | null = null;
    let insts = 0;
    try {
      const f = translateFunction(m, i, env);
      translate += performance.now() - t0;
      if (slowest > 0) insts = f.countInsts();
      code = isa.compileFunction(f, { wantListing: false });
    } catch (e) {
      if (failed++ < 5) failures.push(`function ${i}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (slowest > 0) times.push({ index: i, ms: performance.now() - t0, insts });
    codes.push(code);
  }
  const compileWall = performance.now() - w0;
  const c = process.cpuUsage(c0);
  const total = process.cpuUsage();
  const peakRss = process.resourceUsage().maxRSS / 1024;
  const h = createHash('sha256');
  let codeBytes = 0;
  for (const code of codes) {
    if (code === null) {
      h.update('failed\n');
      continue;
    }
    codeBytes += code.bytes.length;
    h.update(code.bytes);
    h.update(JSON.stringify([code.relocations, code.traps], (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)));
  }
  if (slowest > 0) {
    const all = times.reduce((x, t) => x + t.ms, 0);
    times.sort((x, y) => y.ms - x.ms);
    const top = times.slice(0, slowest);
    console.error(`slowest ${top.length} functions: ${(100 * top.reduce((x, t) => x + t.ms, 0) / all).toFixed(1)}% of the compile time`);
    for (const t of top) console.error(`  function ${t.index}: ${t.insts} IR insts, ${t.ms.toFixed(1)} ms, ${((1000 * t.ms) / Math.max(1, t.insts)).toFixed(2)} us/inst`);
  }
  const result: Result = {
    processCpu: (total.user + total.system) / 1000,
    compileCpu: (c.user + c.system) / 1000,
    compileWall,
    peakRss,
    functions: m.bodies.length,
    failed,
    failures,
    codeBytes,
    irInsts: phaseTimes.irInsts,
    hash: h.digest('hex').slice(0, 16),
    phases: { translate, verify: phaseTimes.verify, opt: phaseTimes.opt, lower: phaseTimes.lower, regalloc: phaseTimes.regalloc, emit: phaseTimes.emit },
  };
  console.log(JSON.stringify(result));
}

await main();
