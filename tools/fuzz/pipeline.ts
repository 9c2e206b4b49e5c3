// Long robustness fuzzing of the CLIF pipeline (parse, settings, verify, interpret, compile
// x86_64), of the wasm frontend (decode, validate, translate, verify, compile) and of its text
// reader (parse .wat / .wast, decode what it encodes).
//
//   npx tsx --conditions=windlass:source tools/fuzz/pipeline.ts --count 20000 [--seed 1]
//        [--mode clif|ir|wasm|wat|all|diff] [--target x86_64|aarch64|s390x|'riscv64 has_v'] [--slow-ms 5000] [--fuel 2000] [--no-minimize]
//
// Prints one line per distinct finding (grouped by signature) with a minimized reproducer,
// and the number of inputs each stage saw. Exits 1 when anything was found.
import { runClif, mutateText, signature, zeroCounts, type Finding, type RunOptions } from './src/clif';
import { loadClifSeeds, loadWasmSeeds, loadWatSeeds } from './src/corpus';
import { diffBatch } from './src/diff';
import { minimizeClif } from './src/minimize';
import { Rng } from './src/rng';
import { mutateBytes, runWasm } from './src/wasm';
import { mutateWat, randomWat, runWat } from './src/wat';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const count = Number(arg('count', '10000'));
const seed0 = Number(arg('seed', '1'));
const mode = arg('mode', 'all');
const minimize = !process.argv.includes('--no-minimize');
const opts: RunOptions = { fuel: Number(arg('fuel', '2000')), counts: zeroCounts(), slowMs: Number(arg('slow-ms', '5000')) };
// --typed: also list the typed errors the stages threw (to spot typed wrappers of internal bugs).
if (process.argv.includes('--typed')) opts.typedLog = new Map();

const groups = new Map<string, { first: Finding; seed: number; mode: string; n: number }>();
function record(found: Finding[], seed: number, m: string): void {
  for (const f of found) {
    const sig = signature(f);
    const g = groups.get(sig);
    if (g) g.n++;
    else {
      groups.set(sig, { first: f, seed, mode: m, n: 1 });
      console.log(`NEW [${m} seed=${seed}] ${sig}`);
    }
  }
}

// --mode diff: differential native vs interpreter runs, in batches of 40 functions: x86_64 on
// the host, or another target line (`--target aarch64`, `--target s390x`, `--target 'riscv64 has_v
// has_c'`) under qemu-user.
if (mode === 'diff') {
  const isa = arg('target', 'x86_64');
  const seeds = loadClifSeeds(3000, (p) => p.startsWith('runtests/')).map((s) => s.text);
  const counts = { functions: 0, cases: 0, skipped: 0 };
  const rng = new Rng(seed0);
  const found: Finding[] = [];
  const t1 = Date.now();
  // --set NAME=VALUE (repeatable): shared settings of the native compile, e.g. opt_level=speed.
  const settings = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--set' ? [a] : []));
  for (let b = 0; b * 40 < count; b++) {
    found.push(...(await diffBatch(seeds, rng, 40, counts, 0.5, 3, isa, settings)));
    if ((b + 1) % 25 === 0) console.log(`${counts.functions} functions, ${counts.cases} cases, ${found.length} mismatches, ${((Date.now() - t1) / 1000).toFixed(0)} s`);
  }
  for (const f of found) console.log(`== ${f.kind}: ${f.message}\n${f.input}\n`);
  console.log(`diff (${[isa, ...settings].join(' ')}): ${counts.functions} functions, ${counts.cases} native cases compared, ${counts.skipped} skipped (unsupported / NaN results), ${found.length} mismatches, ${((Date.now() - t1) / 1000).toFixed(1)} s`);
  process.exit(found.length > 0 ? 1 : 0);
}

const t0 = Date.now();
const modes = mode === 'all' ? ['clif', 'ir', 'wasm', 'wat'] : [mode];
const clifSeeds = modes.some((m) => m === 'clif' || m === 'ir') ? loadClifSeeds() : [];
const wasmSeeds = modes.includes('wasm') ? loadWasmSeeds() : [];
const watSeeds = modes.includes('wat') ? loadWatSeeds() : [];
// Module definitions are picked more often, so that mutants reach the encoder and decoder check.
const watModuleSeeds = watSeeds.filter((s) => s.text.startsWith('(module') && !/^\(module\s+(\$\S+\s+)?(binary|quote)/.test(s.text));
console.log(`${clifSeeds.length} CLIF seeds, ${wasmSeeds.length} wasm seeds, ${watSeeds.length} text seeds`);
for (let n = 0; n < count; n++) {
  const seed = seed0 + n;
  const m = modes[n % modes.length];
  const rng = new Rng(seed);
  if (m === 'wasm') {
    if (wasmSeeds.length === 0) continue;
    record(runWasm(mutateBytes(rng.pick(wasmSeeds).bytes, rng), opts), seed, m);
  } else if (m === 'wat') {
    // One in ten inputs is random tokens; the rest are mutated spec forms.
    if (watSeeds.length === 0) continue;
    record(runWat(rng.chance(0.1) ? randomWat(rng) : mutateWat(rng.pick(rng.chance(0.7) ? watModuleSeeds : watSeeds).text, rng), opts), seed, m);
  } else {
    if (clifSeeds.length === 0) continue;
    const src = rng.pick(clifSeeds).text;
    const text = m === 'clif' ? mutateText(src, rng) : src;
    // The current input goes to stderr first: if a stage hangs, the last line is the reproducer.
    if (process.env.FUZZ_TRACE) console.error(`seed=${seed} mode=${m}`);
    record(runClif(text, { ...opts, irRng: m === 'ir' ? rng : undefined }), seed, m);
  }
  if ((n + 1) % 1000 === 0) console.log(`${n + 1} inputs, ${groups.size} distinct findings, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

if (opts.typedLog) {
  console.log('\ntyped errors after the parse stage (count, stage, class: message shape):');
  for (const [k, n] of [...opts.typedLog].sort((a, b) => b[1] - a[1])) if (!k.startsWith('parse ')) console.log(`${String(n).padStart(7)}  ${k}`);
}
console.log(`\nstage counts: ${JSON.stringify(opts.counts)}`);
console.log(`${count} inputs (${modes.join('+')}) in ${((Date.now() - t0) / 1000).toFixed(1)} s, ${groups.size} distinct findings\n`);
for (const [sig, g] of groups) {
  console.log(`== ${sig}  (x${g.n}, first: --mode ${g.mode} --seed ${g.seed} --count 1)`);
  console.log(g.first.stack?.split('\n').slice(0, 6).join('\n') ?? g.first.message);
  let repro = g.first.input;
  if (g.mode === 'clif' && minimize && repro.length < 4000) repro = minimizeClif(repro, g.first, opts.fuel);
  console.log(`-- reproducer:\n${repro.length > 3000 ? `${repro.slice(0, 3000)}…` : repro}\n`);
}
process.exit(groups.size > 0 ? 1 : 0);
