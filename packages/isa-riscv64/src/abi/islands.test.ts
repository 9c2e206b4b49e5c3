// Branch ranges in functions of more than 2 MiB: conditional branches reach ±4 KiB and `jal`
// ±1 MiB, so the MachBuffer places islands with veneers (a branch to a `jal`, a `jal` to an
// `auipc` + `jalr` far jump) and the code still branches right, forward and backward.
import { describe, expect, it } from 'vitest';
import { compileClif, haveCross, linkAndRun, objectOf } from '../test-support/qemu';

/** Enough 4-byte instructions (no compressed forms) to make the loop body over 2 MiB. */
const N = 560_000;

function bigFunction(): string {
  const lines = [
    'function %big(i64, i64) -> i64 {',
    'block0(v0: i64, v1: i64):',
    '    v2 = iconst.i64 2',
    '    brif v1, block3(v0), block1(v0, v2)',
    'block1(v3: i64, v4: i64):',
  ];
  let prev = 3;
  for (let k = 0; k < N; k++) {
    lines.push(`    v${10 + k} = iadd_imm v${prev}, ${k % 2 === 0 ? 3 : -1}`);
    prev = 10 + k;
  }
  lines.push(
    '    v5 = iadd_imm v4, -1',
    `    brif v5, block1(v${prev}, v5), block2(v${prev})`,
    'block2(v6: i64):',
    '    return v6',
    'block3(v7: i64):',
    '    return v7',
    '}',
  );
  return lines.join('\n');
}

describe('islands and veneers', () => {
  it.skipIf(!haveCross)('branches over more than 2 MiB of code, forward and backward, under qemu', () => {
    const codes = compileClif(bigFunction(), 'riscv64', [], false);
    const code = codes.get('big')!;
    expect(code.bytes.length).toBeGreaterThan(2 * 1024 * 1024);
    // Far jumps sit in islands: `auipc t5, hi` and `jalr x0, lo(t5)` words.
    const words = new Uint32Array(code.bytes.slice().buffer);
    const far = words.filter((w, k) => (w & 0xfff) === 0xf17 && (words[k + 1] & 0xfffff) === 0xf0067);
    expect(far.length).toBeGreaterThan(0);
    const main = `#include <stdio.h>
long big(long, long);
int main(void) { printf("%ld %ld\\n", big(5, 1), big(5, 0)); return 0; }
`;
    const out = linkAndRun(objectOf(codes), main);
    expect(out.link).toBe('');
    // Each pass adds N/2 * 3 - N/2 = N; two passes.
    expect(out.stdout).toBe(`5 ${5 + 2 * N}\n`);
  }, 180_000);
});
