// Emission of the `AtomicLoop` pseudo-instruction (see atomics.ts), in physical registers:
//
//   full words (m4 = 4 or 8), regs = [old, cur, nv, nv2]:
//       l(g)  old, d(b)
//   L:  cur <- old (byte-reversed when little-endian)
//       nv  <- cur op operand
//       nv2 <- nv (byte-reversed when little-endian)
//       cs(g) old, nv2, d(b)        ; on a mismatch old <- memory, CC1
//       brc 4, L
//       r1 <- old (byte-reversed when little-endian)
//
//   bytes and halfwords (m4 = 1 or 2): b = the aligned word, r3 / r4 = the rotation bringing
//   the field to the top of the word and its negation, regs = [old, t, cur, nv, nvr]:
//       l     old, 0(b)
//   L:  rll   t, old, 0(r3)          ; the field in bits 32..39 (47)
//       cur <- the field's value     ; (srlk / srak; little-endian halfwords: lrvr + llhr/lhr)
//       nv  <- cur op operand        ; (CAS: cr cur, x; brc 7, done; nv <- r2)
//       risbg t, nv, 32, 39 (47), 24 (16)   ; insert (little-endian halfwords: lrvr first)
//       rll   nv, t, 0(r4)
//       cs    old, nv, 0(b)
//       brc 4, L
//   done: r1 <- cur / the old field

import { CodegenError, type EmitSink } from '@windlass/codegen';
import { MInst } from '../inst/mod';
import { encode } from '../inst/emit';
import { opIndex } from '../inst/ops';
import { NO_REG } from '../inst/regs';

/** `ATOMIC_RMW_OPS` indexes. */
export const RmwOp = { Add: 0, Sub: 1, And: 2, Nand: 3, Or: 4, Xor: 5, Xchg: 6, Umin: 7, Umax: 8, Smin: 9, Smax: 10 } as const;
/** The compare-and-swap kind of `AtomicLoop`. */
export const CAS = 100;

function op(name: string, r1: number, r2 = NO_REG, r3 = NO_REG): MInst {
  const i = new MInst(opIndex(name));
  i.r1 = r1;
  i.r2 = r2;
  i.r3 = r3;
  return i;
}
function mem(name: string, r1: number, r3: number, b: number, d: number): MInst {
  const i = new MInst(opIndex(name));
  i.r1 = r1;
  i.r3 = r3;
  i.b = b;
  i.d = d;
  return i;
}

export function expandAtomicLoop(i: MInst, sink: EmitSink, put: (i: MInst) => void): void {
  const regs = i.regs;
  if (regs === null) throw new CodegenError('internal: atomic loop without temporaries');
  const kind = i.m3;
  const w = i.m4;
  const little = i.m5 !== 0;
  const wide = w === 8;
  const top = sink.getLabel();
  const branchBack = (): void => {
    const b = new MInst(opIndex('brc'));
    b.m3 = 4;
    b.label = top;
    encode(b, sink);
  };
  if (w >= 4) {
    const [old, cur, nv, nv2] = regs;
    const load = mem(wide ? 'lg' : 'l', old, NO_REG, i.b, i.d);
    load.trap = i.trap;
    put(load);
    sink.bindLabel(top);
    const c = little ? cur : old;
    if (little) put(op(wide ? 'lrvgr' : 'lrvr', cur, old));
    compute(kind, wide, nv, c, i.r2, put);
    const n = little ? nv2 : nv;
    if (little) put(op(wide ? 'lrvgr' : 'lrvr', nv2, nv));
    put(mem(wide ? 'csg' : 'csy', old, n, i.b, i.d));
    branchBack();
    put(little ? op(wide ? 'lrvgr' : 'lrvr', i.r1, old) : op('lgr', i.r1, old));
    return;
  }
  const [old, t, cur, nv, nvr] = regs;
  const bits = 8 * w;
  const load = mem('l', old, NO_REG, i.b, 0);
  load.trap = i.trap;
  put(load);
  sink.bindLabel(top);
  put(mem('rll', t, old, i.r3, 0));
  const signed = kind === RmwOp.Smin || kind === RmwOp.Smax;
  if (little && w === 2) {
    put(op('lrvr', cur, t));
    put(op(signed ? 'lhr' : 'llhr', cur, cur));
  } else put(mem(signed ? 'srak' : 'srlk', cur, t, NO_REG, 32 - bits));
  const done = kind === CAS ? sink.getLabel() : -1;
  if (kind === CAS) {
    put(op('cr', cur, i.x));
    const b = new MInst(opIndex('brc'));
    b.m3 = 7;
    b.label = done;
    encode(b, sink);
    put(op('lgr', nv, i.r2));
  } else compute(kind, false, nv, cur, i.r2, put);
  let src = nv;
  let rot = 32 - bits;
  if (little && w === 2) {
    put(op('lrvr', nvr, nv));
    src = nvr;
    rot = 0;
  }
  const ins = op('risbg', t, src);
  ins.m3 = 32;
  ins.m4 = 32 + bits - 1;
  ins.m5 = rot;
  put(ins);
  put(mem('rll', nv, t, i.r4, 0));
  put(mem('csy', old, nv, i.b, 0));
  branchBack();
  if (kind === CAS) sink.bindLabel(done);
  put(op('lgr', i.r1, cur));
}

/** nv <- cur `kind` operand (32 or 64 bits). */
function compute(kind: number, wide: boolean, nv: number, cur: number, operand: number, put: (i: MInst) => void): void {
  const g = (a: string, b: string): string => (wide ? a : b);
  switch (kind) {
    case RmwOp.Add: put(op(g('agrk', 'ark'), nv, cur, operand)); return;
    case RmwOp.Sub: put(op(g('sgrk', 'srk'), nv, cur, operand)); return;
    case RmwOp.And: put(op(g('ngrk', 'nrk'), nv, cur, operand)); return;
    case RmwOp.Or: put(op(g('ogrk', 'ork'), nv, cur, operand)); return;
    case RmwOp.Xor: put(op(g('xgrk', 'xrk'), nv, cur, operand)); return;
    case RmwOp.Xchg: put(op('lgr', nv, operand)); return;
    case RmwOp.Nand: {
      put(op(g('ngrk', 'nrk'), nv, cur, operand));
      put(op('lcgr', nv, nv));
      const a = new MInst(opIndex('aghi'));
      a.r1 = nv;
      a.imm = -1;
      put(a);
      return;
    }
    default: {
      // min/max: nv <- operand, then cur when it wins.
      const signed = kind === RmwOp.Smin || kind === RmwOp.Smax;
      const min = kind === RmwOp.Smin || kind === RmwOp.Umin;
      put(op(wide ? (signed ? 'cgr' : 'clgr') : signed ? 'cr' : 'clr', cur, operand));
      put(op('lgr', nv, operand));
      const l = op('locgr', nv, cur);
      l.m3 = min ? 12 : 10;
      put(l);
    }
  }
}
