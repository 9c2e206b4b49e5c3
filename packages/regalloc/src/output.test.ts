import { describe, expect, it } from 'vitest';
import { sortByKey } from './output';

// `EditCollector.finish` lays edits out by program point with `sortByKey`: a counting sort for
// small functions, a radix sort (in passes of 11 bits) once the key range is large.

/** A deterministic pseudo-random sequence (xorshift32). */
function keys(n: number, maxKey: number, seed: number): Int32Array {
  const out = new Int32Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x >>> 0) % maxKey;
  }
  return out;
}

function expected(key: Int32Array): number[] {
  return Array.from(key.keys()).sort((a, b) => key[a] - key[b] || a - b);
}

describe('sortByKey', () => {
  it('orders indices by key, equal keys in index order', () => {
    const key = Int32Array.of(5, 1, 5, 0, 1, 7);
    expect(Array.from(sortByKey(key, 6, 8))).toEqual([3, 1, 4, 0, 2, 5]);
  });

  it.each([
    ['counting sort', 2000, 64],
    ['counting sort, full key range', 5000, 1 << 14],
    ['radix sort, two passes', 20000, 1 << 20],
    ['radix sort, three passes', 20000, 1 << 28],
    ['radix sort, many equal keys', 30000, 40000],
  ])('%s (%i keys below %i)', (_name, n, maxKey) => {
    const key = keys(n, maxKey, n + maxKey);
    // Keys at both ends of the range too.
    key[0] = maxKey - 1;
    key[n - 1] = 0;
    expect(Array.from(sortByKey(key, n, maxKey))).toEqual(expected(key));
  });

  it('sorts only the first n keys', () => {
    const key = Int32Array.of(3, 2, 1, 0);
    expect(Array.from(sortByKey(key, 2, 1 << 20))).toEqual([1, 0]);
  });
});
