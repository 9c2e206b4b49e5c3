/// <reference types="node" />
// Test-only helpers that drive the host toolchain (cc, readelf, gdb) on objects we write.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

/** True on an x86-64 Linux host, where x86-64 objects can be linked and run natively. */
export const nativeX86_64 = process.platform === 'linux' && process.arch === 'x64';

export interface ToolResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function run(cmd: string, args: string[], cwd: string): ToolResult {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

export class Scratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'windlass-object-'));

  write(name: string, contents: string | Uint8Array): string {
    const p = join(this.dir, name);
    writeFileSync(p, contents);
    return p;
  }
  /** Links `objects` with a C `main` into `exe`; the result carries cc's diagnostics. */
  link(mainC: string, objects: Record<string, Uint8Array>, exe = 'prog'): ToolResult {
    const files = [this.write('main.c', mainC)];
    for (const [name, bytes] of Object.entries(objects)) files.push(this.write(name, bytes));
    return run('cc', ['-O1', '-o', join(this.dir, exe), ...files], this.dir);
  }
  run(exe = 'prog', args: string[] = []): ToolResult {
    return run(join(this.dir, exe), args, this.dir);
  }
  tool(cmd: string, args: string[]): ToolResult {
    return run(cmd, args, this.dir);
  }
  path(name: string): string {
    return join(this.dir, name);
  }
  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function readelf(scratch: Scratch, file: string, flags = ['-a', '-W']): ToolResult {
  return scratch.tool('readelf', [...flags, file]);
}

