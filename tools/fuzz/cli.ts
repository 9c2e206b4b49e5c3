// Long robustness fuzzing of the `windlass` command line: every command, in-process, with random
// and malformed command lines and input files (src/cli.ts says what counts as a finding).
//
//   npx tsx --conditions=windlass:source tools/fuzz/cli.ts --count 50000 [--seed 1]
//        [--commands test,cat,...] [--budget-ms 10000 (CPU time per input)] [--rss-mb 1024] [--from N]
//        [--max-seconds S]
//
// Prints per command the inputs run, their exit statuses, the slowest input, and every distinct
// finding with its reproducer (`--commands C --seed S --from I --count 1` reruns input I); at the
// end the peak RSS of the process. Exits 1 when anything was found; an input that never returns
// is named by the watchdog (src/watchdog.ts), which kills the process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS, randomCliInput, runCliInput, type CliSeeds } from './src/cli';
import { signature, type Finding } from './src/clif';
import { loadClifSeeds, loadWasmSeeds, loadWatSeeds } from './src/corpus';
import { Rng } from './src/rng';
import { startWatchdog } from './src/watchdog';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}
const count = Number(arg('count', '1000'));
const seed = Number(arg('seed', '1'));
const from = Number(arg('from', '0'));
const budgetMs = Number(arg('budget-ms', '10000'));
const rssLimit = Number(arg('rss-mb', '1024')) * 2 ** 20;
const only = arg('commands', '');
// --max-seconds S: stop (every command) after S seconds in all, reporting the inputs run so far.
const stopAt = Date.now() + Number(arg('max-seconds', 'Infinity')) * 1000;
const commands = COMMANDS.filter((c) => only === '' || only.split(',').includes(c.name));

const t0 = Date.now();
const seeds: CliSeeds = {
  clif: loadClifSeeds(3000).map((s) => s.text),
  wasm: loadWasmSeeds(undefined, 4096).map((s) => s.bytes),
  wat: loadWatSeeds(4000).map((s) => s.text),
};
console.log(`seeds: ${seeds.clif.length} CLIF functions, ${seeds.wasm.length} wasm modules, ${seeds.wat.length} wast forms (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

// A command that never returns cannot be timed from this thread: the watchdog kills the process
// at ten times the budget, naming the input.
const watchdog = startWatchdog(10 * budgetMs);
const work = mkdtempSync(join(tmpdir(), 'windlass-fuzz-cli-'));
const groups = new Map<string, { first: Finding; where: string; n: number }>();
let peakRss = 0;
let failed = false;
try {
  for (const cmd of commands) {
    const statuses = new Map<number, number>();
    let slowest = { ms: 0, cpuMs: 0, i: -1 };
    const t1 = Date.now();
    let ran = 0;
    for (let i = from; i < from + count && Date.now() < stopAt; i++, ran++) {
      // One generator per input: `--seed S --from I --count 1` reruns input I alone.
      const rng = new Rng(seed * 1_000_003 + i * 7919 + cmd.name.length);
      const input = randomCliInput(cmd, rng, seeds);
      watchdog.begin(`windlass ${cmd.name} input ${i} (rerun: --commands ${cmd.name} --seed ${seed} --from ${i} --count 1)`);
      const r = await runCliInput(input, join(work, 'w'), budgetMs);
      watchdog.end();
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      if (r.cpuMs > slowest.cpuMs) slowest = { ms: r.ms, cpuMs: r.cpuMs, i };
      const rss = process.memoryUsage().rss;
      peakRss = Math.max(peakRss, rss);
      const found: Finding[] = r.finding ? [r.finding] : [];
      if (rss > rssLimit) found.push({ stage: 'cli', kind: 'memory', message: `windlass ${cmd.name}: RSS ${(rss / 2 ** 20).toFixed(0)} MiB`, input: input.argv.join(' ') });
      for (const f of found) {
        const sig = signature(f);
        const g = groups.get(sig);
        if (g) g.n++;
        else {
          groups.set(sig, { first: f, where: `--commands ${cmd.name} --seed ${seed} --from ${i} --count 1`, n: 1 });
          console.log(`NEW [${cmd.name} seed=${seed} input=${i}] ${sig}`);
        }
      }
      if ((i - from + 1) % 5000 === 0) console.log(`  ${cmd.name}: ${i - from + 1} inputs, ${((Date.now() - t1) / 1000).toFixed(0)} s`);
    }
    const st = [...statuses].sort((a, b) => a[0] - b[0]).map(([s, n]) => `exit ${s}: ${n}`).join(', ');
    console.log(`${cmd.name}: ${ran} inputs${ran < count ? ` (of ${count}: --max-seconds reached)` : ''} in ${((Date.now() - t1) / 1000).toFixed(0)} s (${st}); slowest ${(slowest.cpuMs / 1000).toFixed(2)} s of CPU, ${(slowest.ms / 1000).toFixed(2)} s wall (input ${slowest.i})`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
for (const [sig, g] of groups) {
  failed = true;
  console.log(`\n== ${sig} (x${g.n}; rerun: npx tsx --conditions=windlass:source tools/fuzz/cli.ts ${g.where})\n${g.first.input}`);
}
const peakRusage = process.resourceUsage().maxRSS * 1024;
console.log(`\n${groups.size} distinct findings; peak RSS ${(Math.max(peakRss, peakRusage) / 2 ** 20).toFixed(0)} MiB; ${((Date.now() - t0) / 1000).toFixed(0)} s`);
process.exit(failed ? 1 : 0);
