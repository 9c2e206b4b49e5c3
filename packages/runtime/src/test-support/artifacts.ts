/// <reference types="node" />
// Test helpers: artifacts from wasm text (wabt's wat2wasm + @windlass/linker for x86-64).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@windlass/isa-x64';
import { compileModule, serialize, type BoundsChecks } from '@windlass/linker';

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

/** Whether x86-64 artifacts can run here (and the tools the tests use exist). */
export const canRun = process.platform === 'linux' && process.arch === 'x64' && hasTool('cc') && hasTool('wat2wasm');

export function wat(text: string, flags: string[] = []): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'windlass-runtime-'));
  try {
    writeFileSync(join(dir, 'm.wat'), text);
    const r = spawnSync('wat2wasm', [...flags, join(dir, 'm.wat'), '-o', join(dir, 'm.wasm')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`wat2wasm: ${r.stderr}`);
    return new Uint8Array(readFileSync(join(dir, 'm.wasm')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The serialized x86-64 artifact of a module in wasm text. */
export function artifactOf(text: string, opts: { settings?: string[]; boundsChecks?: BoundsChecks } = {}): Uint8Array {
  return serialize(compileModule(wat(text), { target: 'x86_64', settings: opts.settings, boundsChecks: opts.boundsChecks }));
}
