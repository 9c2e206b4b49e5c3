// AOT artifacts of real programs, beside wasmtime's serialized modules, in one run:
//  - compile to artifact: compileModule + serialize (x86_64), beside wasmtime Module() + serialize;
//  - artifact size, beside Module.serialize's bytes;
//  - load time, deserialize (every check) + map in the loader (ready to instantiate), the median
//    of --repeat loads into one runtime, beside Module.deserialize.
// Inputs: sql.js's sql-wasm.wasm and esbuild-wasm's esbuild.wasm (root devDependencies), or the
// --module FILE given. wasmtime comes from PyPI (`pip install wasmtime`); without it its columns
// say so. Compiling esbuild.wasm (14 MB) takes minutes.
//
//   npx tsx --conditions=windlass:source tools/bench/artifact.ts [--repeat 5] [--module FILE.wasm]...
//        [--only sql.js]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import '@windlass/isa-x64';
import { compileModule, deserialize, serialize } from '@windlass/linker';
import { Runtime } from '@windlass/runtime';
import { arg } from './support';

const require = createRequire(import.meta.url);
const here = fileURLToPath(new URL('.', import.meta.url));
const repeat = Number(arg('repeat', '5'));

const inputs: { name: string; path: string }[] = [];
for (let i = 0; i < process.argv.length; i++) if (process.argv[i] === '--module') inputs.push({ name: basename(process.argv[i + 1]), path: process.argv[i + 1] });
if (inputs.length === 0) {
  inputs.push({ name: 'sql.js 1.17.0 (sql-wasm.wasm)', path: require.resolve('sql.js/dist/sql-wasm.wasm') });
  inputs.push({ name: 'esbuild-wasm 0.28.2 (esbuild.wasm)', path: require.resolve('esbuild-wasm/esbuild.wasm') });
}
const only = arg('only', '');

function cpuSeconds(f: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  f();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - w0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const mb = (n: number): string => `${(n / 1e6).toFixed(2)} MB`;
const s = (x: number): string => (x < 1 ? `${(x * 1000).toFixed(1)} ms` : `${x.toFixed(2)} s`);

console.log(`host: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}: the machine is shared, wall times vary; CPU times are this process's.`);
const runtime = new Runtime({ stdio: ['ignore', 'ignore', 'inherit'] });
const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
/** The loader process's user + system CPU seconds so far. */
function loaderCpu(): number {
  try {
    const f = readFileSync(`/proc/${runtime.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / ticks;
  } catch {
    return 0;
  }
}
for (const input of inputs) {
  if (only && !input.name.includes(only)) continue;
  const wasm = new Uint8Array(readFileSync(input.path));
  console.log(`\n${input.name}: ${mb(wasm.length)} of wasm`);
  let bytes: Uint8Array = new Uint8Array();
  let functions = 0;
  const compile = cpuSeconds(() => {
    const a = compileModule(wasm, { target: 'x86_64' });
    functions = a.code.length;
    bytes = serialize(a);
  });
  // Load: the runtime's load = deserialize (every check, in JS) + LOAD (map, relocate) in the
  // loader. CPU: this process's, plus the loader's (from /proc, in clock ticks).
  const des: { wall: number; cpu: number }[] = [];
  const loads: { wall: number; cpu: number }[] = [];
  for (let k = 0; k < repeat; k++) {
    des.push(cpuSeconds(() => deserialize(bytes, { isa: 'x86_64' })));
    const before = loaderCpu();
    const l = cpuSeconds(() => runtime.load(bytes));
    loads.push({ wall: l.wall, cpu: l.cpu + loaderCpu() - before });
  }
  const wt = spawnSync('python3', [join(here, 'wasmtime_artifact.py'), input.path, String(repeat)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  let w: Record<string, number | string> | undefined;
  try {
    w = JSON.parse(wt.stdout.trim().split('\n').pop() ?? '');
  } catch {
    w = { error: `wasmtime_artifact.py failed: ${(wt.stderr || wt.error?.message || '').trim().split('\n').pop()}` };
  }
  const rows: [string, string, string][] = [
    ['', 'windlass (x86_64)', w?.error ? 'wasmtime' : `wasmtime ${w?.version} (PyPI)`],
    ['compile + serialize, wall', s(compile.wall), w?.error ? String(w.error) : s(Number(w!.compile_wall) + Number(w!.serialize_wall))],
    ['compile + serialize, CPU', s(compile.cpu), w?.error ? '' : s(Number(w!.compile_cpu) + Number(w!.serialize_cpu))],
    ['artifact size', `${mb(bytes.length)} (${functions} code ranges)`, w?.error ? '' : mb(Number(w!.size))],
    [`load (median of ${repeat}), wall`, `${s(median(loads.map((x) => x.wall)))} (of which deserialize ${s(median(des.map((x) => x.wall)))})`, w?.error ? '' : s(Number(w!.load_wall))],
    [`load (median of ${repeat}), CPU`, `${s(median(loads.map((x) => x.cpu)))} (of which deserialize ${s(median(des.map((x) => x.cpu)))})`, w?.error ? '' : s(Number(w!.load_cpu))],
  ];
  const width = [Math.max(...rows.map((r) => r[0].length)), Math.max(...rows.map((r) => r[1].length))];
  for (const r of rows) if (r[1] !== '' || r[2] !== '') console.log(`  ${r[0].padEnd(width[0])}  ${r[1].padEnd(width[1])}  ${r[2]}`);
}
runtime.close();
