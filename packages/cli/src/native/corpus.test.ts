import { describe, it, expect } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseClif } from '@windlass/ir';
import { buildIsa, settingsBuilder, UnsupportedError } from '@windlass/codegen';
import '@windlass/isa-x64';

const runtests = join(__dirname, '../../../../../shared/corpus/cranelift-filetests/runtests');
const have = existsSync(runtests);

describe('x86_64 over the runtests corpus', () => {
  it.skipIf(!have)('allocations of every non-SIMD function pass the regalloc checker, in both allocator modes (needs ../shared/corpus)', () => {
    for (const alg of ['backtracking', 'single_pass']) {
      const b = settingsBuilder();
      b.apply('regalloc_checker');
      b.apply(`regalloc_algorithm=${alg}`);
      const isa = buildIsa('x86_64 haswell', b.finish());
      let compiled = 0;
      const failures: string[] = [];
      for (const f of readdirSync(runtests).filter((x) => x.endsWith('.clif') && !x.startsWith('simd'))) {
        let clif;
        try {
          clif = parseClif(readFileSync(join(runtests, f), 'utf8'), f);
        } catch {
          continue;
        }
        for (const fn of clif.functions) {
          try {
            isa.compileFunction(fn.func, { wantListing: false });
            compiled++;
          } catch (e) {
            if (!(e instanceof UnsupportedError)) failures.push(`${f}: ${(e as Error).message}`);
          }
        }
      }
      expect(failures).toEqual([]);
      expect(compiled).toBeGreaterThan(1000);
    }
  }, 120_000);
});
