/// <reference types="node" />
// Test-only helpers: compile CLIF for riscv64, write one ELF object, link it with a C program by
// `riscv64-linux-gnu-gcc` and run the result under `qemu-riscv64`, in a scratch directory.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseClif } from '@windlass/ir';
import { type CompiledCode, type Reloc, buildIsa, settingsBuilder } from '@windlass/codegen';
import { ObjectModule } from '@windlass/object';
import { symbolName } from '../lower/names';
import '../index';

/** Whether the cross compiler and the emulator are installed. */
export const haveCross = spawnSync('riscv64-linux-gnu-gcc', ['--version']).status === 0
  && spawnSync('qemu-riscv64', ['--version']).status === 0;

/** Compiles every function of a CLIF text (its `set` lines apply) for `target`: name -> code. */
export function compileClif(text: string, target = 'riscv64', sets: readonly string[] = [], wantListing = true): Map<string, CompiledCode> {
  const clif = parseClif(text, 'test.clif');
  const b = settingsBuilder();
  for (const s of clif.settings) b.apply(s.value === null ? s.name : `${s.name}=${s.value}`);
  for (const s of sets) b.apply(s);
  const isa = buildIsa(target, b.finish());
  const out = new Map<string, CompiledCode>();
  for (const f of clif.functions) out.set(symbolName(f.func.name), isa.compileFunction(f.func, { wantListing }));
  return out;
}

/** One object exporting every function (relocations to other names become imports). */
export function objectOf(codes: ReadonlyMap<string, CompiledCode>): Uint8Array {
  const m = new ObjectModule({ target: 'riscv64' });
  const ids = new Map<string, number>();
  for (const name of codes.keys()) ids.set(name, m.declareFunction(name, 'export') as unknown as number);
  for (const [name, code] of codes) {
    for (const r of code.relocations as Reloc[]) {
      if (r.target.kind === 'symbol' && !codes.has(r.target.name)) m.declareFunction(r.target.name, 'import');
    }
    m.defineFunction(ids.get(name) as never, code);
  }
  return m.finish();
}

export interface RunResult {
  /** gcc's diagnostics (empty when it linked without a word). */
  readonly link: string;
  readonly stdout: string;
  readonly status: number | null;
  readonly signal: string | null;
}

/** Links `object` with the C program `main` (extra gcc flags, then `libs`) and runs it under qemu with the `-cpu` model `cpu`. */
export function linkAndRun(object: Uint8Array, main: string, cpu = 'rv64', libs: readonly string[] = [], ccFlags: readonly string[] = []): RunResult {
  const dir = mkdtempSync(join(tmpdir(), 'windlass-rv-test-'));
  try {
    writeFileSync(join(dir, 'code.o'), object);
    writeFileSync(join(dir, 'main.c'), main);
    const exe = join(dir, 'a.out');
    const cc = spawnSync('riscv64-linux-gnu-gcc', ['-O1', ...ccFlags, '-o', exe, join(dir, 'main.c'), join(dir, 'code.o'), ...libs], { encoding: 'utf8' });
    if (cc.status !== 0) return { link: cc.stderr || String(cc.error), stdout: '', status: null, signal: null };
    const run = spawnSync('qemu-riscv64', ['-L', '/usr/riscv64-linux-gnu', '-cpu', cpu, exe], { encoding: 'utf8', timeout: 120_000 });
    return { link: cc.stderr, stdout: run.stdout, status: run.status, signal: run.signal };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
