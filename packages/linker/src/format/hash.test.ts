import { describe, expect, it } from 'vitest';
import { xxh32 } from './hash';

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('xxh32', () => {
  it('matches the xxHash specification test vectors (seed 0)', () => {
    expect(xxh32(ascii(''))).toBe(0x02cc5d05);
    expect(xxh32(ascii('a'))).toBe(0x550d7456);
    expect(xxh32(ascii('abc'))).toBe(0x32d153ff);
    expect(xxh32(ascii('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f);
  });

  it('reads unaligned subarrays', () => {
    const b = ascii('xNobody inspects the spammish repetition');
    expect(xxh32(b.subarray(1))).toBe(0xe2293b2f);
  });
});
