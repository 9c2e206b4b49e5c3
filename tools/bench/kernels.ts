// Quality of generated code: small C kernels (tools/bench/kernels/*.c) built to wasm32 by clang
// -O2, run by every engine at hand, timed per call, compared with gcc -O2 native code.
//
//   npx tsx --conditions=windlass:source tools/bench/kernels.ts [--rounds 3] [--reps 2]
//       [--only dot,matmul] [--scale 1] [--bounds explicit|guard]
//
// Columns: gcc -O2 native (the baseline), Windlass at opt_level=none and speed (compiled by
// @windlass/linker, run by @windlass/runtime), Cranelift
// (PyPI `wasmtime`, skipped when Python cannot import it) and V8 TurboFan (Node's own
// WebAssembly, Liftoff off). Each figure is the thread CPU time of the `run(n)` call alone (V8:
// process CPU time, it has no per-thread clock here; Windlass: the loader process's CPU time), the best of `--reps` calls after one
// warm-up call, and the best over `--rounds` rounds. Rounds are interleaved: each round runs
// every kernel on every engine in turn, so load from the machine's neighbours spreads over all
// columns alike. Every engine must return the same checksum; a mismatch is printed and the
// kernel is left out of the geomeans.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@windlass/isa-x64';
import { DEFAULT_BOUNDS_CHECKS, compileModule, serialize, type BoundsChecks } from '@windlass/linker';
import { Runtime, i32 } from '@windlass/runtime';
import { arg } from './support';

const here = dirname(fileURLToPath(import.meta.url));
const kernelDir = join(here, 'kernels');

/** The argument of each kernel's `run(n)`: about 30-60 ms of gcc -O2 code on this machine. */
const SIZES: Record<string, number> = {
  btree: 100, chase: 6_000_000, collatz: 300_000, crc32: 400, dot: 10_000, fib: 34, hash: 10_000_000,
  interp: 1_500_000, mandel: 600, matmul: 150, nbody: 1500, saxpy: 3000, sieve: 60, sort: 20, strsearch: 100,
};

interface Measured { result: number; ns: number }
/** An engine prepared for one kernel: run it once (warm-up + reps calls), best time. */
type Runner = () => Measured | string;
interface Engine { name: string; prepare(kernel: string, wasm: string, csrc: string, n: number, dir: string): Runner | string }

const reps = Number(arg('reps', '2'));
const rounds = Number(arg('rounds', '3'));
const scale = Number(arg('scale', '1'));
const bounds = arg('bounds', DEFAULT_BOUNDS_CHECKS) as BoundsChecks;
const only = arg('only', '').split(',').filter(Boolean);

function sh(cmd: string, args: string[], timeout = 600_000): { ok: boolean; out: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout, maxBuffer: 64 << 20 });
  return { ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

/** Lines `<result> <ns>`: the first is the warm-up call. */
function bestOf(out: string, pattern = /^(\d+) (\d+)$/): Measured | string {
  const calls = out.split('\n').flatMap((l) => {
    const m = pattern.exec(l.trim());
    return m ? [{ result: Number(m[1]) >>> 0, ns: Number(m[2]) }] : [];
  });
  if (calls.length < 2) return `no timings: ${out.trim().split('\n').slice(-3).join(' | ')}`;
  const timed = calls.slice(1);
  if (timed.some((c) => c.result !== calls[0].result)) return 'calls returned different results';
  return { result: calls[0].result, ns: Math.min(...timed.map((c) => c.ns)) };
}

const NATIVE_MAIN = String.raw`
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
unsigned run(unsigned n);
static unsigned long long now(void) { struct timespec t; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t); return t.tv_sec * 1000000000ull + t.tv_nsec; }
int main(int argc, char **argv) {
  unsigned n = (unsigned)strtoul(argv[1], 0, 10); int reps = atoi(argv[2]);
  for (int k = 0; k <= reps; k++) { unsigned long long t0 = now(); unsigned r = run(n); unsigned long long t1 = now(); printf("%u %llu\n", r, t1 - t0); }
  return 0;
}
`;

const native: Engine = {
  name: 'gcc -O2',
  prepare(kernel, _wasm, csrc, n, dir) {
    const exe = join(dir, `${kernel}.native`);
    const main = join(dir, 'native-main.c');
    writeFileSync(main, NATIVE_MAIN);
    const cc = sh('gcc', ['-O2', '-o', exe, csrc, main, '-lm']);
    if (!cc.ok) return `gcc: ${cc.out}`;
    return () => bestOf(sh(exe, [String(n), String(reps)]).out);
  },
};

/** CPU time the loader process has used so far, in ns (its scheduler statistics). */
function loaderNs(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
}

/**
 * Windlass-compiled wasm: the module compiled by `@windlass/linker` with `settings` into an
 * artifact, loaded and instantiated by `@windlass/runtime`, `run(n)` invoked `reps + 1` times.
 * The time of a call is the CPU time of the loader process across it (it runs nothing else).
 * This is the one place that knows how Windlass-compiled wasm is run.
 */
function windlassRunner(wasmPath: string, settings: string[], n: number): Runner | string {
  const artifact = serialize(compileModule(new Uint8Array(readFileSync(wasmPath)), { target: 'x86_64', settings, boundsChecks: bounds }));
  const runtime = new Runtime({ stdio: ['ignore', 'ignore', 'inherit'] });
  openRuntimes.push(runtime);
  const instance = runtime.instantiate(runtime.load(artifact, { boundsChecks: bounds }));
  const pid = runtime.loaderPid;
  if (pid === undefined) return 'the runtime has no loader process';
  return () => {
    const lines: string[] = [];
    for (let k = 0; k <= reps; k++) {
      const t0 = loaderNs(pid);
      const [r] = instance.invoke('run', [i32(n)], { timeoutMs: 600_000 });
      const t1 = loaderNs(pid);
      lines.push(`${r.type === 'i32' ? Number(r.value) >>> 0 : -1} ${t1 - t0}`);
    }
    return bestOf(lines.join('\n'));
  };
}

const openRuntimes: Runtime[] = [];

function windlass(level: 'none' | 'speed'): Engine {
  return {
    name: `windlass ${level}`,
    prepare: (_kernel, wasm, _csrc, n) => windlassRunner(wasm, [`opt_level=${level}`], n),
  };
}

const WASMTIME_PY = `
import sys, time, wasmtime
path, n, reps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
cfg = wasmtime.Config()
cfg.cranelift_opt_level = 'speed'
engine = wasmtime.Engine(cfg)
store = wasmtime.Store(engine)
inst = wasmtime.Instance(store, wasmtime.Module.from_file(engine, path), [])
run = inst.exports(store)['run']
for k in range(reps + 1):
    t0 = time.thread_time_ns(); r = run(store, n); t1 = time.thread_time_ns()
    print(r & 0xffffffff, t1 - t0, flush=True)
`;

const cranelift: Engine = {
  name: 'cranelift',
  prepare(_kernel, wasm, _csrc, n, dir) {
    const script = join(dir, 'wasmtime-run.py');
    writeFileSync(script, WASMTIME_PY);
    return () => bestOf(sh('python3', [script, wasm, String(n), String(reps)]).out);
  },
};

const V8_JS = `
const { readFileSync } = require('node:fs');
const [path, n, reps] = process.argv.slice(2);
const inst = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(path)), {});
for (let k = 0; k <= Number(reps); k++) {
  const t0 = process.cpuUsage(); const r = inst.exports.run(Number(n)) >>> 0; const d = process.cpuUsage(t0);
  console.log(r + ' ' + (d.user + d.system) * 1000);
}
`;

const v8: Engine = {
  name: 'v8 turbofan',
  prepare(_kernel, wasm, _csrc, n, dir) {
    const script = join(dir, 'v8-run.cjs');
    writeFileSync(script, V8_JS);
    return () => bestOf(sh(process.execPath, ['--no-liftoff', '--no-wasm-tier-up', script, wasm, String(n), String(reps)]).out);
  },
};

function geomean(xs: number[]): number {
  return xs.length ? Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length) : NaN;
}

function main(): void {
  for (const tool of ['clang', 'wasm-ld', 'gcc', 'cc']) {
    if (!sh(tool, ['--version']).ok) {
      console.log(`kernels: ${tool} is missing (apt-get install clang lld libclang-rt-dev-wasm32 gcc); nothing measured`);
      return;
    }
  }
  const engines: Engine[] = [native, windlass('none'), windlass('speed')];
  if (sh('python3', ['-c', 'import wasmtime']).ok) engines.push(cranelift);
  else console.log('cranelift: skipped (python3 cannot import wasmtime; pip install wasmtime)');
  engines.push(v8);

  const kernels = readdirSync(kernelDir).filter((f) => f.endsWith('.c')).map((f) => f.slice(0, -2)).filter((k) => only.length === 0 || only.includes(k)).sort();
  const dir = mkdtempSync(join(tmpdir(), 'windlass-kernels-'));
  try {
    const runners = new Map<string, (Runner | string)[]>();
    for (const k of kernels) {
      const csrc = join(kernelDir, `${k}.c`);
      const wasm = join(dir, `${k}.wasm`);
      const n = Math.max(1, Math.round((SIZES[k] ?? 1) * scale));
      const cl = sh('clang', ['--target=wasm32', '-O2', '-mbulk-memory', '-nostdlib', '-Wl,--no-entry', '-o', wasm, csrc]);
      if (!cl.ok) {
        runners.set(k, engines.map(() => `clang: ${cl.out}`));
        continue;
      }
      runners.set(k, engines.map((e) => {
        const sub = mkdtempSync(join(dir, `${k}-`));
        try {
          return e.prepare(k, wasm, csrc, n, sub);
        } catch (err) {
          return `${e.name}: ${err instanceof Error ? err.message : String(err)}`;
        }
      }));
    }
    const best = new Map<string, (Measured | string | undefined)[]>(kernels.map((k) => [k, engines.map(() => undefined)]));
    for (let r = 0; r < rounds; r++) {
      for (const k of kernels) {
        runners.get(k)!.forEach((run, e) => {
          const row = best.get(k)!;
          if (typeof row[e] === 'string') return;
          const m = typeof run === 'string' ? run : run();
          const prev = row[e];
          if (typeof m === 'string') row[e] = m;
          else if (prev === undefined || (typeof prev !== 'string' && m.ns < prev.ns)) row[e] = m;
        });
      }
      process.stderr.write(`round ${r + 1}/${rounds} done\n`);
    }
    report(kernels, engines, best);
  } finally {
    for (const r of openRuntimes) r.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function report(kernels: string[], engines: Engine[], best: Map<string, (Measured | string | undefined)[]>): void {
  const w = 16;
  console.log(`\nrun(n) call time, best CPU time (ms) over ${rounds} interleaved rounds x ${reps} calls; shared machine; bounds checks: ${bounds}`);
  console.log(`${'kernel'.padEnd(10)}${engines.map((e) => e.name.padStart(w)).join('')}   ratio to gcc -O2 (${engines.slice(1).map((e) => e.name).join(', ')})`);
  const ratios: number[][] = engines.map(() => []);
  const problems: string[] = [];
  const speedIdx = engines.findIndex((e) => e.name === 'windlass speed');
  const pairs = { speedVsCl: [] as number[], speedVsNone: [] as number[] };
  const clIdx = engines.findIndex((e) => e.name === 'cranelift');
  const noneIdx = engines.findIndex((e) => e.name === 'windlass none');
  for (const k of kernels) {
    const row = best.get(k)!;
    const base = row[0];
    const results = new Set(row.flatMap((m) => (m && typeof m !== 'string' ? [m.result] : [])));
    const agree = results.size <= 1;
    if (!agree) problems.push(`${k}: engines disagree on the result (${row.map((m, e) => `${engines[e].name}=${m && typeof m !== 'string' ? m.result : '-'}`).join(', ')})`);
    row.forEach((m, e) => {
      if (typeof m === 'string') problems.push(`${k} on ${engines[e].name}: ${m.slice(0, 300)}`);
    });
    const ms = row.map((m) => (m && typeof m !== 'string' ? (m.ns / 1e6).toFixed(2) : 'n/a').padStart(w)).join('');
    const rs = row.slice(1).map((m) => (m && typeof m !== 'string' && base && typeof base !== 'string' ? (m.ns / base.ns).toFixed(2) : 'n/a').padStart(6)).join('');
    console.log(`${k.padEnd(10)}${ms}   ${rs}${agree ? '' : '  MISMATCH'}`);
    if (!agree || !base || typeof base === 'string') continue;
    row.forEach((m, e) => {
      if (m && typeof m !== 'string') ratios[e].push(m.ns / base.ns);
    });
    const t = (i: number): number | undefined => (i >= 0 && row[i] && typeof row[i] !== 'string' ? (row[i] as Measured).ns : undefined);
    const [s, c, nn] = [t(speedIdx), t(clIdx), t(noneIdx)];
    if (s && c) pairs.speedVsCl.push(s / c);
    if (s && nn) pairs.speedVsNone.push(s / nn);
  }
  console.log(`${'geomean'.padEnd(10)}${engines.map((_, e) => `${geomean(ratios[e]).toFixed(2)}x`.padStart(w)).join('')}   (ratio to gcc -O2, over ${ratios[0].length} kernels)`);
  if (pairs.speedVsCl.length) console.log(`windlass speed / cranelift: ${geomean(pairs.speedVsCl).toFixed(2)}x (geomean over ${pairs.speedVsCl.length} kernels)`);
  if (pairs.speedVsNone.length) console.log(`windlass speed / windlass none: ${geomean(pairs.speedVsNone).toFixed(2)}x`);
  for (const p of problems) console.log(`problem: ${p}`);
}

main();
