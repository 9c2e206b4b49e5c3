// Vectors through V under qemu: the vector configuration tracked at emission, masks in v0,
// vectors wider than 128 bits (a target line's zvl flag) passed by reference as the psABI
// passes large aggregates.
import { describe, expect, it } from 'vitest';
import { compileClif, haveCross, linkAndRun, objectOf } from '../test-support/qemu';

const WIDE = `function %add_i32x16(i32x16, i32x16) -> i32x16 {
block0(v0: i32x16, v1: i32x16):
    v2 = iadd v0, v1
    v3 = iconst.i32 3
    v4 = splat.i32x16 v3
    v5 = imul v2, v4
    return v5
}
function %mix(i8x16, i16x8) -> i16x8 {
block0(v0: i8x16, v1: i16x8):
    v2 = swiden_high v0
    v3 = iadd v2, v1
    v4 = icmp sgt v3, v1
    v5 = bitselect v4, v3, v1
    return v5
}`;

describe('vectors', () => {
  it('sets the configuration once per run of instructions that share it', () => {
    const codes = compileClif(WIDE, 'riscv64 has_v has_zvl512b');
    const listing = codes.get('add_i32x16')!.listing;
    expect(listing.match(/vset/g)).toHaveLength(1);
    expect(listing).toContain('vsetivli zero,16,e32,m1,ta,ma');
  });

  it.skipIf(!haveCross)('runs 512-bit vectors passed by reference and mixed-width lanes under qemu', () => {
    const codes = compileClif(WIDE, 'riscv64 has_v has_zvl512b');
    const main = `#include <stdio.h>
#include <stdint.h>
typedef int32_t v16i __attribute__((vector_size(64)));
typedef int8_t b16 __attribute__((vector_size(16)));
typedef int16_t h8 __attribute__((vector_size(16)));
v16i add_i32x16(v16i, v16i);
h8 mix(b16, h8);
int main(void) {
  v16i a, b;
  for (int i = 0; i < 16; i++) { a[i] = i; b[i] = 100 * i; }
  v16i r = add_i32x16(a, b);
  for (int i = 0; i < 16; i++) printf("%d ", r[i]);
  b16 x; h8 y;
  for (int i = 0; i < 16; i++) x[i] = (int8_t)(i * 37);
  for (int i = 0; i < 8; i++) y[i] = (int16_t)(i * 1000 - 4000);
  h8 z = mix(x, y);
  for (int i = 0; i < 8; i++) printf("%d ", z[i]);
  printf("\\n");
  return 0;
}
`;
    const out = linkAndRun(objectOf(codes), main, 'rv64,v=true,vlen=512,elen=64,vext_spec=v1.0');
    expect(out.link).toBe('');
    const want: number[] = [];
    for (let i = 0; i < 16; i++) want.push(3 * (i + 100 * i));
    for (let i = 0; i < 8; i++) {
      const wide = ((((i + 8) * 37) & 0xff) << 24) >> 24;
      const yv = i * 1000 - 4000;
      const sum = ((wide + yv) << 16) >> 16;
      want.push(sum > yv ? sum : yv);
    }
    expect(out.stdout).toBe(`${want.join(' ')} \n`);
  });
});
