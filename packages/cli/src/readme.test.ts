// The README's first example, run as written: its shell block is read from the README itself,
// the heredoc becomes a file, and each `windlass` line runs in-process; `# prints TEXT` is the
// last line the command must print.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './test-support';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const block = /```sh\n([\s\S]*?)```/.exec(readme)![1];

describe('README example', () => {
  it('runs every windlass command of the first shell block', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'windlass-readme-'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const lines = block.split('\n');
      let ran = 0;
      for (let k = 0; k < lines.length; k++) {
        const heredoc = /^cat > (\S+) <<'(\w+)'$/.exec(lines[k]);
        if (heredoc) {
          const end = lines.indexOf(heredoc[2], k);
          writeFileSync(heredoc[1], lines.slice(k + 1, end).join('\n') + '\n');
          k = end;
          continue;
        }
        const m = /^windlass ([^#]*?)\s*(?:#\s*(.*))?$/.exec(lines[k]);
        if (!m) continue;
        const r = await cli(...m[1].split(/\s+/));
        expect(r, lines[k]).toMatchObject({ status: 0, err: '' });
        const printed = /^prints (.*)$/.exec(m[2] ?? '');
        if (printed) expect(r.out.trimEnd().split('\n').pop(), lines[k]).toBe(printed[1]);
        ran++;
      }
      expect(ran).toBe(4);
      expect(readFileSync('add.o').subarray(0, 4)).toEqual(Buffer.from('\x7fELF', 'latin1'));
    } finally {
      process.chdir(cwd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
