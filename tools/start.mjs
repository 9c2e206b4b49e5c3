#!/usr/bin/env node
// The main job (`npm start`): carries the files in examples/ through the whole pipeline: parse,
// verify and print; run on the interpreter; compile to x86-64 (listing and an ELF object); link
// the objects with a small C program and run it natively; run the files' `; run:` checks on
// the native code; then build a C program of examples/wasi for wasm32-wasi, compile it ahead of
// time into one artifact, run it through the runtime and show `windlass inspect`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { arch } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.clif')).sort().map((f) => join('examples', f));
const build = join(root, '.build', 'examples');
mkdirSync(build, { recursive: true });

function run(title, cmd, args) {
  console.log(`\n$ ${title}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`npm start: '${title}' failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status || 1);
  }
}
const windlass = (...args) => run(`windlass ${args.join(' ')}`, process.execPath, ['packages/cli/bin/windlass.mjs', ...args]);

windlass('verify', ...examples);
windlass('cat', examples[0]);
windlass('test', '--interpret', ...examples);
windlass('compile', examples[0]);
if (arch() !== 'x64') {
  console.log(`\nThis host is ${arch()}: native x86-64 execution of the examples is skipped.`);
  process.exit(0);
}
const objects = examples.map((f) => join(build, `${basename(f, '.clif')}.o`));
examples.forEach((f, k) => windlass('compile', f, '-o', objects[k]));
const exe = join(build, 'examples');
run(`cc examples/main.c ${objects.map((o) => o.slice(root.length + 1)).join(' ')} -o ${exe.slice(root.length + 1)}`, 'cc', ['examples/main.c', ...objects, '-o', exe]);
run(exe.slice(root.length + 1), exe, []);
windlass('test', '--target', 'x86_64', ...examples);

// Ahead of time: a C program of examples/wasi built for wasm32-wasi (Debian's clang, lld and
// wasi-libc), compiled into one artifact, run by the runtime's loader, and described.
const wasiCheck = spawnSync('clang', ['--target=wasm32-wasi', '-x', 'c', '-', '-o', '/dev/null'], { input: '#include <stdio.h>\nint main(void){puts("");}\n' });
if (wasiCheck.status !== 0) {
  console.log('\nclang for wasm32-wasi is not installed (Debian: clang lld wasi-libc libclang-rt-dev-wasm32): the AOT example is skipped.');
  process.exit(0);
}
const wasm = join(build, 'sort.wasm');
const cwasm = join(build, 'sort.cwasm');
const rel = (p) => p.slice(root.length + 1);
run(`clang --target=wasm32-wasi -O2 examples/wasi/sort.c -o ${rel(wasm)}`, 'clang', ['--target=wasm32-wasi', '-O2', 'examples/wasi/sort.c', '-o', wasm]);
windlass('compile', rel(wasm), '-o', rel(cwasm));
windlass('run', rel(cwasm));
windlass('inspect', rel(cwasm));
