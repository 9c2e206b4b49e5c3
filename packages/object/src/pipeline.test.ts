/// <reference types="node" />
// MachBuffer -> CompiledCode -> ObjectModule -> cc: the codegen foundations and the object
// writer together, with a constant pool after the code and branches resolved by the buffer.
import { compiledCodeFrom, type LabelUseKind, MachBuffer, type MachLabel } from '@windlass/codegen';
import { afterAll, describe, expect, it } from 'vitest';
import { ObjectModule } from './module';
import { hasTool, nativeX86_64, Scratch } from './test-support/toolchain';

// x86-64 rel32: counts from the end of the 4-byte field.
const rel32: LabelUseKind = {
  name: 'rel32', patchSize: 4, maxPosRange: 0x7fff_ffff, maxNegRange: 0x7fff_fffc,
  patch(bytes, use, label) {
    new DataView(bytes.buffer, bytes.byteOffset).setInt32(use, label - (use + 4), true);
  },
};

function jump(b: MachBuffer, opcode: number[], target: MachLabel, inverted?: number[]): void {
  const start = b.curOffset();
  b.putBytes(new Uint8Array(opcode));
  b.useLabel(b.curOffset(), target, rel32);
  b.put4(0);
  if (inverted === undefined) b.addUncondBranch(start, b.curOffset(), target);
  else b.addCondBranch(start, b.curOffset(), target, new Uint8Array([...inverted, 0, 0, 0, 0]));
}

/** double scale(double x) { return x * 2.5; }: mulsd xmm0, [rip + const]; ret */
function scale() {
  const b = new MachBuffer('little');
  const f64 = new Uint8Array(8);
  new DataView(f64.buffer).setFloat64(0, 2.5, true);
  b.putBytes(new Uint8Array([0xf2, 0x0f, 0x59, 0x05]));
  b.useLabel(b.curOffset(), b.constantLabel(f64, 16), rel32);
  b.put4(0);
  b.put1(0xc3);
  return compiledCodeFrom(b.finish(), { frameSize: 0, alignment: 1, listing: '' });
}

/** int clamp0(int x) { return x < 0 ? 0 : x; } with a conditional and an unconditional jump. */
function clamp0() {
  const b = new MachBuffer('little');
  const neg = b.getLabel(), end = b.getLabel();
  b.putBytes(new Uint8Array([0x85, 0xff])); // test edi, edi
  jump(b, [0x0f, 0x88], neg, [0x0f, 0x89]); // js neg
  b.putBytes(new Uint8Array([0x89, 0xf8])); // mov eax, edi
  jump(b, [0xe9], end); // jmp end
  b.bindLabel(neg);
  b.putBytes(new Uint8Array([0x31, 0xc0])); // xor eax, eax
  b.bindLabel(end);
  b.put1(0xc3);
  return compiledCodeFrom(b.finish(), { frameSize: 0, alignment: 1, listing: '' });
}

const scratches: Scratch[] = [];
afterAll(() => scratches.forEach((s) => s.dispose()));

describe.skipIf(!(nativeX86_64 && hasTool('cc')))('MachBuffer code in an object (skipped unless cc runs on x86-64 Linux)', () => {
  it('runs with its constant pool and branches', () => {
    const code = scale();
    expect(code.alignment).toBe(16); // the pool's 16-byte constant sets the function alignment
    const m = new ObjectModule({ target: 'x86_64' });
    m.defineFunction(m.declareFunction('scale', 'export'), { ...code, unwind: { rows: [] } });
    m.defineFunction(m.declareFunction('clamp0', 'export'), { ...clamp0(), unwind: { rows: [] } });
    const s = new Scratch();
    scratches.push(s);
    const link = s.link(`
#include <stdio.h>
double scale(double);
int clamp0(int);
int main(void) { printf("%g %d %d\\n", scale(4.0), clamp0(-7), clamp0(9)); return 0; }
`, { 'p.o': m.finish() });
    expect(link.stderr).toBe('');
    expect(s.run().stdout).toBe('10 0 9\n');
  });
});
