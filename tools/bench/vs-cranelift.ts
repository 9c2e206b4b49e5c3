// Windlass against Cranelift on real wasm modules: CPU time and peak memory of compiling a
// module for x86-64, side by side, with the ratios; and the wall time of compiling on 2 workers.
//
//   npx tsx tools/bench/vs-cranelift.ts [--modules sqljs,esbuild,swc|FILE.wasm,...] [--opt none,speed]
//       [--reps 3] [--settings name=value,...] [--bounds guard|explicit] [--parallel esbuild|none]
//       [--source]
//
// Modules: sql.js 1.17.0 (sql-wasm.wasm), esbuild-wasm 0.28.2 (esbuild.wasm) and @swc/wasm
// 1.16.21 (wasm_bg.wasm), exact devDependencies of the workspace, or any file given.
//
// Each measurement is a fresh process, so CPU time (user + system, all threads) and peak RSS
// are those of the whole process, its runtime's own start-up and baseline included:
//  - Windlass: `node` running an esbuild bundle of tools/bench/vs-cranelift-windlass.ts (as a
//    release build ships the packages; --source runs the TypeScript through tsx instead):
//    `compileModule(bytes)` of @windlass/linker, an artifact (decode + validate, translate and
//    compile each function one at a time, trampolines, one linked .text), target x86_64
//    haswell, the wasm path's default settings (no IR verifier) plus --settings. Bounds
//    checks: `guard` (a 4 GiB reservation + guard region, no explicit checks), like wasmtime's
//    default; --bounds explicit compares each access.
//  - Cranelift: `python3` with the PyPI `wasmtime` package, `wasmtime.Module(engine, bytes)`
//    (also a compiled artifact in memory) with `parallel_compilation = False`, its default
//    bounds checks (guard pages: none for 32-bit memories on a 64-bit host) and its default
//    stack-limit checks. When python3 or the package is missing, its columns say so and only
//    Windlass runs.
// Runs are interleaved (Windlass, Cranelift, next configuration, ... for --reps rounds) and the
// median of each is shown. The machine may be shared: CPU time is the figure to compare (wall
// time mostly measures the neighbours).
//
// The parallel section (--parallel, default esbuild; `none` skips it) compares compile wall
// times at opt_level=speed, interleaved: Windlass on the main thread, Windlass with
// `compileModuleParallel` on 2 worker threads (started inside the timed region), and Cranelift
// with `parallel_compilation = True` (on this machine's cores) and `False`. The 2-worker
// artifact must hash like the main thread's.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Result } from './vs-cranelift-windlass';
import { arg } from './support';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..', '..');
const KNOWN: Record<string, string> = {
  sqljs: 'node_modules/sql.js/dist/sql-wasm.wasm',
  esbuild: 'node_modules/esbuild-wasm/esbuild.wasm',
  swc: 'node_modules/@swc/wasm/wasm_bg.wasm',
};
const LABEL: Record<string, string> = { sqljs: 'sql.js 1.17.0', esbuild: 'esbuild-wasm 0.28.2', swc: '@swc/wasm 1.16.21' };

const modules = arg('modules', 'sqljs,esbuild,swc').split(',').map((m) => ({ label: LABEL[m] ?? m, path: KNOWN[m] ? join(root, KNOWN[m]) : m }));
const opts = arg('opt', 'none,speed').split(',');
const reps = Number(arg('reps', '3'));
const settings = arg('settings', '');
const bounds = arg('bounds', 'guard');
const source = process.argv.includes('--source');
const parallel = arg('parallel', 'esbuild');

interface Sample {
  processCpu: number;
  compileCpu: number;
  compileWall: number;
  peakRss: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function runJson<T>(cmd: string, args: string[]): T {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`${cmd} ${args.join(' ')} failed (status ${r.status}):\n${r.stderr.slice(-2000)}`);
  return JSON.parse(line) as T;
}

/** The Windlass child: a bundle run by node, or the TypeScript through tsx with --source. */
async function windlassCommand(dir: string): Promise<{ cmd: string; args: string[] }> {
  const entry = join(here, 'vs-cranelift-windlass.ts');
  if (source) return { cmd: process.execPath, args: ['--import', 'tsx', '--conditions', 'windlass:source', entry] };
  const outfile = join(dir, 'windlass.mjs');
  await build({
    entryPoints: [entry], bundle: true, format: 'esm', platform: 'node', target: 'node20', outfile, logLevel: 'error',
    conditions: ['windlass:source'], nodePaths: [join(root, 'node_modules')],
  });
  return { cmd: process.execPath, args: [outfile] };
}

function craneliftVersion(): string | null {
  try {
    return execFileSync('python3', [join(here, 'vs-cranelift-cranelift.py'), '--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

const fmtS = (ms: number): string => (ms / 1000).toFixed(2);
const fmtMB = (mb: number): string => (mb / 1024).toFixed(2);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'windlass-vs-'));
  try {
    const w = await windlassCommand(dir);
    const cl = craneliftVersion();
    const missing = modules.filter((m) => !existsSync(m.path));
    if (missing.length > 0) throw new Error(`missing modules (run npm install): ${missing.map((m) => m.path).join(', ')}`);
    console.log(`Windlass vs Cranelift, a wasm module compiled for x86-64; ${process.version}, ${source ? 'TypeScript sources (tsx)' : 'esbuild bundle'}; median of ${reps} interleaved runs; the machine may be shared with other jobs`);
    console.log(`Windlass: compileModule (an artifact), target x86_64 haswell, bounds checks ${bounds}${settings ? `, settings ${settings}` : ''}, one function at a time on one thread`);
    console.log(cl === null
      ? 'Cranelift: SKIPPED, python3 with the PyPI wasmtime package is not available (pip install wasmtime)'
      : `Cranelift: wasmtime ${cl} (PyPI), Module(engine, bytes), parallel_compilation=False, default bounds checks (guard pages) and stack-limit checks, host CPU features`);

    const nodeBase = runJson<Sample>(process.execPath, ['-e', 'const c=process.cpuUsage();console.log(JSON.stringify({processCpu:(c.user+c.system)/1000,peakRss:process.resourceUsage().maxRSS/1024}))']);
    const pyBase = cl === null ? null : runJson<Sample>('python3', ['-c', 'import json,resource,wasmtime;wasmtime.Engine();u=resource.getrusage(resource.RUSAGE_SELF);print(json.dumps({"processCpu":(u.ru_utime+u.ru_stime)*1000,"peakRss":u.ru_maxrss/1024}))']);
    console.log(`process baselines: node ${nodeBase.processCpu.toFixed(0)} ms CPU, ${nodeBase.peakRss.toFixed(0)} MB; ${pyBase === null ? 'python3 + wasmtime: -' : `python3 + wasmtime ${pyBase.processCpu.toFixed(0)} ms CPU, ${pyBase.peakRss.toFixed(0)} MB`}`);

    const ws = new Map<string, Result[]>();
    const cs = new Map<string, Sample[]>();
    for (let r = 0; r < reps; r++) {
      for (const m of modules) {
        for (const opt of opts) {
          const key = `${m.label}\0${opt}`;
          const wr = runJson<Result>(w.cmd, [...w.args, '--file', m.path, '--opt', opt, '--bounds', bounds, ...(settings ? ['--settings', settings] : [])]);
          if (!ws.has(key)) ws.set(key, []);
          ws.get(key)!.push(wr);
          let line = `[${r + 1}/${reps}] ${m.label} ${opt}: Windlass ${fmtS(wr.processCpu)} s CPU, ${fmtMB(wr.peakRss)} GB`;
          if (cl !== null) {
            if (!cs.has(key)) cs.set(key, []);
            const cr = runJson<Sample>('python3', [join(here, 'vs-cranelift-cranelift.py'), m.path, opt, '0']);
            cs.get(key)!.push(cr);
            line += `; Cranelift ${fmtS(cr.processCpu)} s CPU, ${fmtMB(cr.peakRss)} GB`;
          }
          process.stderr.write(`${line}\n`);
        }
      }
    }

    console.log('| module | opt_level | functions | Windlass CPU s | Cranelift CPU s | CPU ratio | Windlass peak RSS GB | Cranelift peak RSS GB | RSS ratio | Windlass compile CPU s | Cranelift compile CPU s |');
    console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    const details: string[] = [];
    for (const m of modules) {
      for (const opt of opts) {
        const key = `${m.label}\0${opt}`;
        const wr = ws.get(key)!;
        const c = cs.get(key);
        const wCpu = median(wr.map((x) => x.processCpu));
        const wRss = median(wr.map((x) => x.peakRss));
        const wComp = median(wr.map((x) => x.compileCpu));
        const cCpu = c ? median(c.map((x) => x.processCpu)) : NaN;
        const cRss = c ? median(c.map((x) => x.peakRss)) : NaN;
        const cComp = c ? median(c.map((x) => x.compileCpu)) : NaN;
        const ratio = (a: number, b: number): string => (Number.isNaN(b) ? '-' : `${(a / b).toFixed(2)}x`);
        const f = wr[0];
        console.log(`| ${m.label} | ${opt} | ${f.functions}${f.failed ? ` (${f.failed} failed)` : ''} | ${fmtS(wCpu)} | ${c ? fmtS(cCpu) : '-'} | ${ratio(wCpu, cCpu)} | ${fmtMB(wRss)} | ${c ? fmtMB(cRss) : '-'} | ${ratio(wRss, cRss)} | ${fmtS(wComp)} | ${c ? fmtS(cComp) : '-'} |`);
        const p = f.phases;
        const hashes = [...new Set(wr.map((x) => x.hash))];
        details.push(`${m.label} ${opt}: ${f.irInsts} IR insts, ${f.codeBytes} code bytes, output ${hashes.join(' / ')}${hashes.length > 1 ? ' (DIFFERS between runs)' : ''}; ` +
          `phases (one run, wall ms): verify ${p.verify.toFixed(0)}, mid-end ${p.opt.toFixed(0)}, lower ${p.lower.toFixed(0)}, regalloc ${p.regalloc.toFixed(0)}, emit ${p.emit.toFixed(0)}, the rest (decode, translate, link) ${(f.compileWall - p.verify - p.opt - p.lower - p.regalloc - p.emit).toFixed(0)}` +
          (f.failed ? `; failures: ${f.failures.join(' | ')}` : ''));
      }
    }
    for (const d of details) console.log(d);
    if (parallel !== 'none') await parallelSection(w, cl);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Wall times on 2 workers beside 1 (see the header). */
async function parallelSection(w: { cmd: string; args: string[] }, cl: string | null): Promise<void> {
  const targets = parallel.split(',').map((m) => ({ label: LABEL[m] ?? m, path: KNOWN[m] ? join(root, KNOWN[m]) : m }));
  console.log(`\nParallel compilation, opt_level=speed, compile wall time (median of ${reps}; shared machine: wall time includes waiting for the neighbours)`);
  console.log('| module | Windlass 1 thread s | Windlass 2 workers s | 2 workers / 1 | Cranelift parallel s | Cranelift 1 thread s | Windlass 2 workers / Cranelift parallel | Windlass CPU 1 / 2 workers s |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const m of targets) {
    const one: Result[] = [];
    const two: Result[] = [];
    const cpar: Sample[] = [];
    const cseq: Sample[] = [];
    for (let r = 0; r < reps; r++) {
      const base = [...w.args, '--file', m.path, '--opt', 'speed', '--bounds', bounds, ...(settings ? ['--settings', settings] : [])];
      one.push(runJson<Result>(w.cmd, base));
      two.push(runJson<Result>(w.cmd, [...base, '--workers', '2']));
      if (cl !== null) {
        cpar.push(runJson<Sample>('python3', [join(here, 'vs-cranelift-cranelift.py'), m.path, 'speed', '1']));
        cseq.push(runJson<Sample>('python3', [join(here, 'vs-cranelift-cranelift.py'), m.path, 'speed', '0']));
      }
      process.stderr.write(`[${r + 1}/${reps}] parallel ${m.label}: Windlass ${fmtS(one[r].compileWall)} s / 2 workers ${fmtS(two[r].compileWall)} s${cl ? `; Cranelift parallel ${fmtS(cpar[r].compileWall)} s / 1 thread ${fmtS(cseq[r].compileWall)} s` : ''}\n`);
    }
    const hashes = new Set([...one, ...two].map((x) => x.hash));
    if (hashes.size !== 1) throw new Error(`the 2-worker artifact of ${m.label} differs from the main thread's: ${[...hashes].join(', ')}`);
    const w1 = median(one.map((x) => x.compileWall));
    const w2 = median(two.map((x) => x.compileWall));
    const cp = cl ? median(cpar.map((x) => x.compileWall)) : NaN;
    const cs = cl ? median(cseq.map((x) => x.compileWall)) : NaN;
    const dash = (x: number, f: (v: number) => string): string => (Number.isNaN(x) ? '-' : f(x));
    console.log(`| ${m.label} | ${fmtS(w1)} | ${fmtS(w2)} | ${(w2 / w1).toFixed(2)} | ${dash(cp, fmtS)} | ${dash(cs, fmtS)} | ${dash(cp, (x) => `${(w2 / x).toFixed(2)}x`)} | ${fmtS(median(one.map((x) => x.compileCpu)))} / ${fmtS(median(two.map((x) => x.compileCpu)))} |`);
    console.log(`${m.label}: artifact ${[...hashes][0]} on 1 thread and on 2 workers`);
  }
}

await main();
