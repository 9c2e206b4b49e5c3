/**
 * Finding or building the loader for an ISA. The loader is C source shipped with the package
 * (`loader/` in the repository, `dist/loader/src/` when published). The package build compiles
 * it for the host (`dist/loader/<isa>/windlass-loader`, static, so it runs without a matching
 * libc); when no prebuilt loader matches the sources, it is built on first use into a cache
 * directory keyed by the sources' hash. Other ISAs are built with Debian's cross compilers
 * (`<isa>-linux-gnu-gcc -static`) and run under `qemu-<isa>`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LoaderError } from './errors';

export type LoaderIsa = 'x86_64' | 'aarch64' | 'riscv64' | 's390x';

/** The ISA this Node process runs on, in Windlass's names. */
export function hostIsa(): LoaderIsa | undefined {
  switch (process.arch) {
    case 'x64':
      return 'x86_64';
    case 'arm64':
      return 'aarch64';
    case 'riscv64':
      return 'riscv64';
    case 's390x':
      return 's390x';
    default:
      return undefined;
  }
}

const here = dirname(fileURLToPath(import.meta.url));

/** The directory holding the loader's C sources. */
export function loaderSourceDir(): string {
  // From src/ (workspace, tests) or from dist/ (published: dist/loader/src).
  for (const d of [join(here, '..', 'loader'), join(here, 'loader', 'src')]) if (existsSync(join(d, 'main.c'))) return d;
  throw new LoaderError('the loader sources are missing from @windlass/runtime');
}

/** A hash of the loader sources: names builds in the cache and checks prebuilt loaders. */
export function loaderSourceHash(dir = loaderSourceDir()): string {
  const h = createHash('sha256');
  for (const f of readdirSync(dir).filter((n) => /\.[ch]$/.test(n)).sort()) h.update(f).update('\0').update(readFileSync(join(dir, f))).update('\0');
  return h.digest('hex').slice(0, 16);
}

/** The C compiler for an ISA: the host's `cc`, or the Debian cross compiler. */
export function compilerFor(isa: LoaderIsa): string {
  return isa === hostIsa() ? 'cc' : `${isa}-linux-gnu-gcc`;
}

export const LOADER_CFLAGS = ['-O2', '-fno-omit-frame-pointer', '-static', '-Wall'];

/** Compiles the loader for `isa` into `out` (an executable). Throws LoaderError with the compiler's message. */
export function buildLoader(isa: LoaderIsa, out: string, dir = loaderSourceDir()): void {
  const sources = readdirSync(dir).filter((n) => n.endsWith('.c')).sort().map((f) => join(dir, f));
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const cc = compilerFor(isa);
  // s390x: C frames keep the back chain too, so a trap raised in the loader walks out of them.
  const flags = isa === 's390x' ? [...LOADER_CFLAGS, '-mbackchain'] : LOADER_CFLAGS;
  const r = spawnSync(cc, [...flags, '-o', tmp, ...sources, '-lm'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    rmSync(tmp, { force: true });
    throw new LoaderError(`cannot build the ${isa} loader with ${cc}: ${r.error ? r.error.message : (r.stderr || r.stdout).trim().split('\n').slice(0, 5).join('\n')}`);
  }
  renameSync(tmp, out);
}

function cacheRoot(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  if (xdg) return join(xdg, 'windlass');
  const home = homedir();
  return home ? join(home, '.cache', 'windlass') : join(tmpdir(), 'windlass-cache');
}

/**
 * The qemu-user CPU model that runs code for every flag of an ISA's target lines (enabling
 * features the code does not use is harmless): qemu 7.2's RISC-V extensions, and `max` for s390x
 * (the named models do not start under qemu-user 7.2).
 */
export const QEMU_CPU: Partial<Record<LoaderIsa, string>> = {
  riscv64: 'rv64,v=true,vlen=128,elen=64,vext_spec=v1.0,zba=true,zbb=true,zbc=true,zbs=true,zbkb=true,Zfh=true,Zfhmin=true',
  s390x: 'max',
};

/**
 * The command that runs the loader for `isa`: a prebuilt or cached binary (building it when
 * needed), under qemu-user (with `cpu`, default `QEMU_CPU[isa]`) when `isa` is not the host's.
 */
export function loaderCommand(isa: LoaderIsa, cpu: string | undefined = QEMU_CPU[isa]): string[] {
  const dir = loaderSourceDir();
  const hash = loaderSourceHash(dir);
  const prebuilt = join(here, 'loader', isa, 'windlass-loader');
  let binary: string;
  if (existsSync(prebuilt) && existsSync(`${prebuilt}.hash`) && readFileSync(`${prebuilt}.hash`, 'utf8').trim() === hash) binary = prebuilt;
  else {
    binary = join(cacheRoot(), `loader-${isa}-${hash}`, 'windlass-loader');
    if (!existsSync(binary)) buildLoader(isa, binary, dir);
  }
  if (isa === hostIsa()) return [binary];
  if (spawnSync('sh', ['-c', `command -v qemu-${isa}`], { stdio: 'ignore' }).status !== 0) {
    throw new LoaderError(`${isa} artifacts run under qemu-user here, and qemu-${isa} is not installed (Debian: qemu-user)`);
  }
  return [`qemu-${isa}`, '-L', `/usr/${isa}-linux-gnu`, ...(cpu ? ['-cpu', cpu] : []), binary];
}
