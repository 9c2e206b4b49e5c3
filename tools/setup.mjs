#!/usr/bin/env node
// Idempotent set-up, Node built-ins only: installs npm dependencies when node_modules is
// missing or older than package-lock.json, and the Debian packages the tests need.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const log = (m) => { if (!quiet) console.log(`setup: ${m}`); };

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}`);
}

function npmDepsStale() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(marker)) return true;
  return statSync(join(root, 'package-lock.json')).mtimeMs > statSync(marker).mtimeMs;
}

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

// Each Debian package with a program, or a file, that proves it is installed.
const debianPackages = [
  ['gcc-aarch64-linux-gnu', 'aarch64-linux-gnu-gcc'],
  ['gcc-riscv64-linux-gnu', 'riscv64-linux-gnu-gcc'],
  ['gcc-s390x-linux-gnu', 's390x-linux-gnu-gcc'],
  ['qemu-user', 'qemu-aarch64'],
  ['binutils-multiarch', 'objdump'],
  ['wabt', 'wast2json'],
  // C to wasm32-wasi for the examples, the WASI tests of the AOT runtime and
  // tools/bench/kernels.ts.
  ['clang', 'clang'],
  ['lld', 'wasm-ld'],
  ['wasi-libc', { file: '/usr/include/wasm32-wasi/stdio.h' }],
  ['libclang-rt-dev-wasm32', { glob: '/usr/lib/llvm-*/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a' }],
];

function present(check) {
  if (typeof check === 'string') return has(check);
  if (check.file) return existsSync(check.file);
  return spawnSync('sh', ['-c', `ls ${check.glob}`], { stdio: 'ignore' }).status === 0;
}

function setupDebian() {
  const missing = debianPackages.filter(([, check]) => !present(check)).map(([pkg]) => pkg);
  // objdump exists without binutils-multiarch; check that it knows the foreign targets.
  if (!missing.includes('binutils-multiarch')) {
    const r = spawnSync('objdump', ['--help'], { encoding: 'utf8' });
    if (!/s390/.test(r.stdout ?? '')) missing.push('binutils-multiarch');
  }
  if (missing.length === 0) return log('Debian packages present');
  const cmd = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    console.log(`setup: the tests need Debian packages that are missing. Run as root:\n  ${cmd}`);
    return;
  }
  log(`installing ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', ...missing], { env });
}

try {
  if (npmDepsStale()) {
    log('installing npm dependencies (npm ci)');
    try {
      run('npm', ['ci', '--no-audit', '--no-fund']);
    } catch (e) {
      // `npm ci` refuses a lock file that lacks optional platform packages (rollup's, for
      // platforms other than this one) when the registry it was made from did not serve them;
      // `npm install` honours the same lock and skips what this platform does not need.
      log(`npm ci failed (${e.message}); falling back to npm install with the same lock file`);
      run('npm', ['install', '--no-audit', '--no-fund']);
    }
  } else log('npm dependencies up to date');
  setupDebian();
} catch (e) {
  console.error(`setup failed: ${e.message}`);
  process.exit(1);
}
