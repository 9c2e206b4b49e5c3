// `npm test`'s checks of the packages as users get them, on one `npm pack` of every publishable
// package (tools/packages.mjs):
//   - each tarball holds its dist (index.js, index.d.ts), README, LICENSE, package.json (and bin/
//     for a package with executables), nothing else;
//   - each package declares exactly the packages its dist (JavaScript and types) imports;
//   - one empty project installs every published package from the tarballs; there the command
//     line runs `windlass --help` and real commands, and a strict TypeScript program using every
//     package (tools/consumer-program.ts) type checks against their declarations and runs.
// Each check is one result { name, ok, message }.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
    // One fresh project with every published package installed from its tarball.
    const project = join(work, 'project');
    let installed = false;
    check('every published package installs from its tarball into an empty project', () => {
      const install = installProject(project, tarballs, [...tarballs.keys()]);
      if (install.status !== 0) return `npm install failed: ${(install.stderr || install.stdout).trim().split('\n').slice(-3).join(' | ')}`;
      installed = true;
    });
    if (!installed) return results;
    if (tarballs.has('@windlass/cli')) {
      check('@windlass/cli: windlass --help and real commands run from the installed package', () => {
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
    check('a strict TypeScript program type checks against the installed packages and runs', () => {
      copyFileSync(join(root, 'tools', 'consumer-program.ts'), join(project, 'main.ts'));
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
        compilerOptions: {
          strict: true, noImplicitOverride: true, noFallthroughCasesInSwitch: true, skipLibCheck: false,
          target: 'ES2022', lib: ['ES2022'], module: 'NodeNext', moduleResolution: 'NodeNext', outDir: 'out',
          // Node's types from the repository (the consumer is offline); the runtime and the cli are Node packages.
          typeRoots: [join(root, 'node_modules', '@types')], types: ['node'],
        },
        files: ['main.ts'],
      }, null, 2));
      const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { cwd: project, encoding: 'utf8' });
      if (tsc.status !== 0) return `tsc: ${(tsc.stdout + tsc.stderr).trim().split('\n').slice(0, 5).join(' | ')}`;
      const run = spawnSync(process.execPath, [join(project, 'out', 'main.js')], { cwd: project, encoding: 'utf8' });
      if (run.status !== 0 || !run.stdout.includes('every package works')) return `node out/main.js: exit ${run.status}: ${(run.stderr || run.stdout).trim().split('\n').slice(0, 3).join(' | ')}`;
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return results;
}
