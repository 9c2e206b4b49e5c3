/**
 * Instruction sequences, flat (`block ... end`) and folded (`(i32.add (local.get 0) (i32.const 1))`,
 * `(if (cond) (then ...) (else ...))`), written straight into binary code.
 *
 * Iterative: an explicit frame stack, never JS recursion, so nesting depth is bounded by memory,
 * not by the JS stack. A folded plain instruction is encoded when it is met (its immediates may
 * add an implicit type, in text order) into a side buffer, and moved to the output after its
 * operands; a folded `if` waits there for its condition the same way.
 */
import { Space, type Context } from './context';
import { Tok } from './lexer';
import { RANGE, numError, parseF32, parseF64, parseI32, parseI64, parseIntLane, parseU32 } from './numbers';
import { Imm, OPCODES } from './opcodes';
import { NATURAL_ALIGN } from '../operators';
import { ByteWriter } from './writer';

const enum F {
  /** The whole sequence: ends at the `)` the caller named. */
  Seq = 0,
  /** Flat block or loop: ends at `end`. */
  Block,
  /** Flat if, then-part: `else` or `end`. */
  If,
  /** Flat if, else-part: `end`. */
  Else,
  /** Folded plain instruction: its operands, then `)`. */
  Plain,
  /** Folded block or loop: instructions, then `)`. */
  FBlock,
  /** Folded if: condition operands until `(then`. */
  FIfCond,
  /** Inside `(then ...)`. */
  FThen,
  /** After `(then ...)`: `(else` or `)`. */
  FAfterThen,
  /** Inside `(else ...)`. */
  FElse,
  /** After `(else ...)`: `)`. */
  FDone,
}

const SHAPES: Record<string, { lanes: number; kind: 'i' | 'f'; bits: number }> = {
  i8x16: { lanes: 16, kind: 'i', bits: 8 },
  i16x8: { lanes: 8, kind: 'i', bits: 16 },
  i32x4: { lanes: 4, kind: 'i', bits: 32 },
  i64x2: { lanes: 2, kind: 'i', bits: 64 },
  f32x4: { lanes: 4, kind: 'f', bits: 32 },
  f64x2: { lanes: 2, kind: 'f', bits: 64 },
};

export class InstrParser {
  private readonly labelNames: (string | undefined)[] = [];
  private readonly labelDepths = new Map<string, number[]>();
  private readonly pending = new ByteWriter();
  private readonly fKind: F[] = [];
  /** Per frame: the pending-buffer start (folded plain / if) and the token it began at. */
  private readonly fStart: number[] = [];
  private readonly fTok: number[] = [];
  private locals: Map<string, number> | null = null;
  private readonly lanes = new Uint8Array(16);

  constructor(private readonly p: Context) {}

  /**
   * Parses `instr*` from the cursor up to the `)` at token `end` (left for the caller), writing
   * the code into `out` (no final `end`).
   */
  parse(out: ByteWriter, locals: Map<string, number> | null, end: number): void {
    this.run(out, locals, end, -1);
  }

  /** Parses the one folded instruction `( ... )` whose `(` is token `open` (an abbreviated offset or element). */
  parseFolded(out: ByteWriter, open: number): void {
    this.p.pos = open;
    this.run(out, null, -1, this.p.t.match[open] + 1);
  }

  private run(out: ByteWriter, locals: Map<string, number> | null, end: number, stopAt: number): void {
    const p = this.p;
    const t = p.t;
    this.locals = locals;
    this.labelNames.length = 0;
    this.labelDepths.clear();
    this.pending.length = 0;
    const kinds = this.fKind;
    kinds.length = 0;
    this.fStart.length = 0;
    this.fTok.length = 0;
    this.push(F.Seq, 0, end);
    for (;;) {
      const i = p.pos;
      if (i === stopAt && kinds.length === 1) return;
      const k = t.kind[i];
      const top = kinds.length - 1;
      const f = kinds[top];
      if (k === Tok.RParen) {
        switch (f) {
          case F.Seq:
            if (i !== end) throw p.unexpected(i, 'an instruction'); // cannot happen: parentheses balance
            kinds.pop();
            return;
          case F.Plain:
            out.mark(t.start[this.fTok[top]]);
            this.pending.moveTail(this.fStart[top], out);
            break;
          case F.FBlock:
          case F.FAfterThen:
          case F.FDone:
            out.mark(t.start[i]);
            out.u8(0x0b);
            this.popLabel();
            break;
          case F.FThen:
            kinds[top] = F.FAfterThen;
            p.pos++;
            continue;
          case F.FElse:
            kinds[top] = F.FDone;
            p.pos++;
            continue;
          case F.FIfCond:
            throw p.unexpected(i, '"(then" (a folded if needs its then-branch)');
          default:
            throw p.unexpected(i, '"end" (a block, loop or if is still open)');
        }
        this.pop();
        p.pos++;
        continue;
      }
      if (k === Tok.LParen) {
        if (f === F.FIfCond && t.is(i + 1, 'then')) {
          out.mark(t.start[this.fTok[top]]);
          this.pending.moveTail(this.fStart[top], out);
          kinds[top] = F.FThen;
          this.pushLabel(this.labelOfIf(top));
          p.pos += 2;
          continue;
        }
        if (f === F.FAfterThen) {
          if (!t.is(i + 1, 'else')) throw p.unexpected(i + 1, '"(else" or ")"');
          out.mark(t.start[i + 1]);
          out.u8(0x05);
          kinds[top] = F.FElse;
          p.pos += 2;
          continue;
        }
        if (f === F.FDone) throw p.unexpected(i, '")" (an if has one then and one else)');
        this.folded(out, i);
        continue;
      }
      if (f === F.Plain || f === F.FIfCond) throw p.unexpected(i, 'a folded operand "(...)" or ")"');
      if (f === F.FAfterThen || f === F.FDone) throw p.unexpected(i, '")"');
      if (k !== Tok.Atom) throw p.unexpected(i, 'an instruction');
      this.flat(out, i);
    }
  }

  private push(kind: F, start: number, tok: number): void {
    this.fKind.push(kind);
    this.fStart.push(start);
    this.fTok.push(tok);
  }

  private pop(): void {
    this.fKind.pop();
    this.fStart.pop();
    this.fTok.pop();
  }

  private pushLabel(name: string | undefined): void {
    this.labelNames.push(name);
    if (name !== undefined) {
      let s = this.labelDepths.get(name);
      if (!s) this.labelDepths.set(name, (s = []));
      s.push(this.labelNames.length - 1);
    }
  }

  private popLabel(): void {
    const name = this.labelNames.pop();
    if (name !== undefined) this.labelDepths.get(name)!.pop();
  }

  /** The label of the folded if whose frame is `top` (its `$id` follows `(if`). */
  private labelOfIf(top: number): string | undefined {
    const t = this.p.t;
    const i = this.fTok[top] + 1;
    return t.kind[i] === Tok.Atom && t.text.charCodeAt(t.start[i]) === 0x24 ? t.str(i) : undefined;
  }

  /** `( ...` at token `i`: a folded instruction. */
  private folded(out: ByteWriter, i: number): void {
    const p = this.p;
    const t = p.t;
    const nameTok = i + 1;
    if (t.kind[nameTok] !== Tok.Atom) throw p.unexpected(nameTok, 'an instruction name');
    const info = OPCODES.get(t.str(nameTok));
    if (!info) throw p.unexpected(nameTok, 'an instruction name');
    p.pos = i + 2;
    switch (info.imm) {
      case Imm.Block:
      case Imm.Loop: {
        out.mark(t.start[nameTok]);
        const label = this.blockHeader(out, info.op);
        this.pushLabel(label);
        this.push(F.FBlock, 0, nameTok);
        return;
      }
      case Imm.If: {
        const start = this.pending.length;
        this.blockHeader(this.pending, info.op);
        this.push(F.FIfCond, start, nameTok);
        return;
      }
      case Imm.Else:
      case Imm.End:
        throw p.unexpected(nameTok, 'an instruction (else and end are not folded)');
      default: {
        const start = this.pending.length;
        this.plain(this.pending, info.op, info.imm, nameTok);
        this.push(F.Plain, start, nameTok);
      }
    }
  }

  /** A flat instruction at atom `i`. */
  private flat(out: ByteWriter, i: number): void {
    const p = this.p;
    const t = p.t;
    const info = OPCODES.get(t.str(i));
    if (!info) throw p.unexpected(i, 'an instruction');
    const kinds = this.fKind;
    const top = kinds.length - 1;
    p.pos = i + 1;
    out.mark(t.start[i]);
    switch (info.imm) {
      case Imm.Block:
      case Imm.Loop:
      case Imm.If: {
        const label = this.blockHeader(out, info.op);
        this.pushLabel(label);
        this.push(info.imm === Imm.If ? F.If : F.Block, 0, i);
        return;
      }
      case Imm.Else: {
        if (kinds[top] !== F.If) throw p.unexpected(i, kinds[top] === F.Else ? '"end" (an if has one else)' : 'an instruction ("else" outside an if)');
        this.checkEndLabel();
        out.u8(0x05);
        kinds[top] = F.Else;
        return;
      }
      case Imm.End: {
        const f = kinds[top];
        if (f !== F.Block && f !== F.If && f !== F.Else) throw p.unexpected(i, 'an instruction ("end" closes nothing here)');
        this.checkEndLabel();
        out.u8(0x0b);
        this.popLabel();
        this.pop();
        return;
      }
      default:
        this.plain(out, info.op, info.imm, i);
    }
  }

  /** After `end` / `else`: an optional `$id` that must repeat the block's label. */
  private checkEndLabel(): void {
    const p = this.p;
    const at = p.pos;
    const id = p.optId();
    if (id === undefined) return;
    const label = this.labelNames[this.labelNames.length - 1];
    if (label !== id) throw p.err('mismatching label', at, label === undefined ? `${id} closes a block without a label` : `${id} closes the block labelled ${label}`);
  }

  /** `$label? blocktype` after block / loop / if, written with the opcode. */
  private blockHeader(w: ByteWriter, op: number): string | undefined {
    const p = this.p;
    const label = p.optId();
    let explicit = -1;
    let explicitTok = -1;
    if (p.isOpen('type')) {
      p.pos += 2;
      explicitTok = p.pos;
      explicit = p.index(Space.Type);
      p.expectClose();
    }
    const params: number[] = [];
    const results: number[] = [];
    const start = p.pos;
    p.paramsAndResults(params, results);
    w.op(op);
    if (explicit >= 0) {
      const def = p.types[explicit];
      if (p.pos !== start) {
        if (!def) throw p.err('unknown type', explicitTok, `type ${explicit} is not defined`);
        if (!sameTypes(def.params, params) || !sameTypes(def.results, results))
          throw p.err('inline function type', start, `the inline parameters and results differ from type ${p.t.str(explicitTok)}`);
      }
      if (def && def.params.length === 0 && def.results.length <= 1) w.u8(def.results.length === 0 ? 0x40 : def.results[0]);
      else w.sleb(explicit);
    } else if (params.length === 0 && results.length <= 1) w.u8(results.length === 0 ? 0x40 : results[0]);
    else w.sleb(p.typeOf(params, results));
    return label;
  }

  private label(): number {
    const p = this.p;
    const t = p.t;
    const i = p.pos;
    if (t.kind[i] === Tok.Atom && t.text.charCodeAt(t.start[i]) === 0x24) {
      const depths = this.labelDepths.get(t.str(i));
      if (!depths || depths.length === 0) throw p.err('unknown label', i, `${t.describe(i)} names no enclosing block`);
      p.pos++;
      return this.labelNames.length - 1 - depths[depths.length - 1];
    }
    return p.u32('a label index or $label');
  }

  private local(): number {
    const p = this.p;
    const t = p.t;
    const i = p.pos;
    if (t.kind[i] === Tok.Atom && t.text.charCodeAt(t.start[i]) === 0x24) {
      const v = this.locals?.get(t.str(i));
      if (v === undefined) throw p.err('unknown local', i, `${t.describe(i)} is not a parameter or local of this function`);
      p.pos++;
      return v;
    }
    return p.u32('a local index or $name');
  }

  /** A plain instruction's opcode and immediates (cursor after its name). */
  private plain(w: ByteWriter, op: number, imm: Imm, nameTok: number): void {
    const p = this.p;
    const t = p.t;
    switch (imm) {
      case Imm.None:
        w.op(op);
        return;
      case Imm.Label: {
        const l = this.label();
        w.op(op);
        w.u32(l);
        return;
      }
      case Imm.BrTable: {
        const labels: number[] = [];
        while (p.isIndex()) labels.push(this.label());
        if (labels.length === 0) throw p.unexpected(p.pos, 'a label index or $label');
        w.op(op);
        w.u32(labels.length - 1);
        for (const l of labels) w.u32(l);
        return;
      }
      case Imm.Func:
        w.op(op);
        w.u32(p.index(Space.Func));
        return;
      case Imm.CallIndirect: {
        const table = p.isIndex() ? p.index(Space.Table) : 0;
        const type = p.typeUse({ params: [], results: [] });
        w.op(op);
        w.u32(type);
        w.u32(table);
        return;
      }
      case Imm.Local:
        w.op(op);
        w.u32(this.local());
        return;
      case Imm.Global:
        w.op(op);
        w.u32(p.index(Space.Global));
        return;
      case Imm.TableOpt:
        w.op(op);
        w.u32(p.isIndex() ? p.index(Space.Table) : 0);
        return;
      case Imm.MemArg:
        w.op(op);
        this.memArg(w, op);
        return;
      case Imm.MemArgLane:
        w.op(op);
        this.memArg(w, op);
        w.u8(this.laneIndex());
        return;
      case Imm.Lane:
        w.op(op);
        w.u8(this.laneIndex());
        return;
      case Imm.MemZero:
        w.op(op);
        w.u8(0);
        return;
      case Imm.MemCopy:
        w.op(op);
        w.u8(0);
        w.u8(0);
        return;
      case Imm.I32: {
        const i = this.literalTok('an i32 literal');
        const v = parseI32(t.str(i));
        this.checkLiteral(i, 'an i32 literal');
        w.op(op);
        w.sleb(v);
        return;
      }
      case Imm.I64: {
        const i = this.literalTok('an i64 literal');
        const v = parseI64(t.str(i));
        this.checkLiteral(i, 'an i64 literal');
        w.op(op);
        w.s64(v);
        return;
      }
      case Imm.F32: {
        const i = this.literalTok('an f32 literal');
        const v = parseF32(t.str(i));
        this.checkLiteral(i, 'an f32 literal');
        w.op(op);
        w.u32le(v);
        return;
      }
      case Imm.F64: {
        const i = this.literalTok('an f64 literal');
        const v = parseF64(t.str(i));
        this.checkLiteral(i, 'an f64 literal');
        w.op(op);
        w.u64le(v);
        return;
      }
      case Imm.V128:
        w.op(op);
        this.v128(w);
        return;
      case Imm.Shuffle: {
        const lanes = this.lanes;
        let n = 0;
        for (; n < 16 && this.numericAtom(p.pos); n++) {
          const i = p.pos;
          const v = parseU32(t.str(i));
          if (numError || v > 255) throw p.err('malformed lane index', i, `${t.describe(i)}; shuffle lanes are integers 0..31`);
          lanes[n] = v;
          p.pos++;
        }
        if (n < 16 || this.numericAtom(p.pos)) throw p.err('invalid lane length', nameTok, `i8x16.shuffle takes 16 lane indices${n < 16 ? `, got ${n}` : ', got more'}`);
        w.op(op);
        w.bytes(lanes);
        return;
      }
      case Imm.Select: {
        const types: number[] = [];
        let explicit = false;
        while (p.isOpen('result')) {
          explicit = true;
          p.pos += 2;
          while (p.isAtom()) types.push(p.valType());
          p.expectClose();
        }
        if (!explicit) {
          w.op(op);
          return;
        }
        w.u8(0x1c);
        w.u32(types.length);
        for (const ty of types) w.u8(ty);
        return;
      }
      case Imm.RefNull: {
        const i = p.pos;
        const ty = t.is(i, 'func') ? 0x70 : t.is(i, 'extern') ? 0x6f : 0;
        if (ty === 0) throw p.unexpected(i, 'a heap type (func or extern)');
        p.pos++;
        w.op(op);
        w.u8(ty);
        return;
      }
      case Imm.MemInit:
        this.p.usesDataCount = true;
        w.op(op);
        w.u32(p.index(Space.Data));
        w.u8(0);
        return;
      case Imm.Data:
        this.p.usesDataCount = true;
        w.op(op);
        w.u32(p.index(Space.Data));
        return;
      case Imm.Elem:
        w.op(op);
        w.u32(p.index(Space.Elem));
        return;
      case Imm.TableInit: {
        // `table.init elem` or `table.init table elem`; the binary has elem first.
        const table = p.isIndex(p.pos + 1) ? p.index(Space.Table) : 0;
        const elem = p.index(Space.Elem);
        w.op(op);
        w.u32(elem);
        w.u32(table);
        return;
      }
      case Imm.TableCopy: {
        let dst = 0;
        let src = 0;
        if (p.isIndex()) {
          dst = p.index(Space.Table);
          src = p.index(Space.Table);
        }
        w.op(op);
        w.u32(dst);
        w.u32(src);
        return;
      }
      default:
        throw p.unexpected(nameTok, 'an instruction');
    }
  }

  /** Whether token `i` is an atom that reads as a number: starts with a digit or sign, or is inf / nan. */
  private numericAtom(i: number): boolean {
    const t = this.p.t;
    if (t.kind[i] !== Tok.Atom) return false;
    const c = t.text.charCodeAt(t.start[i]);
    if ((c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b) return true;
    if (c !== 0x69 && c !== 0x6e) return false;
    parseF64(t.str(i));
    return numError === 0;
  }

  /** The atom at the cursor, consumed (a literal's token). */
  private literalTok(what: string): number {
    const p = this.p;
    const i = p.pos;
    if (p.t.kind[i] !== Tok.Atom) throw p.unexpected(i, what);
    p.pos++;
    return i;
  }

  /** After a literal parser ran on token `i`: its error, if any. */
  private checkLiteral(i: number, what: string): void {
    if (numError === 0) return;
    const p = this.p;
    if (numError === RANGE) throw p.err('constant out of range', i, `${p.t.describe(i)} does not fit ${what.replace(/^an? /, '')}`);
    throw p.unexpected(i, what);
  }

  private laneIndex(): number {
    const p = this.p;
    const t = p.t;
    const i = p.pos;
    if (t.kind[i] !== Tok.Atom) throw p.unexpected(i, 'a lane index');
    const c = t.text.charCodeAt(t.start[i]);
    const v = parseU32(t.str(i));
    if (numError || v > 255) {
      if (c >= 0x30 && c <= 0x39 && (numError === RANGE || v > 255)) throw p.err('malformed lane index', i, `${t.describe(i)}; lane indices are 0..255`);
      throw p.unexpected(i, 'a lane index');
    }
    p.pos++;
    return v;
  }

  /** `offset=N? align=N?`, written as the binary memarg (alignment exponent, then offset). */
  private memArg(w: ByteWriter, op: number): void {
    const p = this.p;
    const t = p.t;
    let offset = 0;
    let align = NATURAL_ALIGN[op];
    let i = p.pos;
    if (t.kind[i] === Tok.Atom && t.text.startsWith('offset=', t.start[i])) {
      const s = t.text.slice(t.start[i] + 7, t.end[i]);
      offset = parseU32(s);
      if (numError === RANGE) throw p.err('i32 constant out of range', i, `offset ${excerptNum(s)} does not fit 32 bits`);
      if (numError) throw p.err('unknown operator', i, `${t.describe(i)}; expected offset=N with N an unsigned integer`);
      i = ++p.pos;
    }
    if (t.kind[i] === Tok.Atom && t.text.startsWith('align=', t.start[i])) {
      const s = t.text.slice(t.start[i] + 6, t.end[i]);
      const a = parseU32(s);
      if (numError === RANGE) throw p.err('alignment', i, `align=${excerptNum(s)} is not a power of two that fits 32 bits`);
      if (numError) throw p.err('unknown operator', i, `${t.describe(i)}; expected align=N with N a power of two`);
      if (a === 0 || (a & (a - 1)) !== 0) throw p.err('alignment', i, `align=${a} must be a power of two`);
      align = 31 - Math.clz32(a);
      p.pos++;
    }
    w.u32(align);
    w.u32(offset);
  }

  /** `shape lane*` of a v128.const, written as 16 little-endian bytes. */
  private v128(w: ByteWriter): void {
    const p = this.p;
    const t = p.t;
    const si = p.pos;
    const shape = t.kind[si] === Tok.Atom ? SHAPES[t.str(si)] : undefined;
    if (!shape) throw p.unexpected(si, 'a lane shape (i8x16, i16x8, i32x4, i64x2, f32x4, f64x2)');
    p.pos++;
    let given = 0;
    while (given < shape.lanes && t.kind[p.pos + given] === Tok.Atom) given++;
    if (given < shape.lanes) throw p.err('wrong number of lane literals', p.pos + given, `${t.str(si)} takes ${shape.lanes} lane values, got ${given}`);
    const bytes = shape.bits / 8;
    for (let lane = 0; lane < shape.lanes; lane++) {
      const i = p.pos;
      const s = t.str(i);
      let v: bigint;
      if (shape.kind === 'f') v = shape.bits === 32 ? BigInt(parseF32(s)) : parseF64(s);
      else v = parseIntLane(s, shape.bits);
      this.checkLiteral(i, `an ${shape.kind}${shape.bits} lane`);
      for (let b = 0; b < bytes; b++) {
        w.u8(Number(v & 0xffn));
        v >>= 8n;
      }
      p.pos++;
    }
    // The next instruction may follow a flat v128.const, but never a number: that is one lane
    // too many.
    if (this.numericAtom(p.pos)) throw p.err('wrong number of lane literals', p.pos, `${t.str(si)} takes ${shape.lanes} lane values`);
  }
}

function sameTypes(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function excerptNum(s: string): string {
  return s.length > 24 ? s.slice(0, 24) + '...' : s;
}
