/// <reference types="node" />
// Test-only helpers that run compiled functions natively: each function's bytes become a
// `.byte` function in top-level asm of a generated C program (or an ELF object is linked in),
// built by the system `cc` in a scratch directory.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CompiledCode } from '@windlass/codegen';

/** True on x86-64 Linux with a working `cc`: generated code can be linked and run here. */
export function canRunNative(): boolean {
  if (process.arch !== 'x64' || process.platform !== 'linux') return false;
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A compiled function as top-level asm defining the global `name` (code without relocations only). */
export function asmFunction(name: string, code: CompiledCode): string {
  if (code.relocations.length > 0) throw new Error(`${name}: asmFunction cannot place relocations`);
  const bytes = Array.from(code.bytes).join(',');
  return `__asm__(".text\\n.p2align 4\\n.globl ${name}\\n.type ${name},@function\\n${name}:\\n.byte ${bytes}\\n");\n`;
}

export interface ScratchDir {
  /** Writes a file into the directory. */
  write(name: string, contents: string | Uint8Array): void;
  /** Runs a tool in the directory and returns its stdout (throws with its stderr on failure). */
  tool(cmd: string, args: string[]): string;
  /** Runs a program built in the directory; returns its stdout lines. */
  run(exe: string): string[];
}

/** Runs `f` in a fresh temporary directory, removed afterwards. */
export function inScratchDir<T>(f: (d: ScratchDir) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'wl-x64-native-'));
  try {
    return f({
      write: (name, contents) => writeFileSync(join(dir, name), contents),
      tool: (cmd, args) => execFileSync(cmd, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
      run: (exe) => execFileSync(join(dir, exe), { cwd: dir, encoding: 'utf8', timeout: 60_000 }).trim().split('\n'),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds C `source` (plus extra files and cc arguments) and returns the program's stdout lines. */
export function runC(source: string, opts: { files?: Record<string, Uint8Array | string>; args?: string[] } = {}): string[] {
  return inScratchDir((d) => {
    d.write('main.c', source);
    const extra = Object.entries(opts.files ?? {}).map(([n, b]) => {
      d.write(n, b);
      return n;
    });
    d.tool('cc', ['-O1', '-o', 'prog', 'main.c', ...extra, ...(opts.args ?? [])]);
    return d.run('prog');
  });
}
