// Wasm frontend benchmark: decode + validate, and translate into IR, in wasm MB/s.
//
//   npx tsx --conditions=windlass:source tools/bench/wasm.ts [--repeat N] [--module FILE.wasm]...
//
// Inputs, in order:
//  1. real modules: every `--module FILE` given, and the npm-shipped modules found in
//     node_modules (today only nx's WASI build, which uses the threads proposal: Windlass
//     decodes its sections but rejects it as unsupported, so only section decoding is timed);
//  2. the largest modules of the spec test suite (converted with wast2json);
//  3. generated modules of 10^2 .. 10^4 functions with a realistic operator mix, to show how
//     time grows with module size (the goal is linear).
// Each figure is the best CPU time of `--repeat` runs, after a warm-up.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StandardEnvironment } from '@windlass/linker';
import {
  WasmError,
  decodeModule,
  parseModule,
  translateFunction,
  type Module,
} from '@windlass/wasm-frontend';
import { WasmWriter, moduleHeader, writeBody } from '../../packages/cli/src/wasm/encode';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const k = args.indexOf(name);
  return k >= 0 && k + 1 < args.length ? args[k + 1] : dflt;
};
const repeat = Number(opt('--repeat', '3'));
const extra = args.flatMap((a, i) => (args[i - 1] === '--module' ? [a] : []));

/** Best CPU time (user + system, ms) of `repeat` runs: on a shared machine wall time mostly measures the neighbours. */
function best(fn: () => void): number {
  let ms = Infinity;
  for (let r = 0; r < repeat; r++) {
    const t0 = process.cpuUsage();
    fn();
    const d = process.cpuUsage(t0);
    ms = Math.min(ms, (d.user + d.system) / 1000);
  }
  return ms;
}

const mbps = (bytes: number, ms: number): string => ((bytes / 1e6 / ms) * 1000).toFixed(1).padStart(7);

function translateAll(m: Module): number {
  const env = new StandardEnvironment(m);
  let insts = 0;
  for (let i = 0; i < m.bodies.length; i++) insts += translateFunction(m, i, env).instCount;
  return insts;
}

function measure(label: string, bytes: Uint8Array): void {
  let m: Module;
  try {
    m = parseModule(bytes);
  } catch (e) {
    const err = e as WasmError;
    const dec = best(() => {
      try {
        decodeModule(bytes);
      } catch {
        // sections up to the unsupported feature
      }
    });
    console.log(`${label.padEnd(44)} ${String(bytes.length).padStart(9)} B  not valid 2.0 (${err.kind}: ${err.rule}); section decode ${dec.toFixed(1)} ms`);
    return;
  }
  const dv = best(() => parseModule(bytes));
  let insts = 0;
  const tr = best(() => {
    insts = translateAll(m);
  });
  console.log(
    `${label.padEnd(44)} ${String(bytes.length).padStart(9)} B ${String(m.bodies.length).padStart(6)} fn ` +
      `decode+validate ${dv.toFixed(1).padStart(8)} ms ${mbps(bytes.length, dv)} MB/s  ` +
      `translate ${tr.toFixed(1).padStart(8)} ms ${mbps(bytes.length, tr)} MB/s  ` +
      `all ${mbps(bytes.length, dv + tr)} MB/s  ${insts} IR insts`,
  );
}

/** A module of `n` functions mixing locals, loops, branches, memory, calls and floats. */
export function generated(n: number): Uint8Array {
  const w = moduleHeader();
  w.section(1, (s) => s.u32(1).byte(0x60).u32(2).byte(0x7f, 0x7f).u32(1).byte(0x7f));
  w.section(3, (s) => {
    s.u32(n);
    for (let i = 0; i < n; i++) s.u32(0);
  });
  w.section(5, (s) => s.u32(1).byte(0x00).u32(1));
  w.section(10, (s) => {
    s.u32(n);
    for (let i = 0; i < n; i++) {
      writeBody(s, [0x7f, 0x7f, 0x7c], (b: WasmWriter) => {
        b.byte(0x02, 0x40, 0x03, 0x40); // block loop
        b.byte(0x20, 0, 0x45, 0x0d, 1); // br_if 1 (local0 == 0)
        b.byte(0x20, 2, 0x20, 0, 0x28, 2, 0, 0x6a, 0x21, 2); // acc += load(local0)
        b.byte(0x20, 0, 0x20, 2, 0x36, 2, 4); // store(local0 + 4, acc)
        b.byte(0x20, 4, 0x20, 2, 0xb7, 0x44).bytes(new Uint8Array(new Float64Array([1.5]).buffer)).byte(0xa2, 0xa0, 0x21, 4);
        b.byte(0x20, 0, 0x41).s32(1).byte(0x6b, 0x21, 0); // local0 -= 1
        b.byte(0x20, 0, 0x41).s32(3).byte(0x70, 0x0e, 2, 0, 1, 0); // br_table
        b.byte(0x0b, 0x0b);
        if (i > 0) b.byte(0x20, 2, 0x20, 1, 0x10).u32(i - 1).byte(0x1a); // call the previous function
        b.byte(0x20, 2, 0x20, 3, 0x6c);
      });
    }
  });
  return w.toBytes();
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) main();

function main(): void {
  console.log(`wasm frontend benchmark (best CPU time of ${repeat}, after a warm-up pass)`);
  // Warm the JIT on a mid-size module first: first-run figures measure V8, not the frontend.
  const warm = generated(300);
  for (let k = 0; k < 3; k++) translateAll(parseModule(warm));
const real = [
  ...extra,
  ...['node_modules/sql.js/dist/sql-wasm.wasm', 'node_modules/nx/src/native/nx.wasm32-wasi.wasm'].map((p) => join(root, p)).filter(existsSync),
];
for (const p of real) measure(p.replace(`${root}/`, ''), new Uint8Array(readFileSync(p)));

const corpus = join(root, '..', 'shared', 'corpus', 'wasm-testsuite');
if (existsSync(corpus)) {
  const dir = mkdtempSync(join(tmpdir(), 'wasm-bench-'));
  try {
    for (const f of readdirSync(corpus).filter((n) => n.endsWith('.wast'))) {
      try {
        execFileSync('wast2json', [join(corpus, f), '-o', join(dir, f.replace('.wast', '.json'))], { stdio: 'ignore' });
      } catch {
        // scripts wabt cannot read
      }
    }
    const mods = readdirSync(dir)
      .filter((n) => n.endsWith('.wasm'))
      .map((n) => ({ n, size: statSync(join(dir, n)).size }))
      .sort((a, b) => b.size - a.size);
    let shown = 0;
    for (const { n } of mods) {
      const bytes = new Uint8Array(readFileSync(join(dir, n)));
      if (!checkValid(bytes)) continue;
      measure(`spec ${n}`, bytes);
      if (++shown === 4) break;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function checkValid(bytes: Uint8Array): boolean {
  try {
    parseModule(bytes);
    return true;
  } catch {
    return false;
  }
}

for (const n of [100, 1000, 10000]) measure(`generated, ${n} functions`, generated(n));
}
