// `npm test`'s checks of the packages as users get them, on one `npm pack` of every publishable
// package (tools/packages.mjs):
//   - each tarball holds its dist (index.js, index.d.ts), README, LICENSE, package.json (and bin/
//     for a package with executables), nothing else;
//   - each package declares exactly the packages its dist (JavaScript and types) imports;
//   - the command line, installed from the tarballs into an empty project, runs `windlass --help`
//     and real commands.
// Each check is one result { name, ok, message }.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { distImports, installProject, packPackages, workspacePackages } from './packages.mjs';

/** Runs every check; returns the results. */
export function checkPackages(root) {
  const results = [];
  const check = (name, fn) => {
    try {
      const message = fn();
      results.push({ name, ok: message === undefined, message });
    } catch (e) {
      results.push({ name, ok: false, message: e instanceof Error ? e.message : String(e) });
    }
  };
  const publishable = workspacePackages(root).filter((p) => !p.pkg.private);
  const work = mkdtempSync(join(tmpdir(), 'windlass-packages-'));
  try {
    let tarballs;
    check('npm pack of every publishable package', () => {
      tarballs = packPackages(root, publishable, join(work, 'tarballs'));
    });
    if (!tarballs) return results;
    for (const p of publishable) {
      check(`${p.name}: tarball contents`, () => {
        const files = tarballs.get(p.name)?.files ?? [];
        const allowed = p.pkg.bin ? /^(dist\/|bin\/|README\.md$|LICENSE$|package\.json$)/ : /^(dist\/|README\.md$|LICENSE$|package\.json$)/;
        const bad = files.filter((f) => !allowed.test(f));
        const missing = ['dist/index.js', 'dist/index.d.ts', 'README.md', 'LICENSE'].filter((f) => !files.includes(f));
        if (bad.length || missing.length) return `${bad.length ? `unexpected ${bad.join(', ')}` : ''}${missing.length ? ` missing ${missing.join(', ')}` : ''}`.trim();
      });
    }
    for (const p of publishable) {
      check(`${p.name}: declares exactly what its dist imports`, () => {
        const { packages } = distImports(p.dir);
        const declared = new Set(Object.keys({ ...p.pkg.dependencies, ...p.pkg.peerDependencies }));
        const undeclared = [...packages].filter((d) => !declared.has(d));
        const unused = [...declared].filter((d) => !packages.has(d));
        if (undeclared.length || unused.length) {
          return `${undeclared.length ? `imports undeclared ${undeclared.join(', ')}` : ''}${unused.length ? ` declares unused ${unused.join(', ')}` : ''}`.trim();
        }
      });
    }
    if (tarballs.has('@windlass/cli')) {
      check('@windlass/cli: installed from its tarball, windlass --help and real commands run', () => {
        const project = join(work, 'cli');
        const install = installProject(project, tarballs, ['@windlass/cli']);
        if (install.status !== 0) return `npm install failed: ${(install.stderr || install.stdout).trim().split('\n').slice(-3).join(' | ')}`;
        const bin = join(project, 'node_modules', '.bin', 'windlass');
        const run = (...args) => spawnSync(bin, args, { cwd: project, encoding: 'utf8' });
        const help = run('--help');
        if (help.status !== 0 || !/^Usage: windlass COMMAND/m.test(help.stdout)) return `windlass --help: exit ${help.status}: ${help.stderr.trim()}`;
        for (const f of ['arith.clif', 'select.clif']) copyFileSync(join(root, 'examples', f), join(project, f));
        // A listing (the compiler), and filetests in worker threads (dist/worker.js) on the interpreter.
        const compile = run('compile', 'arith.clif');
        if (compile.status !== 0 || !/^function gcd/m.test(compile.stdout)) return `windlass compile arith.clif: exit ${compile.status}: ${compile.stderr.trim()}`;
        const test = run('test', '--interpret', '-j', '2', 'arith.clif', 'select.clif');
        if (test.status !== 0 || !/^\d+ passed, 0 failed, 0 skipped$/m.test(test.stdout)) return `windlass test: exit ${test.status}: ${test.stdout.trim()} ${test.stderr.trim()}`;
        const usage = run('test', '--jobs', '0', 'arith.clif');
        if (usage.status !== 2) return `a usage error exits ${usage.status}, not 2`;
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return results;
}
