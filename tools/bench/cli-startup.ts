// Start-up time of the published command line: packs @windlass/cli and its dependencies (their
// dist/, so build first: `npx nx run-many -t build`), installs them into an empty project, and
// runs `windlass --help` (and `node -e ''` as the floor) N times. Prints wall time (min, median)
// and, where /usr/bin/time exists, CPU time (user + sys): on a shared machine the CPU time is the
// steadier figure. The goal is `windlass --help` under 0.3 s.
//
//   npx tsx tools/bench/cli-startup.ts [--runs N]

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installProject, packPackages, workspacePackages } from '../packages.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt >= 0 ? Number(process.argv[runsAt + 1]) : 20;

const all = workspacePackages(root);
const byName = new Map(all.map((p) => [p.name, p]));
const needed = new Set<string>();
const visit = (name: string) => {
  if (needed.has(name) || !byName.has(name)) return;
  needed.add(name);
  for (const d of Object.keys(byName.get(name)!.pkg.dependencies ?? {})) visit(d);
};
visit('@windlass/cli');
const packages = [...needed].map((n) => byName.get(n)!);
const unbuilt = packages.filter((p) => !existsSync(join(p.dir, 'dist', 'index.js')));
if (unbuilt.length > 0) {
  console.log(`cli-startup bench: build first (npx nx run-many -t build): no dist in ${unbuilt.map((p) => p.name).join(', ')}`);
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'windlass-cli-startup-'));
try {
  const tarballs = packPackages(root, packages, join(work, 'tarballs'));
  const install = installProject(join(work, 'project'), tarballs, ['@windlass/cli']);
  if (install.status !== 0) throw new Error(`npm install failed: ${install.stderr}`);
  const bin = join(work, 'project', 'node_modules', '.bin', 'windlass');
  const haveTime = existsSync('/usr/bin/time');

  const measure = (cmd: string, args: string[]): { wall: number[]; cpu: number[] } => {
    const wall: number[] = [];
    const cpu: number[] = [];
    for (let k = 0; k < runs; k++) {
      const t = performance.now();
      const r = haveTime
        ? spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', cmd, ...args], { encoding: 'utf8' })
        : spawnSync(cmd, args, { encoding: 'utf8' });
      wall.push((performance.now() - t) / 1000);
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
      const m = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
      if (m) cpu.push(Number(m[1]) + Number(m[2]));
    }
    return { wall, cpu };
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const line = (name: string, m: { wall: number[]; cpu: number[] }) =>
    `  ${name.padEnd(18)} wall min ${Math.min(...m.wall).toFixed(3)} s, median ${median(m.wall).toFixed(3)} s` +
    (m.cpu.length ? `; CPU (user+sys) min ${Math.min(...m.cpu).toFixed(2)} s, median ${median(m.cpu).toFixed(2)} s` : '');

  const node = measure(process.execPath, ['-e', '']);
  const help = measure(bin, ['--help']);
  console.log(`cli-startup bench: ${runs} runs each, the published package (${packages.length} tarballs) installed in a fresh project`);
  console.log(line("node -e ''", node));
  console.log(line('windlass --help', help));
  console.log(`  windlass --help over node's own start: ${(median(help.wall) - median(node.wall)).toFixed(3)} s wall (median)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
