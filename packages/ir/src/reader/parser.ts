// CLIF reader: text -> ClifFile (header lines, functions, comment directives).
//
// Entity numbers in the text are kept (`v90` is value 90, `block10` is block
// 10) so that printing gives back the same names. Instruction result types
// that depend on operands defined later in the text (loops) are inferred after
// the whole function is read.

import {
  type Block, type BlockArg, type DynamicType, type FuncRef, type GlobalValue, type Inst, type SigRef,
  type StackSlot, type Value, blockArgExn, blockArgRet,
} from '../entities';
import { type BlockCall, type DebugTag, type ExceptionTableItem, Function, type StackMapEntry, ValueKind } from '../function';
import { IEEE16, IEEE32, IEEE64, IEEE128, parseIeee } from '../ieee';
import {
  MEMFLAGS_DEFAULT, type MemFlags, applyMemFlagWord, memWithRegion, parseAtomicRmwOp, parseFloatCC, parseIntCC,
  parseTrapCode,
} from '../immediates';
import { Format, OPCODES, type OpcodeInfo, type Opcode, opcodeByName } from '../opcodes';
import {
  type AbiParam, type ArgumentExtension, type ArgumentPurpose, type ExternalName, type GlobalValueData,
  type Signature, isCallConv,
} from '../signature';
import { resolveTypeDesc } from '../typing';
import {
  INVALID, type Type, bytes, dynamicOf, isFloat, isVector, laneBits, laneCount, laneType, parseType,
  typeName, vectorOf, F16, F32, F64, F128, I8,
} from '../types';
import { ParseError } from './errors';
import { type Comment, TOK_TEXT, Tok, type Tokens, tokenize } from './lexer';

// ------------------------------------------------------------------ file model

export interface TestCommand {
  /** `compile`, `run`, `interpret`, `optimize`, ... */
  name: string;
  /** Words after the name (`precise-output`). */
  options: string[];
  line: number;
}

export interface Setting {
  name: string;
  /** The text after '=', or null for a bare flag (`set enable_llvm_abi_extensions`). */
  value: string | null;
  line: number;
}

export interface Target {
  /** ISA name as written: `x86_64`, `aarch64`, `riscv64`, `s390x`, `pulley64` ... */
  isa: string;
  /** ISA flags as written: `has_avx`, `sse41` ... */
  flags: string[];
  /** The `set` lines that precede this target (they apply to it). */
  settings: Setting[];
  line: number;
}

export interface Directive {
  /** `run`, `check`, `nextln`, `sameln`, `not`, `error`, `print`, ... */
  kind: string;
  /** Text after the colon, trimmed. */
  text: string;
  line: number;
}

export interface ClifComment {
  /** The comment text including the leading ';'. */
  text: string;
  line: number;
}

export interface ClifFunction {
  func: Function;
  directives: Directive[];
  /** Every comment from the function's first line up to the next function. */
  comments: ClifComment[];
  startLine: number;
  endLine: number;
  /** The function's source text. */
  source: string;
}

export interface ClifFile {
  fileName: string;
  testCommands: TestCommand[];
  /** All `set` lines in order. */
  settings: Setting[];
  targets: Target[];
  functions: ClifFunction[];
  /** Comments and directives before the first function. */
  comments: ClifComment[];
  directives: Directive[];
}

const DIRECTIVE_KINDS = new Set([
  'run', 'check', 'nextln', 'sameln', 'not', 'unordered', 'regex', 'error', 'print', 'bench', 'dag',
]);
// Directives sit in single-`;` comments (`;; error:` is prose, as in egraph/issue-7875.clif).
const DIRECTIVE_RE = /^;(?!;)\s*([a-z_]+)\s*:(.*)$/;

/** Parse a whole CLIF file. Throws only ParseError. */
export function parseClif(text: string, fileName = '<input>'): ClifFile {
  return guard(fileName, () => new Parser(text, fileName).parseFile());
}

/** Parse a single function (header lines before it are allowed and ignored). */
export function parseFunction(text: string, fileName = '<input>'): Function {
  const file = parseClif(text, fileName);
  if (file.functions.length !== 1) {
    throw new ParseError(fileName, 1, 1, `expected exactly one function, found ${file.functions.length}`);
  }
  return file.functions[0].func;
}

/** Turn any internal failure into a ParseError so callers see one error type. */
function guard<T>(fileName: string, body: () => T): T {
  try {
    return body();
  } catch (e) {
    if (e instanceof ParseError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new ParseError(fileName, 1, 1, `internal reader error: ${msg}`);
  }
}

// ------------------------------------------------------------------ parser

const ENTITY_RE = /^([a-z_]+?)(\d+)$/;
const PREAMBLE_PREFIXES = new Set(['ss', 'dss', 'dt', 'gv', 'sig', 'fn', 'const', 'region']);

class Parser {
  private readonly t: Tokens;
  private pos = 0;
  private f!: Function;
  /** Token index of each instruction (for errors found after the body is read). */
  private instTok: number[] = [];
  /** Instructions whose controlling type comes from an operand not yet typed. */
  private pending: Inst[] = [];
  /** Per instruction: 0 not pending, 1 pending, 2 being resolved, 3 resolved. */
  private pendingState = new Uint8Array(0);
  private resolveStack: Inst[] = [];
  private readonly resultBuf: Value[] = [];
  private readonly resultTokBuf: number[] = [];
  /** aliasRoot memo per value: 0 unknown, 1 on the current path, root + 2 once known. */
  private rootCache = new Int32Array(0);
  /** Value numbers used and where (first use), checked at the end of the function. */
  private valueUses: number[] = [];
  private blockUses: number[] = [];
  private aliasTok = new Map<Value, number>();

  /** Largest accepted entity number: generous for real text, bounded for hostile text. */
  private readonly maxEntity: number;

  constructor(private readonly text: string, private readonly file: string) {
    this.t = tokenize(text, file);
    this.maxEntity = Math.min(1 << 26, 65536 + 4 * text.length);
  }

  // ---------------------------------------------------------------- tokens

  private kind(i = this.pos): Tok {
    return (i < this.t.count ? this.t.kind[i] : Tok.Eof) as Tok;
  }

  private tokText(i = this.pos): string {
    return this.text.slice(this.t.start[i], this.t.end[i]);
  }

  private line(i = this.pos): number {
    return this.t.line[Math.min(i, this.t.count - 1)];
  }

  private error(msg: string, i = this.pos): ParseError {
    const k = Math.min(i, this.t.count - 1);
    return new ParseError(this.file, this.t.line[k], this.t.col[k], msg);
  }

  private describe(i = this.pos): string {
    const k = this.kind(i);
    if (k === Tok.Eof) return 'end of file';
    return `'${this.tokText(i)}'`;
  }

  private expect(k: Tok, what?: string): number {
    if (this.kind() !== k) throw this.error(`expected ${what ?? TOK_TEXT[k]}, found ${this.describe()}`);
    return this.pos++;
  }

  private accept(k: Tok): boolean {
    if (this.kind() === k) {
      this.pos++;
      return true;
    }
    return false;
  }

  private isWord(w: string, i = this.pos): boolean {
    return this.kind(i) === Tok.Word && this.tokText(i) === w;
  }

  private expectWord(what: string): string {
    if (this.kind() !== Tok.Word) throw this.error(`expected ${what}, found ${this.describe()}`);
    return this.tokText(this.pos++);
  }

  /** Is token i on the same line as token j (and not EOF)? */
  private sameLine(i: number, j: number): boolean {
    return this.kind(i) !== Tok.Eof && this.line(i) === this.line(j);
  }

  /** `prefixN` at token i -> N, else -1. */
  private entityNum(prefix: string, i = this.pos): number {
    if (this.kind(i) !== Tok.Word) return -1;
    const s = this.t.start[i];
    const e = this.t.end[i];
    const pl = prefix.length;
    if (e - s <= pl || !this.text.startsWith(prefix, s)) return -1;
    let n = 0;
    for (let p = s + pl; p < e; p++) {
      const c = this.text.charCodeAt(p);
      if (c < 48 || c > 57) return -1;
      n = n * 10 + (c - 48);
      if (n > 0x3fffffff) break;
    }
    // Leading zeros ("v01") are not entity names.
    if (e - s - pl > 1 && this.text.charCodeAt(s + pl) === 48) return -1;
    // Numbers index dense tables, so a huge number would allocate a huge table.
    if (n > this.maxEntity) throw this.error(`entity number too large: ${this.text.slice(s, e)} (at most ${this.maxEntity} in a text of this size)`, i);
    return n;
  }

  private expectEntity(prefix: string, what: string): number {
    const n = this.entityNum(prefix);
    if (n < 0) throw this.error(`expected ${what} (${prefix}N), found ${this.describe()}`);
    this.pos++;
    return n;
  }

  // ---------------------------------------------------------------- file

  parseFile(): ClifFile {
    const out: ClifFile = {
      fileName: this.file, testCommands: [], settings: [], targets: [], functions: [], comments: [], directives: [],
    };
    while (this.kind() !== Tok.Eof) {
      if (this.isWord('test')) {
        const words = this.restOfLineWords();
        if (words.length === 0) throw this.error('expected a test name after `test`');
        out.testCommands.push({ name: words[0], options: words.slice(1), line: this.line(this.pos - 1) });
      } else if (this.isWord('set')) {
        const line = this.line();
        for (const w of this.restOfLineWords()) {
          const eq = w.indexOf('=');
          out.settings.push({ name: eq < 0 ? w : w.slice(0, eq), value: eq < 0 ? null : w.slice(eq + 1), line });
        }
      } else if (this.isWord('target')) {
        const line = this.line();
        const words = this.restOfLineWords();
        if (words.length === 0) throw this.error('expected an ISA name after `target`', this.pos - 1);
        out.targets.push({ isa: words[0], flags: words.slice(1), settings: out.settings.slice(), line });
      } else if (this.isWord('function')) {
        const startTok = this.pos;
        const fn = this.parseFunctionBody();
        const endTok = this.pos - 1;
        out.functions.push({
          func: fn,
          directives: [],
          comments: [],
          startLine: this.line(startTok),
          endLine: this.line(endTok),
          source: this.text.slice(this.t.start[startTok], this.t.end[endTok]),
        });
      } else {
        throw this.error(`expected \`test\`, \`set\`, \`target\` or \`function\`, found ${this.describe()}`);
      }
    }
    this.attachComments(out);
    return out;
  }

  /** The raw words of the rest of the current line (header lines are line-oriented). */
  private restOfLineWords(): string[] {
    const line = this.line();
    this.pos++;
    const first = this.pos;
    while (this.kind() !== Tok.Eof && this.line() === line) this.pos++;
    if (first === this.pos) return [];
    const raw = this.text.slice(this.t.start[first], this.t.end[this.pos - 1]);
    return raw.split(/\s+/).filter((w) => w.length > 0);
  }

  private attachComments(out: ClifFile): void {
    let fi = -1;
    for (const c of this.t.comments) {
      while (fi + 1 < out.functions.length && c.line >= out.functions[fi + 1].startLine) fi++;
      const comment = { text: c.text, line: c.line };
      const d = parseDirective(c);
      if (fi < 0) {
        out.comments.push(comment);
        if (d) out.directives.push(d);
      } else {
        out.functions[fi].comments.push(comment);
        if (d) out.functions[fi].directives.push(d);
      }
    }
  }

  // ---------------------------------------------------------------- function

  private parseFunctionBody(): Function {
    this.f = new Function();
    this.instTok = [];
    this.pending = [];
    this.valueUses = [];
    this.blockUses = [];
    this.aliasTok = new Map();
    const f = this.f;
    this.pos++; // 'function'
    f.name = this.parseExternalName('a function name (%name or uN:M)');
    f.signature = this.parseSignature();
    this.expect(Tok.LBrace, "'{'");
    this.parsePreamble();
    let current: Block | -1 = -1;
    while (this.kind() !== Tok.RBrace) {
      if (this.kind() === Tok.Eof) throw this.error("expected '}' at the end of the function");
      const bn = this.entityNum('block');
      if (bn >= 0 && (this.kind(this.pos + 1) === Tok.LParen || this.kind(this.pos + 1) === Tok.Colon || this.isWord('cold', this.pos + 1))) {
        current = this.parseBlockHeader();
        continue;
      }
      if (current === -1) throw this.error(`expected a block header (blockN:) before instructions, found ${this.describe()}`);
      this.parseInstructionLine(current);
    }
    this.pos++; // '}'
    this.finishFunction();
    return f;
  }

  private parseExternalName(what: string): ExternalName {
    if (this.kind() === Tok.Name) {
      const s = this.tokText(this.pos++);
      return { kind: 'testcase', name: s.slice(1) };
    }
    const ns = this.entityNum('u');
    if (ns >= 0 && this.kind(this.pos + 1) === Tok.Colon && this.kind(this.pos + 2) === Tok.Number) {
      this.pos += 2;
      const idx = this.parseIntLiteral(0n, 0xffffffffn, 'a user name index');
      return { kind: 'user', namespace: ns, index: Number(idx) };
    }
    throw this.error(`expected ${what}, found ${this.describe()}`);
  }

  private parseSignature(): Signature {
    this.expect(Tok.LParen, "'(' to start a signature");
    const params = this.parseAbiParams(Tok.RParen);
    this.expect(Tok.RParen, "')'");
    let returns: AbiParam[] = [];
    if (this.accept(Tok.Arrow)) {
      if (this.accept(Tok.LParen)) {
        returns = this.parseAbiParams(Tok.RParen);
        this.expect(Tok.RParen, "')'");
      } else {
        returns = [this.parseAbiParam()];
        while (this.accept(Tok.Comma)) returns.push(this.parseAbiParam());
      }
    }
    let callConv = 'fast';
    if (this.kind() === Tok.Word && isCallConv(this.tokText())) callConv = this.tokText(this.pos++);
    return { params, returns, callConv };
  }

  private parseAbiParams(close: Tok): AbiParam[] {
    const out: AbiParam[] = [];
    if (this.kind() === close) return out;
    out.push(this.parseAbiParam());
    while (this.accept(Tok.Comma)) out.push(this.parseAbiParam());
    return out;
  }

  private parseAbiParam(): AbiParam {
    const type = this.parseType('a parameter type');
    let extension: ArgumentExtension = 'none';
    let purpose: ArgumentPurpose = 'normal';
    for (;;) {
      if (this.kind() !== Tok.Word) break;
      const w = this.tokText();
      if (w === 'uext' || w === 'sext') extension = w;
      else if (w === 'sret' || w === 'vmctx' || w === 'stack_limit' || w === 'normal') purpose = w;
      else if (w === 'sarg' && this.kind(this.pos + 1) === Tok.LParen) {
        this.pos += 2;
        const n = this.parseIntLiteral(0n, 0xffffffffn, 'a struct argument size');
        this.expect(Tok.RParen, "')'");
        purpose = `sarg(${Number(n)})`;
        continue;
      } else break;
      this.pos++;
    }
    return { type, extension, purpose };
  }

  private parseType(what: string): Type {
    if (this.kind() !== Tok.Word) throw this.error(`expected ${what}, found ${this.describe()}`);
    const s = this.tokText();
    let t = parseType(s);
    if (t === INVALID) {
      const dt = this.entityNum('dt');
      if (dt >= 0) {
        const d = this.f.dynamicTypes[dt];
        if (!d) throw this.error(`undefined dynamic type dt${dt}`);
        t = dynamicOf(d.baseVectorType);
      }
    }
    if (t === INVALID) throw this.error(`expected ${what}, found ${this.describe()}`);
    this.pos++;
    return t;
  }

  // ---------------------------------------------------------------- preamble

  private parsePreamble(): void {
    const f = this.f;
    for (;;) {
      if (this.kind() !== Tok.Word) return;
      if (this.isWord('stack_limit') && this.kind(this.pos + 1) === Tok.Equal) {
        this.pos += 2;
        f.stackLimit = this.expectEntity('gv', 'a global value') as GlobalValue;
        continue;
      }
      if (this.kind(this.pos + 1) !== Tok.Equal) return;
      const m = ENTITY_RE.exec(this.tokText());
      if (!m || (m[2].length > 1 && m[2][0] === '0')) return;
      const prefix = m[1];
      if (!PREAMBLE_PREFIXES.has(prefix)) return;
      const n = Number(m[2]);
      const declTok = this.pos;
      if (n > this.maxEntity) throw this.error(`entity number too large: ${m[0]}`, declTok);
      this.pos += 2;
      switch (prefix) {
        case 'ss': this.define(f.stackSlots, n, this.parseStackSlot(), declTok, 'ss'); break;
        case 'dss': {
          this.expectWordIs('explicit_dynamic_slot');
          const dt = this.expectEntity('dt', 'a dynamic type') as DynamicType;
          this.define(f.dynamicStackSlots, n, { kind: 'explicit_dynamic_slot', dynamicType: dt }, declTok, 'dss');
          break;
        }
        case 'dt': {
          const base = this.parseType('a vector type');
          if (!isVector(base)) throw this.error(`dynamic type base must be a vector type, found ${typeName(base)}`, this.pos - 1);
          this.expect(Tok.Star, "'*'");
          const gv = this.expectEntity('gv', 'a global value') as GlobalValue;
          this.define(f.dynamicTypes, n, { baseVectorType: base, scale: gv }, declTok, 'dt');
          break;
        }
        case 'gv': this.define(f.globalValues, n, this.parseGlobalValue(), declTok, 'gv'); break;
        case 'sig': this.define(f.sigRefs, n, this.parseSignature(), declTok, 'sig'); break;
        case 'fn': this.parseFuncRef(n, declTok); break;
        case 'const': {
          const bytes = this.parseConstantBytes(0);
          if (f.constants[n] !== undefined) throw this.error(`duplicate definition of const${n}`, declTok);
          while (f.constants.length < n) f.constants.push(new Uint8Array(0));
          f.constants[n] = bytes;
          break;
        }
        case 'region': {
          const id = this.parseIntLiteral(0n, 0xffffffffn, 'a region id');
          const tok = this.expect(Tok.String, 'a region name string');
          const name = this.tokText(tok).slice(1, -1);
          this.define(f.memoryRegions, n, { id: Number(id), name }, declTok, 'region');
          break;
        }
      }
    }
  }

  private define<T>(arr: (T | undefined)[], n: number, data: T, tok: number, prefix: string): void {
    if (arr[n] !== undefined) throw this.error(`duplicate definition of ${prefix}${n}`, tok);
    arr[n] = data;
  }

  private expectWordIs(w: string): void {
    if (!this.isWord(w)) throw this.error(`expected \`${w}\`, found ${this.describe()}`);
    this.pos++;
  }

  private parseStackSlot() {
    this.expectWordIs('explicit_slot');
    const size = Number(this.parseIntLiteral(0n, 0xffffffffn, 'a stack slot size'));
    let align = 0;
    let key: bigint | null = null;
    while (this.accept(Tok.Comma)) {
      const w = this.expectWord('`align` or `key`');
      this.expect(Tok.Equal, "'='");
      if (w === 'align') align = Number(this.parseIntLiteral(1n, 0x80000000n, 'an alignment'));
      else if (w === 'key') key = this.parseIntLiteral(-(1n << 63n), (1n << 64n) - 1n, 'a key');
      else throw this.error(`unknown stack slot option \`${w}\``, this.pos - 2);
    }
    return { kind: 'explicit_slot' as const, size, align, key };
  }

  private parseGlobalValue(): GlobalValueData {
    const w = this.expectWord('a global value kind (vmctx, load, iadd_imm, symbol, dyn_scale_target_const)');
    switch (w) {
      case 'vmctx': return { kind: 'vmctx' };
      case 'load': {
        this.expect(Tok.Dot, "'.' and a type");
        const globalType = this.parseType('a type');
        const flags = this.parseMemFlags();
        const base = this.expectEntity('gv', 'a global value') as GlobalValue;
        const offset = Number(this.parseOptionalOffset(-(1n << 31n), (1n << 31n) - 1n));
        return { kind: 'load', base, offset, globalType, flags };
      }
      case 'iadd_imm': {
        this.expect(Tok.Dot, "'.' and a type");
        const globalType = this.parseType('a type');
        const base = this.expectEntity('gv', 'a global value') as GlobalValue;
        this.expect(Tok.Comma, "','");
        const offset = BigInt.asIntN(64, this.parseIntLiteral(-(1n << 63n), (1n << 64n) - 1n, 'an immediate'));
        return { kind: 'iadd_imm', base, offset, globalType };
      }
      case 'symbol': {
        let colocated = false;
        let tls = false;
        for (;;) {
          if (this.isWord('colocated')) colocated = true;
          else if (this.isWord('tls')) tls = true;
          else break;
          this.pos++;
        }
        const name = this.parseExternalName('a symbol name');
        const offset = this.parseOptionalOffset(-(1n << 63n), (1n << 63n) - 1n);
        return { kind: 'symbol', name, offset, colocated, tls };
      }
      case 'dyn_scale_target_const': {
        this.expect(Tok.Dot, "'.' and a vector type");
        const vectorType = this.parseType('a vector type');
        return { kind: 'dyn_scale_target_const', vectorType };
      }
      default:
        throw this.error(`unknown global value kind \`${w}\``, this.pos - 1);
    }
  }

  private parseFuncRef(n: number, declTok: number): void {
    const f = this.f;
    let colocated = false;
    let patchable = false;
    for (;;) {
      if (this.isWord('colocated')) colocated = true;
      else if (this.isWord('patchable')) patchable = true;
      else break;
      this.pos++;
    }
    const name = this.parseExternalName('a function name (%name or uN:M)');
    let signature: SigRef;
    if (this.kind() === Tok.LParen) {
      // Inline signature: becomes a new signature reference after the existing ones.
      signature = f.sigRefs.length as SigRef;
      f.sigRefs[signature] = this.parseSignature();
    } else {
      signature = this.expectEntity('sig', 'a signature reference or an inline signature') as SigRef;
    }
    this.define(f.funcRefs, n, { name, signature, colocated, patchable }, declTok, 'fn');
  }

  /** An optional `+N` / `-N` suffix. */
  private parseOptionalOffset(min: bigint, max: bigint): bigint {
    if (this.kind() === Tok.Number) {
      const s = this.tokText();
      if (s[0] === '+' || s[0] === '-') return this.parseIntLiteral(min, max, 'an offset');
    }
    return 0n;
  }

  // ---------------------------------------------------------------- literals

  /**
   * A decimal literal of at most 9 digits as a number (the common case for
   * offsets, lanes and small constants), or null to take the bigint path.
   */
  private smallInt(): number | null {
    const s = this.t.start[this.pos];
    const e = this.t.end[this.pos];
    let p = s;
    let neg = false;
    const c0 = this.text.charCodeAt(p);
    if (c0 === 45 || c0 === 43) {
      neg = c0 === 45;
      p++;
    }
    if (e - p === 0 || e - p > 9) return null;
    let n = 0;
    for (; p < e; p++) {
      const c = this.text.charCodeAt(p);
      if (c < 48 || c > 57) return null;
      n = n * 10 + (c - 48);
    }
    if (n !== 0 && this.text.charCodeAt(neg || c0 === 43 ? s + 1 : s) === 48) return null;
    return neg ? -n : n;
  }

  /** An integer literal in [min, max] as a number (both bounds within +-2^53). */
  private parseIntNumber(min: number, max: number, what: string): number {
    if (this.kind() === Tok.Number) {
      const n = this.smallInt();
      if (n !== null) {
        if (n < min || n > max) throw this.error(`${what} out of range: ${this.tokText()}`);
        this.pos++;
        return n;
      }
    }
    return Number(this.parseIntLiteral(BigInt(min), BigInt(max), what));
  }

  private parseIntLiteral(min: bigint, max: bigint, what: string): bigint {
    if (this.kind() !== Tok.Number) throw this.error(`expected ${what}, found ${this.describe()}`);
    const s = this.tokText();
    const v = parseIntText(s);
    if (v === null) throw this.error(`expected ${what}, found '${s}'`);
    if (v < min || v > max) throw this.error(`${what} out of range: ${s}`);
    this.pos++;
    return v;
  }

  private parseFloat(fmt: typeof IEEE32, what: string): bigint {
    const k = this.kind();
    if (k !== Tok.Number && k !== Tok.Word) throw this.error(`expected ${what}, found ${this.describe()}`);
    const s = this.tokText();
    const v = parseIeee(s, fmt);
    if (v === null) throw this.error(`expected ${what}, found '${s}'`);
    this.pos++;
    return v;
  }

  /**
   * Constant bytes: a hex literal (most significant byte first, padded to
   * `size` bytes when given) or `[a b c ...]` lane values of `laneType`.
   */
  private parseConstantBytes(size: number, lanes?: Type): Uint8Array {
    if (this.kind() === Tok.LBracket) {
      if (lanes === undefined) throw this.error('lane-list constants need a vector type');
      this.pos++;
      const items: string[] = [];
      const toks: number[] = [];
      while (this.kind() !== Tok.RBracket) {
        if (this.kind() !== Tok.Number && this.kind() !== Tok.Word) throw this.error(`expected a lane value or ']', found ${this.describe()}`);
        toks.push(this.pos);
        items.push(this.tokText(this.pos++));
        this.accept(Tok.Comma);
      }
      this.pos++;
      return this.laneBytes(items, toks, lanes);
    }
    if (this.kind() !== Tok.Number) throw this.error(`expected a constant (0x... or [...]), found ${this.describe()}`);
    const s = this.tokText();
    const v = parseIntText(s);
    if (v === null || v < 0n || !/^0x/i.test(s)) throw this.error(`expected a hexadecimal constant, found '${s}'`);
    this.pos++;
    const digits = s.slice(2).replace(/_/g, '');
    let n = Math.ceil(digits.length / 2);
    if (size > 0) {
      if (n > size) throw this.error(`constant ${s} does not fit in ${size} bytes`, this.pos - 1);
      n = size;
    }
    const out = new Uint8Array(n);
    let x = v;
    for (let i = 0; i < n; i++) {
      out[i] = Number(x & 0xffn);
      x >>= 8n;
    }
    return out;
  }

  private laneBytes(items: string[], toks: number[], vt: Type): Uint8Array {
    const n = laneCount(vt);
    const lb = laneBits(vt);
    if (items.length !== n) throw this.error(`expected ${n} lanes for ${typeName(vt)}, found ${items.length}`, toks[0] ?? this.pos);
    const out = new Uint8Array((n * lb) >> 3);
    const lane = laneType(vt);
    for (let i = 0; i < n; i++) {
      let bitsV: bigint | null;
      if (isFloat(lane)) {
        const fmt = lane === F16 ? IEEE16 : lane === F32 ? IEEE32 : lane === F64 ? IEEE64 : IEEE128;
        bitsV = parseIeee(items[i], fmt);
      } else {
        bitsV = parseIntText(items[i]);
        if (bitsV !== null) {
          const lim = 1n << BigInt(lb);
          if (bitsV >= lim || bitsV < -(lim >> 1n)) bitsV = null;
          else bitsV = BigInt.asUintN(lb, bitsV);
        }
      }
      if (bitsV === null) throw this.error(`invalid ${typeName(lane)} lane value '${items[i]}'`, toks[i]);
      for (let b = 0; b < lb >> 3; b++) {
        out[i * (lb >> 3) + b] = Number((bitsV >> BigInt(8 * b)) & 0xffn);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- blocks

  private parseBlockHeader(): Block {
    const f = this.f;
    const tok = this.pos;
    const b = this.expectEntity('block', 'a block') as Block;
    if (f.isBlockDefined(b) && f.isBlockInLayout(b)) throw this.error(`duplicate definition of block${b}`, tok);
    f.defineBlock(b);
    if (this.accept(Tok.LParen)) {
      if (this.kind() !== Tok.RParen) {
        for (;;) {
          const vtok = this.pos;
          const v = this.expectEntity('v', 'a block parameter value') as Value;
          this.expect(Tok.Colon, "':'");
          const t = this.parseType('a type');
          if (f.isValueDefined(v)) throw this.error(`duplicate definition of v${v}`, vtok);
          f.appendBlockParamAs(b, t, v);
          if (!this.accept(Tok.Comma)) break;
        }
      }
      this.expect(Tok.RParen, "')' or ','");
    }
    if (this.isWord('cold')) {
      this.pos++;
      f.setBlockCold(b, true);
    }
    this.expect(Tok.Colon, "':' after the block header");
    f.appendBlock(b);
    return b;
  }

  // ---------------------------------------------------------------- instructions

  private parseInstructionLine(block: Block): void {
    const f = this.f;
    let tags: DebugTag[] | null = null;
    if (this.kind() === Tok.Less) tags = this.parseDebugTags();
    let srcloc = -1;
    if (this.kind() === Tok.SrcLoc) {
      const s = this.tokText();
      if (s.length > 9) throw this.error(`source location ${s} does not fit in 32 bits`);
      srcloc = parseInt(s.slice(1), 16);
      this.pos++;
    }
    // Alias definition: vN -> vM
    const first = this.entityNum('v');
    if (first >= 0 && this.kind(this.pos + 1) === Tok.Arrow) {
      const tok = this.pos;
      this.pos += 2;
      const target = this.expectEntity('v', 'an alias target value') as Value;
      const v = first as Value;
      if (f.isValueDefined(v)) {
        // Cranelift accepts repeated identical alias lines.
        if (f.valueKind[v] === ValueKind.Alias && f.valueDef[v] === target) return;
        throw this.error(`duplicate definition of v${v}`, tok);
      }
      f.reserveValue(target);
      f.setAlias(v, target);
      this.aliasTok.set(v, tok);
      this.valueUses.push(target, tok);
      return;
    }
    // Results.
    // Reused buffers, one instruction at a time (`nres` entries valid).
    const results = this.resultBuf;
    const resultToks = this.resultTokBuf;
    let nres = 0;
    if (first >= 0 && (this.kind(this.pos + 1) === Tok.Equal || this.kind(this.pos + 1) === Tok.Comma)) {
      for (;;) {
        resultToks[nres] = this.pos;
        results[nres++] = this.expectEntity('v', 'a result value') as Value;
        if (this.accept(Tok.Comma)) continue;
        this.expect(Tok.Equal, "'=' after the result values");
        break;
      }
    }
    // Opcode and optional type suffix.
    const opTok = this.pos;
    if (this.kind() !== Tok.Word) throw this.error(`expected an instruction opcode, found ${this.describe()}`);
    const opName = this.tokText(this.pos++);
    const op = opcodeByName(opName);
    if (op === -1) throw this.error(`unknown opcode \`${opName}\``, opTok);
    const info = OPCODES[op];
    let ctrl: Type = INVALID;
    if (this.kind() === Tok.Dot && this.t.start[this.pos] === this.t.end[opTok]) {
      this.pos++;
      ctrl = this.parseType('a type suffix');
      if (info.ctrl === 'none') {
        throw this.error(`\`${opName}\` is not polymorphic and takes no type suffix`, opTok);
      }
    } else if (info.ctrl === 'explicit') {
      throw this.error(`\`${opName}\` needs a type suffix (${opName}.T)`, opTok);
    }
    const inst = this.parseOperands(op, info, ctrl, opTok);
    this.instTok[inst] = opTok;
    if (srcloc >= 0) f.setSrcLoc(inst, srcloc);
    if (tags) f.debugTags.set(inst, tags);
    // Optional user stack map on calls.
    if (info.isCall && this.kind() === Tok.Comma && this.isWord('stack_map', this.pos + 1)) {
      this.pos += 2;
      f.userStackMaps.set(inst, this.parseStackMap());
    }
    // Results and typing.
    for (let k = 0; k < nres; k++) {
      const v = results[k];
      if (f.isValueDefined(v)) throw this.error(`duplicate definition of v${v}`, resultToks[k]);
      f.attachResult(inst, v, INVALID);
    }
    this.typeResults(inst, info, opTok, nres);
    f.appendInst(inst, block);
    // An instruction ends at the end of its line.
    if (this.kind() !== Tok.Eof && this.kind() !== Tok.RBrace && this.sameLine(this.pos, this.pos - 1)) {
      throw this.error(`expected the end of the instruction, found ${this.describe()}`);
    }
  }

  private parseDebugTags(): DebugTag[] {
    this.pos++; // '<'
    const tags: DebugTag[] = [];
    while (this.kind() !== Tok.Greater) {
      const ss = this.entityNum('ss');
      if (ss >= 0) {
        this.pos++;
        tags.push({ kind: 'stack_slot', slot: ss as StackSlot });
      } else {
        tags.push({ kind: 'user', value: Number(this.parseIntLiteral(0n, 0xffffffffn, 'a debug tag (ssN or a number)')) });
      }
      if (!this.accept(Tok.Comma)) break;
    }
    this.expect(Tok.Greater, "'>' to close the debug tags");
    return tags;
  }

  private parseStackMap(): StackMapEntry[] {
    this.expect(Tok.Equal, "'='");
    this.expect(Tok.LBracket, "'['");
    const out: StackMapEntry[] = [];
    while (this.kind() !== Tok.RBracket) {
      const type = this.parseType('a type');
      this.expect(Tok.At, "'@'");
      const slot = this.expectEntity('ss', 'a stack slot') as StackSlot;
      const offset = Number(this.parseOptionalOffset(-(1n << 31n), (1n << 31n) - 1n));
      out.push({ type, slot, offset });
      if (!this.accept(Tok.Comma)) break;
    }
    this.expect(Tok.RBracket, "']'");
    return out;
  }

  /** Compute result types now when possible, otherwise defer until the function is read. */
  private typeResults(inst: Inst, info: OpcodeInfo, opTok: number, given: number): void {
    const f = this.f;
    let expected: number;
    if (info.results === 'sig') {
      const sig = f.callSignature(inst);
      if (!sig) throw this.error(`undefined signature for \`${info.name}\``, opTok);
      expected = sig.returns.length;
    } else {
      expected = info.results.length;
    }
    if (given !== expected) {
      throw this.error(`\`${info.name}\` has ${expected} result${expected === 1 ? '' : 's'}, ${given} given`, opTok);
    }
    if (info.ctrl === 'operand' && f.instType[inst] === INVALID) {
      this.pending.push(inst);
    }
    if (info.results === 'sig' || f.instType[inst] !== INVALID || info.ctrl === 'none') this.setResultTypes(inst, info);
  }

  private setResultTypes(inst: Inst, info: OpcodeInfo): void {
    const f = this.f;
    if (info.results === 'sig') {
      const sig = f.callSignature(inst)!;
      for (let k = 0; k < sig.returns.length; k++) f.valueType[f.result(inst, k)] = sig.returns[k].type;
      return;
    }
    const ctrl = f.instType[inst] as Type;
    const res = info.results;
    for (let k = 0; k < res.length; k++) {
      const t = resolveTypeDesc(res[k], ctrl);
      if (t === INVALID) {
        throw this.error(`\`${info.name}\` cannot produce a result from controlling type ${typeName(ctrl)}`, this.instTok[inst]);
      }
      f.valueType[f.result(inst, k)] = t;
    }
  }

  private value(what = 'a value'): Value {
    const tok = this.pos;
    const v = this.expectEntity('v', what);
    this.valueUses.push(v, tok);
    return v as Value;
  }

  private comma(): void {
    this.expect(Tok.Comma, "','");
  }

  private blockRef(): Block {
    const tok = this.pos;
    const b = this.expectEntity('block', 'a block');
    this.blockUses.push(b, tok);
    return b as Block;
  }

  /** blockN or blockN(args) where args are values, retN or exnN. */
  private blockCall(): BlockCall {
    const b = this.blockRef();
    const args: BlockArg[] = [];
    if (this.kind() === Tok.LParen && this.sameLine(this.pos, this.pos - 1)) {
      this.pos++;
      if (this.kind() !== Tok.RParen) {
        for (;;) {
          const ret = this.entityNum('ret');
          const exn = this.entityNum('exn');
          if (ret >= 0) {
            this.pos++;
            args.push(blockArgRet(ret));
          } else if (exn >= 0) {
            this.pos++;
            args.push(blockArgExn(exn));
          } else {
            args.push(this.value('a block argument (vN, retN or exnN)'));
          }
          if (!this.accept(Tok.Comma)) break;
        }
      }
      this.expect(Tok.RParen, "')' or ','");
    }
    return this.f.makeBlockCall(b, args);
  }

  /** `(v1, v2, ...)` */
  private valueList(): Value[] {
    this.expect(Tok.LParen, "'(' to start the argument list");
    const out: Value[] = [];
    if (this.kind() !== Tok.RParen) {
      for (;;) {
        out.push(this.value());
        if (!this.accept(Tok.Comma)) break;
      }
    }
    this.expect(Tok.RParen, "')' or ','");
    return out;
  }

  private parseMemFlags(): MemFlags {
    let flags = MEMFLAGS_DEFAULT;
    while (this.kind() === Tok.Word && this.entityNum('v') < 0 && this.entityNum('gv') < 0) {
      const w = this.tokText();
      const region = this.entityNum('region');
      if (region >= 0) {
        // An undeclared region is kept for the verifier to report.
        if (region > 0xffe) throw this.error(`memory region number too large: ${w}`);
        flags = memWithRegion(flags, region);
      } else {
        const next = applyMemFlagWord(flags, w);
        if (next === -1) break;
        flags = next;
      }
      this.pos++;
    }
    return flags;
  }

  private trapCode(): number {
    const w = this.kind() === Tok.Word ? this.tokText() : '';
    const code = parseTrapCode(w);
    if (code === -1) throw this.error(`expected a trap code (heap_oob, int_ovf, user1...), found ${this.describe()}`);
    this.pos++;
    return code;
  }

  private offset32(): number {
    if (this.kind() === Tok.Number) {
      const c = this.text.charCodeAt(this.t.start[this.pos]);
      if (c === 43 || c === 45) return this.parseIntNumber(-0x80000000, 0x7fffffff, 'an offset');
    }
    return 0;
  }

  private imm64(): bigint {
    return BigInt.asIntN(64, this.parseIntLiteral(-(1n << 63n), (1n << 64n) - 1n, 'an integer immediate'));
  }

  /** Set the 64-bit immediate of `inst` from the next literal, without bigint for small values. */
  private setImm64FromLiteral(inst: Inst): void {
    const n = this.kind() === Tok.Number ? this.smallInt() : null;
    if (n !== null) {
      this.pos++;
      this.f.setImm1(inst, n | 0);
      this.f.setImm2(inst, n < 0 ? -1 : 0);
    } else {
      this.f.setImm64(inst, this.imm64());
    }
  }

  private uimm8(): number {
    return this.parseIntNumber(0, 255, 'a lane index (0-255)');
  }

  private funcRef(): FuncRef {
    const tok = this.pos;
    const n = this.expectEntity('fn', 'a function reference') as FuncRef;
    if (this.f.funcRefs[n] === undefined) throw this.error(`undefined function reference fn${n}`, tok);
    return n;
  }

  private sigRef(): SigRef {
    const tok = this.pos;
    const n = this.expectEntity('sig', 'a signature reference') as SigRef;
    if (this.f.sigRefs[n] === undefined) throw this.error(`undefined signature sig${n}`, tok);
    return n;
  }

  private stackSlot(): StackSlot {
    const tok = this.pos;
    const n = this.expectEntity('ss', 'a stack slot') as StackSlot;
    if (this.f.stackSlots[n] === undefined) throw this.error(`undefined stack slot ss${n}`, tok);
    return n;
  }

  private globalValue(): GlobalValue {
    const tok = this.pos;
    const n = this.expectEntity('gv', 'a global value') as GlobalValue;
    if (this.f.globalValues[n] === undefined) throw this.error(`undefined global value gv${n}`, tok);
    return n;
  }

  private exceptionItems(): ExceptionTableItem[] {
    this.expect(Tok.LBracket, "'[' to start the exception handlers");
    const items: ExceptionTableItem[] = [];
    while (this.kind() !== Tok.RBracket) {
      if (this.isWord('context')) {
        this.pos++;
        items.push({ kind: 'context', value: this.value('a context value') });
      } else if (this.isWord('default')) {
        this.pos++;
        this.expect(Tok.Colon, "':'");
        items.push({ kind: 'default', call: this.blockCall() });
      } else {
        const tag = this.expectEntity('tag', 'an exception tag (tagN), `default` or `context`');
        this.expect(Tok.Colon, "':'");
        items.push({ kind: 'tag', tag, call: this.blockCall() });
      }
      if (!this.accept(Tok.Comma)) break;
    }
    this.expect(Tok.RBracket, "']' or ','");
    return items;
  }

  /** Parse the operands of one instruction according to its format and create it. */
  private parseOperands(op: Opcode, info: OpcodeInfo, ctrl: Type, opTok: number): Inst {
    const f = this.f;
    let inst: Inst;
    switch (info.format) {
      case Format.NullAry:
        return f.makeInst(op, ctrl, []);
      case Format.Unary:
        return f.makeInst(op, ctrl, [this.value()]);
      case Format.UnaryImm: {
        inst = f.makeInst(op, ctrl, []);
        this.setImm64FromLiteral(inst);
        return inst;
      }
      case Format.UnaryIeee16:
      case Format.UnaryIeee32: {
        const b = this.parseFloat(info.format === Format.UnaryIeee16 ? IEEE16 : IEEE32, 'a float literal');
        inst = f.makeInst(op, ctrl, []);
        f.setImm0(inst, Number(b) | 0);
        return inst;
      }
      case Format.UnaryIeee64: {
        const b = this.parseFloat(IEEE64, 'a float literal');
        inst = f.makeInst(op, ctrl, []);
        f.setImm64(inst, b);
        return inst;
      }
      case Format.UnaryConst: {
        const ty = info.ctrl === 'none' ? (resolveTypeDesc((info.results as string[])[0], INVALID)) : ctrl;
        let c: number;
        const cn = this.entityNum('const');
        if (cn >= 0) {
          if (f.constants[cn] === undefined || (f.constants[cn].length === 0 && bytes(ty) !== 0)) throw this.error(`undefined constant const${cn}`);
          this.pos++;
          c = cn;
        } else if (ty === F128 && this.kind() !== Tok.LBracket && !/^0x[0-9a-f_]+$/i.test(this.tokText())) {
          const b = this.parseFloat(IEEE128, 'an f128 literal');
          const out = new Uint8Array(16);
          for (let i = 0; i < 16; i++) out[i] = Number((b >> BigInt(8 * i)) & 0xffn);
          c = f.addConstant(out);
        } else {
          c = f.addConstant(this.parseConstantBytes(bytes(ty), ty));
        }
        inst = f.makeInst(op, ctrl, []);
        f.setImm0(inst, c);
        return inst;
      }
      case Format.UnaryGlobalValue: {
        const gv = this.globalValue();
        inst = f.makeInst(op, ctrl, []);
        f.setImm0(inst, gv);
        return inst;
      }
      case Format.Binary: {
        const a = this.value();
        this.comma();
        return f.makeInst(op, ctrl, [a, this.value()]);
      }
      case Format.BinaryImm8: {
        const a = this.value();
        this.comma();
        const lane = this.uimm8();
        inst = f.makeInst(op, ctrl, [a]);
        f.setImm0(inst, lane);
        return inst;
      }
      case Format.BinaryImm64: {
        const a = this.value();
        this.comma();
        inst = f.makeInst(op, ctrl, [a]);
        this.setImm64FromLiteral(inst);
        return inst;
      }
      case Format.Ternary: {
        const a = this.value();
        this.comma();
        const b = this.value();
        this.comma();
        return f.makeInst(op, ctrl, [a, b, this.value()]);
      }
      case Format.TernaryImm8: {
        const a = this.value();
        this.comma();
        const b = this.value();
        this.comma();
        const lane = this.uimm8();
        inst = f.makeInst(op, ctrl, [a, b]);
        f.setImm0(inst, lane);
        return inst;
      }
      case Format.MultiAry: {
        const args: Value[] = [];
        if (this.entityNum('v') >= 0 && this.sameLine(this.pos, opTok)) {
          for (;;) {
            args.push(this.value());
            if (!this.accept(Tok.Comma)) break;
          }
        }
        return f.makeInst(op, ctrl, args);
      }
      case Format.Shuffle: {
        const a = this.value();
        this.comma();
        const b = this.value();
        this.comma();
        const mask = this.kind() === Tok.LBracket
          ? this.parseConstantBytes(16, vectorOf(I8, 16))
          : this.parseConstantBytes(16);
        inst = f.makeInst(op, ctrl, [a, b]);
        f.setImm0(inst, f.addImmediate(mask));
        return inst;
      }
      case Format.IntCompare:
      case Format.IntCompareImm:
      case Format.FloatCompare: {
        const w = this.kind() === Tok.Word ? this.tokText() : '';
        const cc = info.format === Format.FloatCompare ? parseFloatCC(w) : parseIntCC(w);
        if (cc === -1) throw this.error(`expected a condition code, found ${this.describe()}`);
        this.pos++;
        const a = this.value();
        this.comma();
        if (info.format === Format.IntCompareImm) {
          inst = f.makeInst(op, ctrl, [a]);
          this.setImm64FromLiteral(inst);
        } else {
          inst = f.makeInst(op, ctrl, [a, this.value()]);
        }
        f.setImm0(inst, cc);
        return inst;
      }
      case Format.IntAddTrap: {
        const a = this.value();
        this.comma();
        const b = this.value();
        this.comma();
        const code = this.trapCode();
        inst = f.makeInst(op, ctrl, [a, b]);
        f.setImm0(inst, code);
        return inst;
      }
      case Format.Jump: {
        const bc = this.blockCall();
        inst = f.makeInst(op, ctrl, []);
        f.setImm0(inst, bc);
        return inst;
      }
      case Format.Brif: {
        const c = this.value();
        this.comma();
        const t = this.blockCall();
        this.comma();
        const e = this.blockCall();
        inst = f.makeInst(op, ctrl, [c]);
        f.setImm0(inst, t);
        f.setImm1(inst, e);
        return inst;
      }
      case Format.BranchTable: {
        const x = this.value();
        this.comma();
        const def = this.blockCall();
        this.comma();
        this.expect(Tok.LBracket, "'[' to start the jump table");
        const entries: BlockCall[] = [];
        while (this.kind() !== Tok.RBracket) {
          entries.push(this.blockCall());
          if (!this.accept(Tok.Comma)) break;
        }
        this.expect(Tok.RBracket, "']' or ','");
        const jt = f.addJumpTable({ defaultCall: def, entries });
        inst = f.makeInst(op, ctrl, [x]);
        f.setImm0(inst, jt);
        return inst;
      }
      case Format.Trap: {
        const code = this.trapCode();
        inst = f.makeInst(op, ctrl, []);
        f.setImm0(inst, code);
        return inst;
      }
      case Format.CondTrap: {
        const c = this.value();
        this.comma();
        const code = this.trapCode();
        inst = f.makeInst(op, ctrl, [c]);
        f.setImm0(inst, code);
        return inst;
      }
      case Format.Call: {
        const fr = this.funcRef();
        const args = this.valueList();
        inst = f.makeInst(op, ctrl, args);
        f.setImm0(inst, fr);
        return inst;
      }
      case Format.CallIndirect: {
        const sig = this.sigRef();
        this.comma();
        const callee = this.value('a callee value');
        const args = this.valueList();
        inst = f.makeInst(op, ctrl, [callee, ...args]);
        f.setImm0(inst, sig);
        return inst;
      }
      case Format.FuncAddr: {
        const fr = this.funcRef();
        inst = f.makeInst(op, ctrl, []);
        f.setImm0(inst, fr);
        return inst;
      }
      case Format.TryCall:
      case Format.TryCallIndirect: {
        let fr = -1;
        let callee: Value | -1 = -1;
        if (info.format === Format.TryCall) fr = this.funcRef();
        else callee = this.value('a callee value');
        const args = this.valueList();
        this.comma();
        const sig = this.sigRef();
        this.comma();
        const normal = this.blockCall();
        this.comma();
        const items = this.exceptionItems();
        const et = f.addExceptionTable({ signature: sig, normalReturn: normal, items });
        if (info.format === Format.TryCall) {
          inst = f.makeInst(op, ctrl, args);
          f.setImm0(inst, fr);
          f.setImm1(inst, et);
        } else {
          inst = f.makeInst(op, ctrl, [callee, ...args]);
          f.setImm0(inst, et);
        }
        return inst;
      }
      case Format.ExceptionHandlerAddress: {
        const b = this.blockRef();
        this.comma();
        const idx = this.imm64();
        inst = f.makeInst(op, ctrl, []);
        f.setImm0(inst, b);
        f.setImm64(inst, idx);
        return inst;
      }
      case Format.Load:
      case Format.LoadNoOffset: {
        const flags = this.parseMemFlags();
        const p = this.value('an address value');
        const off = info.format === Format.Load ? this.offset32() : 0;
        inst = f.makeInst(op, ctrl, [p]);
        f.setImm0(inst, flags);
        f.setImm1(inst, off);
        return inst;
      }
      case Format.Store:
      case Format.StoreNoOffset: {
        const flags = this.parseMemFlags();
        const x = this.value();
        this.comma();
        const p = this.value('an address value');
        const off = info.format === Format.Store ? this.offset32() : 0;
        inst = f.makeInst(op, ctrl, [x, p]);
        f.setImm0(inst, flags);
        f.setImm1(inst, off);
        return inst;
      }
      case Format.AtomicRmw: {
        const flags = this.parseMemFlags();
        const w = this.kind() === Tok.Word ? this.tokText() : '';
        const rmw = parseAtomicRmwOp(w);
        if (rmw === -1) throw this.error(`expected an atomic operation (add, sub, and, nand, or, xor, xchg, umin, umax, smin, smax), found ${this.describe()}`);
        this.pos++;
        const p = this.value('an address value');
        this.comma();
        const x = this.value();
        inst = f.makeInst(op, ctrl, [p, x]);
        f.setImm0(inst, flags);
        f.setImm1(inst, rmw);
        return inst;
      }
      case Format.AtomicCas: {
        const flags = this.parseMemFlags();
        const p = this.value('an address value');
        this.comma();
        const e = this.value();
        this.comma();
        const x = this.value();
        inst = f.makeInst(op, ctrl, [p, e, x]);
        f.setImm0(inst, flags);
        return inst;
      }
      case Format.StackLoad: {
        const ss = this.stackSlot();
        const off = this.offset32();
        inst = f.makeInst(op, ctrl, []);
        f.setImm0(inst, ss);
        f.setImm1(inst, off);
        return inst;
      }
      case Format.StackStore: {
        const x = this.value();
        this.comma();
        const ss = this.stackSlot();
        const off = this.offset32();
        inst = f.makeInst(op, ctrl, [x]);
        f.setImm0(inst, ss);
        f.setImm1(inst, off);
        return inst;
      }
      case Format.DynamicStackLoad:
      case Format.DynamicStackStore: {
        const args: Value[] = [];
        if (info.format === Format.DynamicStackStore) {
          args.push(this.value());
          this.comma();
        }
        const tok = this.pos;
        const dss = this.expectEntity('dss', 'a dynamic stack slot');
        if (f.dynamicStackSlots[dss] === undefined) throw this.error(`undefined dynamic stack slot dss${dss}`, tok);
        inst = f.makeInst(op, ctrl, args);
        f.setImm0(inst, dss);
        return inst;
      }
    }
    throw this.error(`unsupported instruction format for \`${info.name}\``, opTok);
  }

  // ---------------------------------------------------------------- end of function

  private finishFunction(): void {
    const f = this.f;
    // Every used value and block must exist.
    for (let k = 0; k < this.valueUses.length; k += 2) {
      const v = this.valueUses[k] as Value;
      if (!f.isValueDefined(v)) throw this.error(`undefined value v${v}`, this.valueUses[k + 1]);
    }
    // References to blocks that are never defined are kept (blockExists but not in the
    // layout): the verifier reports them, as Cranelift does.
    for (let k = 0; k < this.blockUses.length; k += 2) f.defineBlock(this.blockUses[k] as Block);
    // Alias chains must end at a real value.
    this.rootCache = new Int32Array(f.valueCount);
    for (const [v, tok] of this.aliasTok) {
      const root = this.aliasRoot(v);
      if (root < 0) throw this.error(`alias v${v} does not resolve to a defined value (cycle or dangling)`, tok);
    }
    this.pendingState = new Uint8Array(f.instCount);
    for (const inst of this.pending) this.pendingState[inst] = 1;
    for (const inst of this.pending) this.resolvePending(inst);
    for (const [v] of this.aliasTok) f.valueType[v] = f.valueType[this.aliasRoot(v)];
    this.checkPreambleRefs();
  }

  /** The defined value an alias chain ends at, or -1 (dangling or cyclic). Memoized: chains can be long. */
  private aliasRoot(v: Value): number {
    const f = this.f;
    if (f.valueKind[v] !== ValueKind.Alias) return f.valueKind[v] === ValueKind.Unused ? -1 : v;
    const cache = this.rootCache;
    if (cache[v] !== 0) return cache[v] - 2;
    // Walk to the first value whose root is known, marking the path (1 = on path).
    const path: number[] = [];
    let r: number = v;
    let root: number;
    for (;;) {
      if (r < 0 || r >= f.valueCount) { root = -1; break; }
      if (f.valueKind[r] !== ValueKind.Alias) { root = f.valueKind[r] === ValueKind.Unused ? -1 : r; break; }
      if (cache[r] === 1) { root = -1; break; } // cycle
      if (cache[r] !== 0) { root = cache[r] - 2; break; }
      cache[r] = 1;
      path.push(r);
      r = f.valueDef[r];
    }
    for (const p of path) cache[p] = root + 2;
    return root;
  }

  /** Infer the controlling type of a pending instruction (depth-first over forward references). */
  private resolvePending(start: Inst): void {
    const f = this.f;
    const state = this.pendingState;
    if (state[start] === 3) return;
    // Always empty between calls (every path below pops or throws).
    const stack = this.resolveStack;
    stack.push(start);
    while (stack.length > 0) {
      const inst = stack[stack.length - 1];
      if (state[inst] === 3) {
        stack.pop();
        continue;
      }
      const info = OPCODES[f.instOpcode[inst]];
      const operand = f.arg(inst, info.ctrlOperand);
      const root = this.aliasRoot(operand);
      if (root < 0) throw this.error(`undefined value v${operand}`, this.instTok[inst]);
      if (f.valueType[root] === INVALID && f.valueKind[root] === ValueKind.Result) {
        const def = f.valueDef[root] as Inst;
        if (state[def] === 1) {
          state[inst] = 2;
          stack.push(def);
          continue;
        }
        if (state[def] === 2) throw this.error(`cannot infer the type of v${operand}: its definition depends on itself; add a type suffix`, this.instTok[inst]);
      }
      const t = f.valueType[root] as Type;
      if (t === INVALID) throw this.error(`cannot infer the controlling type of \`${info.name}\` from v${operand}; add a type suffix`, this.instTok[inst]);
      f.instType[inst] = t;
      this.setResultTypes(inst, info);
      state[inst] = 3;
      stack.pop();
    }
  }

  private checkPreambleRefs(): void {
    const f = this.f;
    const fail = (msg: string) => {
      throw this.error(msg, this.pos - 1);
    };
    f.globalValues.forEach((g, n) => {
      if (!g) return;
      if ((g.kind === 'load' || g.kind === 'iadd_imm') && f.globalValues[g.base] === undefined) fail(`gv${n} refers to undefined global value gv${g.base}`);
    });
    f.dynamicTypes.forEach((d, n) => {
      if (d && f.globalValues[d.scale] === undefined) fail(`dt${n} refers to undefined global value gv${d.scale}`);
    });
    f.dynamicStackSlots.forEach((d, n) => {
      if (d && f.dynamicTypes[d.dynamicType] === undefined) fail(`dss${n} refers to undefined dynamic type dt${d.dynamicType}`);
    });
    f.funcRefs.forEach((r, n) => {
      if (r && f.sigRefs[r.signature] === undefined) fail(`fn${n} refers to undefined signature sig${r.signature}`);
    });
    if (f.stackLimit !== -1 && f.globalValues[f.stackLimit] === undefined) fail(`stack_limit refers to undefined global value gv${f.stackLimit}`);
    for (const [, tags] of f.debugTags) {
      for (const t of tags) if (t.kind === 'stack_slot' && f.stackSlots[t.slot] === undefined) fail(`debug tag refers to undefined stack slot ss${t.slot}`);
    }
    for (const [, entries] of f.userStackMaps) {
      for (const e of entries) if (f.stackSlots[e.slot] === undefined) fail(`stack map refers to undefined stack slot ss${e.slot}`);
    }
  }
}

function parseDirective(c: Comment): Directive | null {
  const m = DIRECTIVE_RE.exec(c.text);
  if (!m || !DIRECTIVE_KINDS.has(m[1])) return null;
  return { kind: m[1], text: m[2].trim(), line: c.line };
}

/**
 * Integer literal text -> bigint: decimal or 0x hex, optional sign, `_` separators. A decimal
 * literal of more than 60 significant digits reads as 10^60 (out of range of every type).
 */
export function parseIntText(s: string): bigint | null {
  let neg = false;
  let body = s;
  if (body[0] === '-' || body[0] === '+') {
    neg = body[0] === '-';
    body = body.slice(1);
  }
  body = body.replace(/_/g, '');
  if (/^0x[0-9a-fA-F]+$/.test(body)) {
    const v = BigInt(body);
    return neg ? -v : v;
  }
  if (/^\d+$/.test(body)) {
    // Decimal to bigint costs quadratic time in the digits: a literal too long for any CLIF
    // integer (i128 has 39 digits) stands for 10^60, which every range check rejects.
    const v = body.length - (/^0*/.exec(body)![0].length) > 60 ? 10n ** 60n : BigInt(body);
    return neg ? -v : v;
  }
  return null;
}
