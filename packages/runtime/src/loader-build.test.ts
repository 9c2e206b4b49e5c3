// The loader builds for every ISA: natively with cc, and with the Debian cross compilers, run
// under qemu-user. Artifacts for those ISAs run there once their backends exist.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, buildLoader, compilerFor, hostIsa, type LoaderIsa } from './index';
import { hasTool } from './test-support/artifacts';

const dir = mkdtempSync(join(tmpdir(), 'windlass-loader-build-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the loader builds', () => {
  for (const isa of ['x86_64', 'aarch64', 'riscv64', 's390x'] as LoaderIsa[]) {
    const cc = compilerFor(isa);
    const native = isa === hostIsa();
    const runnable = native || hasTool(`qemu-${isa}`);
    it.runIf(hasTool(cc))(`for ${isa} with ${cc}${native ? '' : ', and runs under qemu'}`, () => {
      const exe = join(dir, isa, 'windlass-loader');
      buildLoader(isa, exe);
      if (!runnable) return;
      const cmd = native ? [exe] : [`qemu-${isa}`, '-L', `/usr/${isa}-linux-gnu`, exe];
      const r = spawnSync(cmd[0], [...cmd.slice(1), '--version'], { encoding: 'utf8' });
      expect(r.stdout.trim()).toBe(`windlass-loader protocol ${PROTOCOL_VERSION} ${isa}`);
      // Without its pipes it says how it is meant to be run.
      const bare = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      expect(bare.status).toBe(64);
      expect(bare.stderr).toMatch(/requests on fd 3/);
    }, 120_000);
  }
});
