import { describe, it, expect } from 'vitest';
import { NONE, type Value } from '../entities';
import { DefTable } from './defs';

describe('DefTable', () => {
  it('answers NONE until a pair is defined, then the value (value 0 included)', () => {
    const t = new DefTable();
    t.ensureVars(3);
    t.ensureBlocks(2);
    expect(t.get(1, 2)).toBe(NONE);
    t.set(1, 2, 0 as Value);
    t.set(0, 0, 7 as Value);
    expect(t.get(1, 2)).toBe(0);
    expect(t.get(0, 0)).toBe(7);
    expect(t.get(0, 2)).toBe(NONE);
  });

  it('keeps definitions when variables and blocks are added later', () => {
    const t = new DefTable();
    t.ensureVars(2);
    t.ensureBlocks(3);
    t.set(2, 1, 42 as Value);
    t.ensureVars(100); // re-strides the dense table
    t.ensureBlocks(1000);
    expect(t.get(2, 1)).toBe(42);
    t.set(999, 99, 5 as Value);
    expect(t.get(999, 99)).toBe(5);
    expect(t.get(998, 99)).toBe(NONE);
  });

  it('switches to the sparse form for many variables times many blocks, keeping every definition', () => {
    const t = new DefTable();
    t.ensureVars(4000);
    t.ensureBlocks(10);
    t.set(3, 3999, 11 as Value);
    t.set(9, 0, 12 as Value);
    t.ensureBlocks(5000); // 4096 * 8192 entries: over the dense limit
    expect(t.get(3, 3999)).toBe(11);
    expect(t.get(9, 0)).toBe(12);
    expect(t.get(4999, 17)).toBe(NONE);
    t.set(4999, 17, 13 as Value);
    t.ensureVars(9000);
    expect(t.get(4999, 17)).toBe(13);
    expect(t.get(3, 3999)).toBe(11);
  });
});
