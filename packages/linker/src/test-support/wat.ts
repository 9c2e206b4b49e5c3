/// <reference types="node" />
// Test helpers: wasm modules from text with wabt's wat2wasm (Debian package wabt), and the host tools.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

/** The binary module of `text` (wat2wasm), throwing wat2wasm's message when it rejects it. */
export function wat(text: string, features: string[] = []): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'windlass-linker-'));
  try {
    writeFileSync(join(dir, 'm.wat'), text);
    const r = spawnSync('wat2wasm', [...features, join(dir, 'm.wat'), '-o', join(dir, 'm.wasm')], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`wat2wasm: ${r.stderr || r.error}`);
    return new Uint8Array(readFileSync(join(dir, 'm.wasm')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `cmd` on `bytes` written to a file; stdout and stderr. */
export function onFile(cmd: string, args: string[], bytes: Uint8Array): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'windlass-linker-'));
  try {
    const f = join(dir, 'a.cwasm');
    writeFileSync(f, bytes);
    const r = spawnSync(cmd, [...args, f], { encoding: 'utf8', maxBuffer: 64 << 20 });
    return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
