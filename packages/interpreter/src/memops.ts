// Loads and stores: byte order from the memory flags (`big`/`little`, else the interpreter's
// native order), the trap code of the flags when the access is out of bounds, and the
// extending / truncating / widening forms.

import { type Type, laneType, laneBits, bytes, memEndianness, memTrapCode, ENDIAN_BIG, INVALID, I8, I16, I32, I64 } from '@windlass/ir';
import { type Scalar, type Value, setLane, fromBig, toBig, toBytes, fromBytes } from './value';
import * as I from './intops';
import type { Exec } from './exec';
import { type Handler, argv, argT, resT, set } from './handlers';

interface LoadShape {
  /** Bytes read from memory per lane (or for the scalar). */
  readonly width: number;
  readonly sign: boolean;
  /** Lanes read for the widening vector loads (uload8x8 ...); 0 for scalar loads. */
  readonly lanes: number;
}

const LOAD_SHAPES: Record<string, LoadShape> = {
  uload8: { width: 1, sign: false, lanes: 0 },
  sload8: { width: 1, sign: true, lanes: 0 },
  uload16: { width: 2, sign: false, lanes: 0 },
  sload16: { width: 2, sign: true, lanes: 0 },
  uload32: { width: 4, sign: false, lanes: 0 },
  sload32: { width: 4, sign: true, lanes: 0 },
  uload8x8: { width: 1, sign: false, lanes: 8 },
  sload8x8: { width: 1, sign: true, lanes: 8 },
  uload16x4: { width: 2, sign: false, lanes: 4 },
  sload16x4: { width: 2, sign: true, lanes: 4 },
  uload32x2: { width: 4, sign: false, lanes: 2 },
  sload32x2: { width: 4, sign: true, lanes: 2 },
};

const INT_OF_BYTES = [INVALID, I8, I16, INVALID, I32, INVALID, INVALID, INVALID, I64];

/** Read a value of type `t` at `addr` with memory flags `flags`. */
export function loadValue(x: Exec, t: Type, addr: number, flags: number): Value {
  const big = memEndianness(flags) === ENDIAN_BIG || (memEndianness(flags) === 0 && x.bigEndian);
  return fromBytes(t, x.memory.read(addr, bytes(t), memTrapCode(flags)), big);
}

export function storeValue(x: Exec, t: Type, v: Value, addr: number, flags: number): void {
  const big = memEndianness(flags) === ENDIAN_BIG || (memEndianness(flags) === 0 && x.bigEndian);
  x.memory.write(addr, toBytes(t, v, big), memTrapCode(flags));
}

export function addrOf(v: Value): number {
  return typeof v === 'number' ? v : Number(BigInt.asUintN(64, v as bigint));
}

/** Handlers of the `Load`/`Store` formats: imm0 = flags, imm1 = offset. */
export function loadHandler(name: string): Handler {
  const shape = LOAD_SHAPES[name];
  return (x, f, i) => {
    const flags = f.imm0(i);
    const addr = addrOf(argv(x, f, i, 0)) + f.imm1(i);
    const t = resT(f, i);
    if (!shape) {
      set(x, f, i, loadValue(x, t, addr, flags));
      return;
    }
    if (shape.lanes === 0) {
      const raw = loadValue(x, INT_OF_BYTES[shape.width], addr, flags) as Scalar;
      set(x, f, i, I.extendTo(shape.width * 8, laneBits(t), raw, shape.sign));
      return;
    }
    const src = INT_OF_BYTES[shape.width];
    const out = new Uint8Array(bytes(t));
    for (let k = 0; k < shape.lanes; k++) {
      const raw = loadValue(x, src, addr + k * shape.width, flags) as Scalar;
      setLane(out, laneType(t), k, I.extendTo(shape.width * 8, shape.width * 16, raw, shape.sign));
    }
    set(x, f, i, out);
  };
}

const STORE_WIDTH: Record<string, number> = { istore8: 1, istore16: 2, istore32: 4 };

export function storeHandler(name: string): Handler {
  const width = STORE_WIDTH[name] ?? 0;
  return (x, f, i) => {
    const flags = f.imm0(i);
    const t = argT(x, f, i, 0);
    const v = argv(x, f, i, 0);
    const addr = addrOf(argv(x, f, i, 1)) + f.imm1(i);
    if (width === 0) storeValue(x, t, v, addr, flags);
    else storeValue(x, INT_OF_BYTES[width], fromBig(width * 8, toBig(v as Scalar)), addr, flags);
  };
}

