// Text reader benchmark: MB/s of WebAssembly text read into binary modules.
//
//   npx tsx --conditions=windlass:source tools/bench/wat.ts [--repeat N]
//
//  1. the spec suite: every top-level `.wast` script through `parseWast` (every module encoded,
//     every quoted module read), one line for the whole suite;
//  2. generated `.wat` modules of 10^2 .. 10^4 functions through `parseWat`, to show how time
//     grows with size (the goal is linear).
// Each figure is the best CPU time of `--repeat` runs after a warm-up pass.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseWast, parseWat } from '@windlass/wasm-frontend';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const k = args.indexOf('--repeat');
const repeat = k >= 0 ? Number(args[k + 1]) : 5;

/** Best CPU time (user + system, ms) of `repeat` runs: on a shared machine wall time mostly measures the neighbours. */
function best(fn: () => void): number {
  fn(); // warm-up
  let ms = Infinity;
  for (let r = 0; r < repeat; r++) {
    const t0 = process.cpuUsage();
    fn();
    const d = process.cpuUsage(t0);
    ms = Math.min(ms, (d.user + d.system) / 1000);
  }
  return ms;
}

const mbps = (chars: number, ms: number): string => ((chars / 1e6 / ms) * 1000).toFixed(1);

/** A module of `n` functions: locals, loops, branches, memory, calls, floats, in folded and flat form. */
function generatedWat(n: number): string {
  const out = ['(module', '  (memory 1)', '  (type $t (func (param i32 i32) (result i32)))'];
  for (let i = 0; i < n; i++) {
    out.push(`  (func $f${i} (type $t) (param $a i32) (param $b i32) (result i32) (local $acc i32) (local $x f64)
    (block $done
      (loop $again
        (br_if $done (i32.eqz (local.get $a)))
        (local.set $acc (i32.add (local.get $acc) (i32.load offset=4 align=4 (local.get $a))))
        (i32.store (local.get $a) (local.get $acc))
        (local.set $x (f64.mul (f64.convert_i32_s (local.get $acc)) (f64.const 0x1.8p0)))
        local.get $a
        i32.const 1
        i32.sub
        local.set $a
        (br_table $again $done $again (i32.rem_u (local.get $a) (i32.const 3)))))
    ${i > 0 ? `(drop (call $f${i - 1} (local.get $acc) (local.get $b)))` : ''}
    (i32.mul (local.get $acc) (local.get $b)))`);
  }
  out.push(')');
  return out.join('\n');
}

console.log(`text reader benchmark (best CPU time of ${repeat}, after a warm-up pass; machine shared)`);
const corpus = join(root, '..', 'shared', 'corpus', 'wasm-testsuite');
if (existsSync(corpus)) {
  const scripts = readdirSync(corpus)
    .filter((n) => n.endsWith('.wast'))
    .map((n) => readFileSync(join(corpus, n), 'utf8'));
  const chars = scripts.reduce((a, s) => a + s.length, 0);
  let commands = 0;
  const ms = best(() => {
    commands = 0;
    for (const s of scripts) commands += parseWast(s).commands.length;
  });
  console.log(`spec suite: ${scripts.length} scripts, ${(chars / 1e6).toFixed(2)} MB, ${commands} commands: ${ms.toFixed(0)} ms, ${mbps(chars, ms)} MB/s`);
} else console.log(`spec suite: skipped, corpus not found at ${corpus}`);

for (const n of [100, 1000, 10000]) {
  const text = generatedWat(n);
  let bytes = 0;
  const ms = best(() => {
    bytes = parseWat(text).length;
  });
  console.log(`generated ${String(n).padStart(5)} functions: ${(text.length / 1e6).toFixed(2)} MB text -> ${bytes} B wasm: ${ms.toFixed(1).padStart(7)} ms, ${mbps(text.length, ms)} MB/s`);
}
