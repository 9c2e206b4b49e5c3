// The Windlass side of tools/bench/vs-cranelift.ts, run as a process of its own (bundled with
// esbuild, then `node bundle.mjs ...`), so that its CPU time and peak RSS are those of the whole
// process, Node's own start-up and baseline included.
//
//   node bundle.mjs --file M.wasm --opt none|speed [--settings a=b,c=d] [--bounds guard|explicit]
//       [--only 3,17] [--slowest N] [--repeat N]
//
// --only compiles just those functions (indexes into the code section); --slowest N lists the N
// slowest functions on stderr (time, IR instructions, time per instruction); --repeat N compiles
// them N times (the last round is the one measured: profiles of warm code).
//
// It compiles a wasm module the way the native engine does: decode + validate, then for each
// function translation into IR (the standard environment) and compilation to x86-64 machine
// code, one function at a time (each function's IR is garbage once its code is out; only the
// compiled code is kept, as a linker would need it). Prints one JSON line (see `Result`).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { buildIsa, phaseTimes, registerIsa, settingsBuilder, type CompiledCode } from '@windlass/codegen';
import { x64Isa } from '@windlass/isa-x64';
import { StandardEnvironment, type BoundsChecks } from '@windlass/linker';
import { parseModule, translateFunction } from '@windlass/wasm-frontend';

export interface Result {
  /** User + system CPU of the whole process, from its start to the end of the compile (ms). */
  processCpu: number;
  /** CPU of the compile alone (decode + validate + translate + compile, ms). */
  compileCpu: number;
  /** Wall time of the compile alone (ms). */
  compileWall: number;
  /** Peak resident set of the process (MB). */
  peakRss: number;
  functions: number;
  /** Functions that failed to translate or compile, with the first messages. */
  failed: number;
  failures: string[];
  codeBytes: number;
  irInsts: number;
  /** SHA-256 (first 16 hex digits) of every function's code, relocations and traps, in order. */
  hash: string;
  /**
   * Wall time per phase (ms; `process.cpuUsage` per phase would cost more than small phases:
   * on a shared machine these are inflated, in proportion).
   */
  phases: { translate: number; verify: number; opt: number; lower: number; regalloc: number; emit: number };
}

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

function main(): void {
  registerIsa(x64Isa);
  const file = arg('file', '');
  const b = settingsBuilder();
  b.apply(`opt_level=${arg('opt', 'speed')}`);
  for (const s of arg('settings', '').split(',')) if (s !== '') b.apply(s);
  const isa = buildIsa(arg('target', 'x86_64 haswell'), b.finish());
  const boundsChecks = arg('bounds', 'guard') as BoundsChecks;

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
  // --repeat N compiles the selection N times (for profiles of warm code); the last round counts.
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
  if (slowest > 0) {
    const all = times.reduce((x, t) => x + t.ms, 0);
    times.sort((x, y) => y.ms - x.ms);
    const top = times.slice(0, slowest);
    console.error(`slowest ${top.length} functions: ${(100 * top.reduce((x, t) => x + t.ms, 0) / all).toFixed(1)}% of the compile time`);
    for (const t of top) console.error(`  function ${t.index}: ${t.insts} IR insts, ${t.ms.toFixed(1)} ms, ${((1000 * t.ms) / Math.max(1, t.insts)).toFixed(2)} us/inst`);
  }
  console.log(JSON.stringify(result));
}

main();
