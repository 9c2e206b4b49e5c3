/// <reference types="node" />
// Test-only helpers: compile CLIF text for AArch64 into an ELF object, link it with a C driver
// by `aarch64-linux-gnu-gcc` and run the program under `qemu-aarch64`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseClif } from '@windlass/ir';
import { buildIsa, settingsBuilder, type CompiledCode } from '@windlass/codegen';
import { ObjectModule } from '@windlass/object';
import { symbolName } from '../lower/names';
import '../index';

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

export const HAVE_QEMU = hasTool('aarch64-linux-gnu-gcc') && hasTool('qemu-aarch64');

export interface Built {
  readonly object: Uint8Array;
  readonly codes: Map<string, CompiledCode>;
}

/**
 * Compiles every function of `clif` for `target` (an aarch64 target line), with the file's
 * `set` lines, into one object; functions are exported under their CLIF names.
 */
export function compileClif(
  clif: string, target = 'aarch64', objectOptions: { gnuProperty?: { aarch64Bti?: boolean; aarch64Pac?: boolean } } = {}, wantListing = true,
): Built {
  const file = parseClif(clif, 'test.clif');
  const b = settingsBuilder();
  for (const s of file.settings) b.apply(s.value === null ? s.name : `${s.name}=${s.value}`);
  const isa = buildIsa(target, b.finish());
  const m = new ObjectModule({ target: 'aarch64', ...objectOptions });
  const codes = new Map<string, CompiledCode>();
  const local = new Set(file.functions.map((f) => symbolName(f.func.name)));
  for (const f of file.functions) {
    const name = symbolName(f.func.name);
    const code = isa.compileFunction(f.func, { wantListing });
    codes.set(name, code);
    const id = m.declareFunction(name, 'export');
    for (const r of code.relocations) {
      if (r.target.kind === 'symbol' && !local.has(r.target.name)) m.declareFunction(r.target.name, 'import');
    }
    m.defineFunction(id, { bytes: code.bytes, relocs: code.relocations, unwind: code.unwind, alignment: code.alignment });
  }
  return { object: m.finish(), codes };
}

export interface RunResult {
  readonly link: { readonly status: number | null; readonly stderr: string };
  readonly status: number | null;
  readonly signal: string | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Links `objects` with the C (or assembly, by extension) `sources` and runs the program under qemu. */
export function linkAndRun(objects: readonly Uint8Array[], sources: Record<string, string>, ccFlags: readonly string[] = []): RunResult {
  const dir = mkdtempSync(join(tmpdir(), 'wl-a64-run-'));
  try {
    const files: string[] = [];
    objects.forEach((o, k) => {
      const p = join(dir, `gen${k}.o`);
      writeFileSync(p, o);
      files.push(p);
    });
    for (const [name, text] of Object.entries(sources)) {
      const p = join(dir, name);
      writeFileSync(p, text);
      files.unshift(p);
    }
    const exe = join(dir, 'prog');
    const cc = spawnSync('aarch64-linux-gnu-gcc', ['-O1', ...ccFlags, '-o', exe, ...files, '-lm'], { encoding: 'utf8' });
    const link = { status: cc.status, stderr: cc.stderr ?? '' };
    if (cc.status !== 0) return { link, status: null, signal: null, stdout: '', stderr: '' };
    const r = spawnSync('qemu-aarch64', ['-L', '/usr/aarch64-linux-gnu', exe], { encoding: 'utf8', timeout: 120_000 });
    return { link, status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
