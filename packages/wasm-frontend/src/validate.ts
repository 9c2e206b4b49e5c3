/**
 * Function body validation: the operand-stack / control-stack algorithm of the WebAssembly 2.0
 * spec's validation appendix, streaming over the operators once.
 */
import { WasmInvalidError, WasmMalformedError } from './errors';
import { LANES, NATURAL_ALIGN, OP_FC, OP_FD, OperatorReader, SIG_IN, SIG_OUT } from './operators';
import { ByteReader } from './reader';
import { FUNCREF, I32, UNKNOWN, V128, isNumType, isRefType, isValType, valTypeName, type Module, type ValType } from './types';

const EMPTY: ValType[] = [];
const SINGLE: ValType[][] = [];
for (const t of [0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f]) SINGLE[t] = [t as ValType];

/** Locals of a function: params then declared locals, addressable by index. */
export class LocalTypes {
  readonly count: number;
  private readonly dense: Uint8Array | undefined;
  private readonly ends: number[] = [];
  private readonly types: ValType[] = [];

  constructor(params: ValType[], counts: number[], types: ValType[]) {
    let total = params.length;
    for (const c of counts) total += c;
    this.count = total;
    // Materialize small lists; look huge (but legal) ones up by run.
    if (total <= 1 << 16) {
      const d = new Uint8Array(total);
      d.set(params);
      let p = params.length;
      for (let i = 0; i < counts.length; i++) {
        d.fill(types[i], p, p + counts[i]);
        p += counts[i];
      }
      this.dense = d;
    } else {
      let p = 0;
      for (const t of params) {
        p++;
        this.ends.push(p);
        this.types.push(t);
      }
      for (let i = 0; i < counts.length; i++) {
        p += counts[i];
        this.ends.push(p);
        this.types.push(types[i]);
      }
    }
  }

  get(i: number): ValType {
    if (this.dense) return this.dense[i] as ValType;
    let lo = 0;
    let hi = this.ends.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid] > i) hi = mid;
      else lo = mid + 1;
    }
    return this.types[lo];
  }
}

/** The module context a body is validated against. */
export interface ValidationContext {
  module: Module;
  declaredRefs: Set<number>;
}

/** Block type immediate (s33) to [params, results]. */
export function blockSignature(m: Module, bt: number): [ValType[], ValType[]] | undefined {
  if (bt === -64) return [EMPTY, EMPTY];
  if (bt < 0) {
    const s = SINGLE[bt & 0x7f];
    return s ? [EMPTY, s] : undefined;
  }
  const t = m.types[bt];
  return t ? [t.params, t.results] : undefined;
}

class FunctionValidator {
  private readonly m: Module;
  private readonly refs: Set<number>;
  private readonly r: ByteReader;
  private readonly ops: OperatorReader;
  private readonly locals: LocalTypes;
  private readonly results: ValType[];
  private readonly funcIndex: number;
  // Operand stack.
  private vals: number[] = [];
  // Control stack, one entry per open block, as parallel arrays.
  private cOp: number[] = [];
  private cStart: ValType[][] = [];
  private cEnd: ValType[][] = [];
  private cHeight: number[] = [];
  private cUnreachable: boolean[] = [];

  constructor(ctx: ValidationContext, defIndex: number) {
    const m = ctx.module;
    this.m = m;
    this.refs = ctx.declaredRefs;
    const body = m.bodies[defIndex];
    this.funcIndex = m.numImportedFuncs + defIndex;
    const type = m.types[m.funcTypes[this.funcIndex]];
    this.results = type.results;
    this.locals = new LocalTypes(type.params, body.localCounts, body.localTypes);
    this.r = new ByteReader(m.bytes, body.codeStart, body.end);
    this.r.section = 10;
    this.r.func = this.funcIndex;
    this.ops = new OperatorReader(this.r, m.features?.multiMemory);
  }

  private err(rule: string, detail?: string): never {
    throw new WasmInvalidError(rule, { offset: this.ops.opPos, section: 10, func: this.funcIndex }, detail);
  }

  private push(t: number): void {
    this.vals.push(t);
  }

  private pop(): number {
    const top = this.cHeight.length - 1;
    const h = this.cHeight[top];
    if (this.vals.length === h) {
      if (this.cUnreachable[top]) return UNKNOWN;
      this.err('type mismatch', 'operand stack underflow');
    }
    return this.vals.pop()!;
  }

  private popT(expect: number): number {
    const actual = this.pop();
    if (actual !== expect && actual !== UNKNOWN && expect !== UNKNOWN)
      this.err('type mismatch', `expected ${valTypeName(expect)}, found ${valTypeName(actual)}`);
    return actual;
  }

  private popVals(types: ValType[]): void {
    for (let i = types.length - 1; i >= 0; i--) this.popT(types[i]);
  }

  private pushVals(types: ValType[]): void {
    for (let i = 0; i < types.length; i++) this.vals.push(types[i]);
  }

  private pushCtrl(op: number, start: ValType[], end: ValType[]): void {
    this.cOp.push(op);
    this.cStart.push(start);
    this.cEnd.push(end);
    this.cHeight.push(this.vals.length);
    this.cUnreachable.push(false);
    this.pushVals(start);
  }

  private popCtrl(): number {
    const top = this.cHeight.length - 1;
    this.popVals(this.cEnd[top]);
    if (this.vals.length !== this.cHeight[top]) this.err('type mismatch', 'values remain at the end of a block');
    this.cStart.pop();
    this.cEnd.pop();
    this.cHeight.pop();
    this.cUnreachable.pop();
    return top;
  }

  private labelTypes(depth: number): ValType[] {
    const n = this.cOp.length;
    if (depth >= n) this.err('unknown label', `depth ${depth}`);
    const i = n - 1 - depth;
    return this.cOp[i] === 0x03 ? this.cStart[i] : this.cEnd[i];
  }

  private unreachable(): void {
    const top = this.cHeight.length - 1;
    this.vals.length = this.cHeight[top];
    this.cUnreachable[top] = true;
  }

  private blockType(bt: number): [ValType[], ValType[]] {
    const s = blockSignature(this.m, bt);
    if (!s) {
      if (bt < 0) throw new WasmMalformedError('malformed value type', { offset: this.ops.opPos + 1, section: 10, func: this.funcIndex });
      this.err('unknown type', `block type ${bt}`);
    }
    return s;
  }

  private needMemory(mem: number): void {
    if (mem >= this.m.memories.length) this.err('unknown memory', `memory ${mem}`);
  }

  private needTable(t: number): ValType {
    const tt = this.m.tables[t];
    if (!tt) this.err('unknown table', `table ${t}`);
    return tt.elem;
  }

  private needData(d: number): void {
    if (this.m.dataCount === undefined)
      throw new WasmMalformedError('data count section required', { offset: this.ops.opPos, section: 10, func: this.funcIndex });
    if (d >= this.m.dataCount) this.err('unknown data segment', `data ${d}`);
  }

  private needElem(e: number): ValType {
    const seg = this.m.elements[e];
    if (!seg) this.err('unknown elem segment', `elem ${e}`);
    return seg.type;
  }

  run(): void {
    const r = this.r;
    const ops = this.ops;
    const m = this.m;
    this.cHeight.push(0);
    this.cOp.push(0x02);
    this.cStart.push(EMPTY);
    this.cEnd.push(this.results);
    this.cUnreachable.push(false);
    while (this.cOp.length > 0) {
      if (r.pos >= r.end) throw new WasmMalformedError('END opcode expected', { offset: r.pos, section: 10, func: this.funcIndex });
      const op = ops.read();
      const ins = SIG_IN[op];
      if (ins !== undefined) {
        const align = NATURAL_ALIGN[op];
        if (align >= 0) {
          this.needMemory(ops.mem);
          if (ops.a > align) this.err('alignment must not be larger than natural', `align 2^${ops.a}`);
        }
        if (LANES[op] !== 0 && ops.c >= LANES[op]) this.err('invalid lane index', `lane ${ops.c}`);
        for (let i = ins.length - 1; i >= 0; i--) this.popT(ins[i]);
        const out = SIG_OUT[op];
        if (out !== 0) this.vals.push(out);
        continue;
      }
      this.special(op, ops, m);
    }
    if (r.pos !== r.end) throw new WasmMalformedError('section size mismatch', { offset: r.pos, section: 10, func: this.funcIndex }, 'bytes after the final end');
  }

  private special(op: number, ops: OperatorReader, m: Module): void {
    switch (op) {
      case 0x00: // unreachable
        this.unreachable();
        return;
      case 0x01: // nop
        return;
      case 0x02: // block
      case 0x03: {
        // loop
        const [p, res] = this.blockType(ops.a);
        this.popVals(p);
        this.pushCtrl(op, p, res);
        return;
      }
      case 0x04: {
        const [p, res] = this.blockType(ops.a);
        this.popT(I32);
        this.popVals(p);
        this.pushCtrl(op, p, res);
        return;
      }
      case 0x05: {
        const top = this.cOp.length - 1;
        if (this.cOp[top] !== 0x04) this.err('else without if');
        const start = this.cStart[top];
        const end = this.cEnd[top];
        this.popCtrl();
        this.cOp.pop();
        this.pushCtrl(0x05, start, end);
        return;
      }
      case 0x0b: {
        const top = this.cOp.length - 1;
        const start = this.cStart[top];
        const end = this.cEnd[top];
        const kind = this.cOp[top];
        this.popCtrl();
        this.cOp.pop();
        if (kind === 0x04 && !sameTypes(start, end)) this.err('type mismatch', 'if without else must leave its parameters');
        this.pushVals(end);
        return;
      }
      case 0x0c:
        this.popVals(this.labelTypes(ops.a));
        this.unreachable();
        return;
      case 0x0d: {
        this.popT(I32);
        const l = this.labelTypes(ops.a);
        this.popVals(l);
        this.pushVals(l);
        return;
      }
      case 0x0e: {
        this.popT(I32);
        const def = this.labelTypes(ops.b);
        const arity = def.length;
        for (let i = 0; i < ops.a; i++) {
          const l = this.labelTypes(ops.targets[i]);
          if (l.length !== arity) this.err('type mismatch', 'br_table targets of different arity');
          // Pop and push back: in unreachable code this checks each target's types in turn.
          const popped: number[] = [];
          for (let j = l.length - 1; j >= 0; j--) popped.push(this.popT(l[j]));
          for (let j = popped.length - 1; j >= 0; j--) this.vals.push(popped[j]);
        }
        this.popVals(def);
        this.unreachable();
        return;
      }
      case 0x0f:
        this.popVals(this.results);
        this.unreachable();
        return;
      case 0x10: {
        const t = m.funcTypes[ops.a];
        if (t === undefined) this.err('unknown function', `function ${ops.a}`);
        const ft = m.types[t];
        this.popVals(ft.params);
        this.pushVals(ft.results);
        return;
      }
      case 0x11: {
        const elem = this.needTable(ops.b);
        if (elem !== FUNCREF) this.err('type mismatch', 'call_indirect through a table that is not funcref');
        const ft = m.types[ops.a];
        if (!ft) this.err('unknown type', `type ${ops.a}`);
        this.popT(I32);
        this.popVals(ft.params);
        this.pushVals(ft.results);
        return;
      }
      case 0x1a:
        this.pop();
        return;
      case 0x1b: {
        this.popT(I32);
        const t1 = this.pop();
        const t2 = this.pop();
        const num1 = t1 === UNKNOWN || isNumType(t1) || t1 === V128;
        const num2 = t2 === UNKNOWN || isNumType(t2) || t2 === V128;
        if (!num1 || !num2) this.err('type mismatch', 'select without a type needs numeric or vector operands');
        if (t1 !== t2 && t1 !== UNKNOWN && t2 !== UNKNOWN) this.err('type mismatch', 'select operands differ');
        this.push(t1 === UNKNOWN ? t2 : t1);
        return;
      }
      case 0x1c: {
        if (ops.a !== 1) this.err('invalid result arity', `select with ${ops.a} types`);
        if (!isValType(ops.b))
          throw new WasmMalformedError('malformed value type', { offset: ops.opPos, section: 10, func: this.funcIndex });
        this.popT(I32);
        this.popT(ops.b);
        this.popT(ops.b);
        this.push(ops.b);
        return;
      }
      case 0x20:
        if (ops.a >= this.locals.count) this.err('unknown local', `local ${ops.a}`);
        this.push(this.locals.get(ops.a));
        return;
      case 0x21:
        if (ops.a >= this.locals.count) this.err('unknown local', `local ${ops.a}`);
        this.popT(this.locals.get(ops.a));
        return;
      case 0x22: {
        if (ops.a >= this.locals.count) this.err('unknown local', `local ${ops.a}`);
        const t = this.locals.get(ops.a);
        this.popT(t);
        this.push(t);
        return;
      }
      case 0x23: {
        const g = m.globals[ops.a];
        if (!g) this.err('unknown global', `global ${ops.a}`);
        this.push(g.type);
        return;
      }
      case 0x24: {
        const g = m.globals[ops.a];
        if (!g) this.err('unknown global', `global ${ops.a}`);
        if (!g.mutable) this.err('global is immutable', `global ${ops.a}`);
        this.popT(g.type);
        return;
      }
      case 0x25: {
        const t = this.needTable(ops.a);
        this.popT(I32);
        this.push(t);
        return;
      }
      case 0x26: {
        const t = this.needTable(ops.a);
        this.popT(t);
        this.popT(I32);
        return;
      }
      case 0x3f:
        this.needMemory(ops.mem);
        this.push(I32);
        return;
      case 0x40:
        this.needMemory(ops.mem);
        this.popT(I32);
        this.push(I32);
        return;
      case 0x41:
        this.push(0x7f);
        return;
      case 0x42:
        this.push(0x7e);
        return;
      case 0x43:
        this.push(0x7d);
        return;
      case 0x44:
        this.push(0x7c);
        return;
      case 0xd0:
        this.push(ops.a);
        return;
      case 0xd1: {
        const t = this.pop();
        if (t !== UNKNOWN && !isRefType(t)) this.err('type mismatch', `ref.is_null of ${valTypeName(t)}`);
        this.push(I32);
        return;
      }
      case 0xd2:
        if (ops.a >= m.funcTypes.length) this.err('unknown function', `function ${ops.a}`);
        if (!this.refs.has(ops.a)) this.err('undeclared function reference', `function ${ops.a}`);
        this.push(FUNCREF);
        return;
      case OP_FC + 8:
        this.needMemory(ops.mem);
        this.needData(ops.a);
        this.popT(I32);
        this.popT(I32);
        this.popT(I32);
        return;
      case OP_FC + 9:
        this.needData(ops.a);
        return;
      case OP_FC + 10:
        this.needMemory(ops.mem);
        this.needMemory(ops.mem2);
        this.popT(I32);
        this.popT(I32);
        this.popT(I32);
        return;
      case OP_FC + 11:
        this.needMemory(ops.mem);
        this.popT(I32);
        this.popT(I32);
        this.popT(I32);
        return;
      case OP_FC + 12: {
        const et = this.needElem(ops.a);
        const tt = this.needTable(ops.b);
        if (et !== tt) this.err('type mismatch', 'table.init element type differs from the table');
        this.popT(I32);
        this.popT(I32);
        this.popT(I32);
        return;
      }
      case OP_FC + 13:
        this.needElem(ops.a);
        return;
      case OP_FC + 14: {
        const dst = this.needTable(ops.a);
        const src = this.needTable(ops.b);
        if (dst !== src) this.err('type mismatch', 'table.copy between tables of different types');
        this.popT(I32);
        this.popT(I32);
        this.popT(I32);
        return;
      }
      case OP_FC + 15: {
        const t = this.needTable(ops.a);
        this.popT(I32);
        this.popT(t);
        this.push(I32);
        return;
      }
      case OP_FC + 16:
        this.needTable(ops.a);
        this.push(I32);
        return;
      case OP_FC + 17: {
        const t = this.needTable(ops.a);
        this.popT(I32);
        this.popT(t);
        this.popT(I32);
        return;
      }
      case OP_FD + 12:
        this.push(V128);
        return;
      case OP_FD + 13: {
        const lanes = ops.immBytes(16);
        for (let i = 0; i < 16; i++) if (lanes[i] >= 32) this.err('invalid lane index', `shuffle lane ${lanes[i]}`);
        this.popT(V128);
        this.popT(V128);
        this.push(V128);
        return;
      }
      default:
        throw new WasmMalformedError('illegal opcode', { offset: ops.opPos, section: 10, func: this.funcIndex }, `0x${op.toString(16)}`);
    }
  }
}

function sameTypes(a: ValType[], b: ValType[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Validates the body of module-defined function `defIndex` (0 = first non-imported). */
export function validateFunction(ctx: ValidationContext, defIndex: number): void {
  new FunctionValidator(ctx, defIndex).run();
}

/**
 * Decodes a body's operators without typing them. The spec decodes the whole module before
 * validating it, so a malformed body must win over an invalid one seen earlier in the stream.
 */
export function scanFunction(m: Module, defIndex: number): void {
  const body = m.bodies[defIndex];
  const func = m.numImportedFuncs + defIndex;
  const r = new ByteReader(m.bytes, body.codeStart, body.end);
  r.section = 10;
  r.func = func;
  const ops = new OperatorReader(r, m.features?.multiMemory);
  let depth = 1;
  while (depth > 0) {
    if (r.pos >= r.end) throw new WasmMalformedError('END opcode expected', { offset: r.pos, section: 10, func });
    const op = ops.read();
    if (op === 0x02 || op === 0x03 || op === 0x04) depth++;
    else if (op === 0x0b) depth--;
    else if ((op === OP_FC + 8 || op === OP_FC + 9) && m.dataCount === undefined)
      throw new WasmMalformedError('data count section required', { offset: ops.opPos, section: 10, func });
  }
  if (r.pos !== r.end)
    throw new WasmMalformedError('section size mismatch', { offset: r.pos, section: 10, func }, 'bytes after the final end');
}
