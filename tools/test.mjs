#!/usr/bin/env node
// The project's test command (`npm test`, run by `.ci/run`): lint, typecheck, build, unit tests
// of every package, the packages as users install them, and the corpus runs. Ends with one
// summary line `N passed, N failed, N skipped` counting unit-test cases and corpus cases together.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPackages } from './package-checks.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: process.env.CI ? '0' : process.env.FORCE_COLOR };
const failures = [];
let passed = 0, failed = 0, skipped = 0;

function step(name, cmd, args, opts = {}) {
  const t0 = Date.now();
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: opts.capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8', maxBuffer: 256 << 20 });
  if (opts.capture) process.stdout.write(r.stdout ?? '');
  const ok = r.status === 0;
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  // A corpus run exits 1 whenever a case fails; its verdict is its pass-rate floor (below).
  if (opts.corpus) console.log(`=== ${name}: finished in ${secs}s`);
  else console.log(`=== ${name}: ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${secs}s`);
  if (!ok && !opts.corpus) failures.push(name);
  return r;
}

// 1. Static checks and builds of every package, through Nx (cached, ^build ordering).
step('lint, typecheck, build', 'npx', ['nx', 'run-many', '-t', 'lint', 'typecheck', 'build', '--parallel=2', '--outputStyle=static']);

// 1b. Dependency directions: codegen never depends on an ISA package; no package depends
// on the command line or a tool (the command line and tools may depend on any package).
{
  const graphFile = join(root, '.reports', 'graph.json');
  mkdirSync(join(root, '.reports'), { recursive: true });
  const r = step('project graph', 'npx', ['nx', 'graph', `--file=${graphFile}`]);
  if (r.status === 0) {
    const deps = JSON.parse(readFileSync(graphFile, 'utf8')).graph.dependencies;
    const bad = [];
    for (const [from, edges] of Object.entries(deps)) {
      for (const { target } of edges) {
        if (from === '@windlass/codegen' && target.startsWith('@windlass/isa-')) bad.push(`${from} -> ${target}`);
        if (['@windlass/ir', '@windlass/regalloc'].includes(from)) bad.push(`${from} -> ${target}`);
        if (/^@windlass\/(cli|bench|fuzz)$/.test(target) && !/^@windlass\/(cli|bench|fuzz)$/.test(from)) bad.push(`${from} -> ${target}`);
      }
    }
    if (bad.length) { failures.push(`dependency directions: ${bad.join(', ')}`); failed++; } else passed++;
    console.log(`dependency directions: ${bad.length ? bad.join(', ') : 'ok'}`);
  }
}

// 2. Unit tests of every package in one vitest run, so the counts add up exactly.
mkdirSync(join(root, '.reports'), { recursive: true });
const unitReport = join(root, '.reports', 'unit.json');
step('unit tests', 'npx', ['vitest', 'run', '--reporter=dot', '--reporter=json', `--outputFile.json=${unitReport}`]);
if (existsSync(unitReport)) {
  const j = JSON.parse(readFileSync(unitReport, 'utf8'));
  passed += j.numPassedTests; failed += j.numFailedTests; skipped += j.numPendingTests + j.numTodoTests;
  console.log(`unit tests: ${j.numPassedTests} passed, ${j.numFailedTests} failed, ${j.numPendingTests + j.numTodoTests} skipped`);
} else failures.push('unit tests (no report)');

// 3. The packages as users get them (tools/package-checks.mjs): one `npm pack` of every
// publishable package (a `private` one is never published); the tarballs' contents; each
// package's dependencies against its dist's imports; one empty project installing every tarball,
// where the command line runs and a strict TypeScript consumer program type checks and runs.
{
  const t0 = Date.now();
  console.log('\n=== packages: npm pack, tarball contents, install from the tarballs');
  for (const r of checkPackages(root)) {
    if (r.ok) passed++;
    else { failed++; failures.push(`packages: ${r.name}: ${r.message}`); }
    console.log(`${r.ok ? 'ok  ' : 'FAIL'} ${r.name}${r.ok ? '' : `: ${r.message}`}`);
  }
  console.log(`=== packages: finished in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
}

// A `*` in a path component of a corpus-run argument matches names in that folder (in any
// component: `json/*/*.json`).
function expandGlob(arg) {
  const parts = arg.split('/');
  const at = parts.findIndex((p) => p.includes('*'));
  if (at < 0) return [arg];
  const dir = parts.slice(0, at).join('/');
  const re = new RegExp(`^${parts[at].split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  const rest = parts.slice(at + 1).join('/');
  return readdirSync(dir, { withFileTypes: true }).filter((e) => re.test(e.name) && (!rest || e.isDirectory())).map((e) => e.name).sort()
    .flatMap((f) => (rest ? expandGlob(`${dir}/${f}/${rest}`).filter((p) => existsSync(p)) : [`${dir}/${f}`]));
}

// 4. The repository's own filetests (`*.clif` beside the code, e.g. isa-x64's soft-float runtests):
// run on the interpreter and natively where the host can; every case must pass.
{
  const own = readdirSync(join(root, 'packages'), { recursive: true })
    .map(String).filter((f) => f.endsWith('.clif') && f.includes('/src/') && !f.includes('node_modules')).sort().map((f) => `packages/${f}`);
  if (own.length > 0) {
    const r = step('filetests in packages/*/src', 'node', ['packages/cli/bin/windlass.mjs', 'test', '--jobs', '2', ...own], { capture: true });
    const m = /^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$/m.exec([...(r.stdout ?? '').split('\n')].reverse().join('\n'));
    if (!m) failures.push('filetests in packages/*/src (no summary line)');
    else { passed += Number(m[1]); failed += Number(m[2]); skipped += Number(m[3] ?? 0); } // a failure exits 1: step() records it
  }
}

// 5. Corpus runs (each ends with its own `N passed, N failed, N skipped` line).
const corpus = join(root, '..', 'shared', 'corpus');
const corpusRuns = existsSync(join(root, 'tools', 'corpus-runs.json')) ? JSON.parse(readFileSync(join(root, 'tools', 'corpus-runs.json'), 'utf8')) : [];
if (!existsSync(corpus)) {
  console.log(`\ncorpus runs: SKIPPED: ${corpus} is absent (the corpus lives outside the repository)`);
} else {
  for (const run of corpusRuns) {
    const args = run.args.map((a) => a.replace('$CORPUS', corpus)).flatMap(expandGlob);
    const r = step(`corpus: ${run.name}`, 'node', ['packages/cli/bin/windlass.mjs', ...args], { capture: true, corpus: true });
    if (r.status !== 0 && r.status !== 1) { failures.push(`corpus: ${run.name} (exit ${r.status ?? r.signal})`); continue; }
    const m = /^(?:\w+: )?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$/m.exec([...(r.stdout ?? '').split('\n')].reverse().join('\n'));
    if (!m) { failures.push(`corpus: ${run.name} (no summary line)`); continue; }
    const [p, f, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
    passed += p; failed += f; skipped += s;
    // A corpus run is green while its pass rate stays at or above the recorded floor; the
    // failing cases are printed above and counted in the summary.
    const rate = p / Math.max(1, p + f);
    const verdict = `pass rate ${(rate * 100).toFixed(2)}% (floor ${(run.minPassRate * 100).toFixed(2)}%)`;
    console.log(`=== corpus: ${run.name}: ${p} passed, ${f} failed, ${s} skipped: ${verdict}: ${rate < run.minPassRate ? 'BELOW FLOOR' : 'ok'}`);
    if (rate < run.minPassRate) failures.push(`corpus: ${run.name} ${verdict}`);
  }
}

console.log('');
if (failures.length) console.log(`failed steps:\n  ${failures.join('\n  ')}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failures.length ? 1 : 0);
