// The watchdog kills a process whose input never returns (a synchronous endless loop), naming the
// input; an input that returned is left alone. Run in a child process: it is killed.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const tsx = createRequire(import.meta.url).resolve('tsx');
const watchdog = fileURLToPath(new URL('./watchdog.ts', import.meta.url));

describe('startWatchdog', () => {
  it('kills the process at the limit, naming the endless input, and spares one that returned', () => {
    const program = `
      import { startWatchdog } from ${JSON.stringify(watchdog)};
      const w = startWatchdog(1000);
      w.begin('quick input'); w.end();
      await new Promise((r) => setTimeout(r, 1600));
      console.log('after the quick input');
      w.begin('input 7 (rerun: --from 7)');
      for (;;) {}`;
    const r = spawnSync(process.execPath, ['--import', tsx, '--input-type=module', '-e', program], { encoding: 'utf8', timeout: 30_000 });
    expect(r.signal).toBe('SIGKILL');
    expect(r.stdout).toBe('after the quick input\n');
    expect(r.stderr).toContain('HANG: an input ran over 1 s of wall time: input 7 (rerun: --from 7)');
  }, 40_000);
});
