// The packages as users get them: `npm pack` of every publishable package (once per run), what
// each tarball holds, what each dist imports, and a fresh project that installs the tarballs (no
// registry: every @windlass dependency resolves to its tarball). Used by `npm test` (tools/test.mjs)
// and by tools/bench/cli-startup.ts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

/** Every package under packages/: { dir, name, pkg } (pkg: its package.json), sorted by dir. */
export function workspacePackages(root) {
  return readdirSync(join(root, 'packages')).sort().map((d) => {
    const dir = join(root, 'packages', d);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    return { dir, name: pkg.name, pkg };
  });
}

/**
 * `npm pack` of each package into `outDir`, in one npm run: { name -> { tarball, files } }
 * (files: the paths inside the tarball). Throws with npm's message when packing fails.
 */
export function packPackages(root, packages, outDir) {
  mkdirSync(outDir, { recursive: true });
  const args = ['pack', '--json', '--pack-destination', outDir, ...packages.flatMap((p) => ['--workspace', p.dir])];
  const r = spawnSync('npm', args, { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`npm pack failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  const out = new Map();
  for (const info of JSON.parse(r.stdout)) out.set(info.name, { tarball: join(outDir, info.filename), files: info.files.map((f) => f.path) });
  return out;
}

// Rollup writes static imports and re-exports one per line; dynamic imports anywhere.
const STATIC = /^(?:import|export)\s*(?:[^'";]*?\sfrom\s*)?['"]([^'"]+)['"];?$/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/**
 * The packages (`@scope/name` or `name`) and Node built-ins that the files of `dir`/dist import:
 * the JavaScript and the type declarations (a type a user sees needs its package installed).
 */
export function distImports(dir) {
  const packages = new Set();
  const builtins = new Set();
  const dist = join(dir, 'dist');
  for (const f of readdirSync(dist).filter((x) => x.endsWith('.js') || x.endsWith('.d.ts'))) {
    const text = readFileSync(join(dist, f), 'utf8');
    for (const m of [...text.matchAll(STATIC), ...text.matchAll(DYNAMIC)]) {
      const spec = m[1];
      if (spec.startsWith('.')) continue;
      if (spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0])) builtins.add(spec);
      else packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
    }
  }
  return { packages, builtins };
}

/**
 * A project in `dir` depending on `names` (every @windlass package resolving to its tarball,
 * transitive ones too, through `overrides`), installed offline. Returns npm's result.
 */
export function installProject(dir, tarballs, names, extra = {}) {
  mkdirSync(dir, { recursive: true });
  const file = (name) => `file:${tarballs.get(name).tarball}`;
  const all = Object.fromEntries([...tarballs.keys()].map((n) => [n, file(n)]));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({
    name: 'windlass-consumer', version: '0.0.0', private: true, type: 'module',
    dependencies: Object.fromEntries(names.map((n) => [n, file(n)])), overrides: all, ...extra,
  }, null, 2));
  return spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, encoding: 'utf8' });
}
